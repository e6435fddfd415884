"""Typed phrase -> intent and slots, from the same sample utterances Alexa is given.

Matching is exact on normalised words: a sample's literal words must appear as typed and each
`{slot}` captures one or more words. When several samples match, the best is the one with the
fewest slot values Alexa could not resolve, then the most specific (more literal words), then
the model's own samples before the built-in intents' stock phrases, then model order. Finally,
if another sample of the winning intent also matches with more slots resolved, that one is
used: "start my foot routine" is a sample of its own and also "start my {routine}", and the
skill learns more from the second. Every step is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from skill.chat.model import InteractionModel, SlotTypeValue
from skill.chat.normalize import normalize, parse_number, words_of

FALLBACK_INTENT = "AMAZON.FallbackIntent"
MATCH = "ER_SUCCESS_MATCH"
NO_MATCH = "ER_SUCCESS_NO_MATCH"

# Phrases Alexa maps to its built-in intents without any sample in the model. They only apply
# to built-in intents the model declares, as on a real device.
BUILT_IN_PHRASES: Mapping[str, tuple[str, ...]] = {
    "AMAZON.StopIntent": ("stop", "stop it", "quit", "exit", "shut up", "be quiet", "off",
                          "that is enough", "enough", "i want to stop", "goodbye", "bye"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "nevermind", "forget it", "cancel that"),
    "AMAZON.HelpIntent": ("help", "help me", "what can i say", "what can you do",
                          "can you help me", "i need help", "how does this work"),
    "AMAZON.YesIntent": ("yes", "yeah", "yep", "yup", "sure", "yes please", "okay",
                         "of course", "sounds good", "let us do it", "please do"),
    "AMAZON.NoIntent": ("no", "nope", "no thanks", "no thank you", "not now", "nah"),
    "AMAZON.NextIntent": ("next", "next one", "skip", "skip it", "skip this", "go forward"),
    "AMAZON.PreviousIntent": ("go back", "back", "previous", "previous one", "last one",
                              "the previous one", "go to the previous one"),
    "AMAZON.RepeatIntent": ("repeat", "repeat that", "say that again", "again",
                            "come again", "what did you say", "one more time", "pardon"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again", "begin again",
                               "from the beginning", "start from the beginning"),
    "AMAZON.PauseIntent": ("pause", "pause it", "hold on", "wait", "hang on", "pause please"),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going", "carry on", "unpause",
                            "go on"),
    "AMAZON.NavigateHomeIntent": ("go home", "home", "go to the home screen"),
}

_WAKE_WORDS = frozenset({"alexa"})
_LAUNCH_VERBS: tuple[tuple[str, ...], ...] = (
    ("open",), ("launch",), ("start",), ("begin",), ("load",), ("run",), ("use",), ("play",),
    ("talk", "to"), ("speak", "to"), ("start", "up"),
)
_ASK_VERBS: tuple[tuple[str, ...], ...] = (("ask",), ("tell",))
_ASK_CONNECTORS = frozenset({"to", "for", "about", "that", "if", "whether"})
_LAUNCH_CONNECTORS = frozenset({"and", "to"})
_TRAILING_INVOCATION = frozenset({"using", "with", "from", "on", "in", "via"})
# Words a speaker adds around a phrase; dropped only when the phrase as typed matched nothing.
_LEADING_FILLERS = frozenset({"please", "the", "my", "a", "an", "and", "so", "um", "uh", "hey"})
_TRAILING_FILLERS = frozenset({"please", "thanks", "now"})
_DETERMINERS = frozenset({"the", "my", "a", "an", "some", "this", "that", "our"})
_SLOT_MARKER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class ResolvedValue:
    id: str
    name: str


@dataclass(frozen=True)
class SlotFill:
    """One slot of an intent request. `spoken` is None when the phrase did not fill it."""

    name: str
    type: str
    spoken: str | None = None
    matches: tuple[ResolvedValue, ...] = ()

    @property
    def status(self) -> str | None:
        """The entity-resolution status code; None for unfilled slots and built-in types."""
        if self.spoken is None or is_built_in_type(self.type):
            return None
        return MATCH if self.matches else NO_MATCH


@dataclass(frozen=True)
class Utterance:
    """What Alexa would send for a phrase.

    kind "launch" is a LaunchRequest; "intent" an IntentRequest; "nothing" means only a wake
    word (or nothing at all) was typed. `invoked` is True when the phrase named the skill
    ("alexa, ask foot coach ..."), which always starts a new session.
    """

    kind: Literal["launch", "intent", "nothing"]
    intent: str | None = None
    slots: tuple[SlotFill, ...] = ()
    invoked: bool = False

    def slot(self, name: str) -> SlotFill | None:
        return next((slot for slot in self.slots if slot.name == name), None)


@dataclass(frozen=True)
class _Pattern:
    intent: str
    items: tuple[str | _SlotRef, ...]
    literal_count: int
    source_rank: int  # 0 = the model's own sample, 1 = a built-in intent's stock phrase
    order: int
    sample: str


@dataclass(frozen=True)
class _SlotRef:
    name: str


@dataclass(frozen=True)
class _Candidate:
    key: tuple[int, int, int, int]  # smaller is better: see the module's docstring
    pattern: _Pattern
    fills: Mapping[str, SlotFill]


def is_built_in_type(type_name: str) -> bool:
    return type_name.startswith("AMAZON.")


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _loose(words: Sequence[str]) -> str:
    """A forgiving key for slot values: no leading determiners, no plural s."""
    trimmed = list(words)
    while trimmed and trimmed[0] in _DETERMINERS:
        trimmed = trimmed[1:]
    return " ".join(_singular(word) for word in trimmed)


class _SlotTypeIndex:
    """Spoken text -> values of one custom slot type, by name and synonyms."""

    def __init__(self, values: Sequence[SlotTypeValue]) -> None:
        self._exact: dict[str, list[ResolvedValue]] = {}
        self._loose: dict[str, list[ResolvedValue]] = {}
        for value in values:
            resolved = ResolvedValue(id=value.id or value.name, name=value.name)
            for text in (value.name, *value.synonyms):
                words = words_of(text)
                for index, key in ((self._exact, " ".join(words)), (self._loose, _loose(words))):
                    bucket = index.setdefault(key, [])
                    if key and resolved not in bucket:
                        bucket.append(resolved)

    def resolve(self, words: Sequence[str]) -> tuple[ResolvedValue, ...]:
        exact = self._exact.get(" ".join(words))
        if exact:
            return tuple(exact)
        return tuple(self._loose.get(_loose(words), ()))


def _parse_sample(sample: str) -> tuple[str | _SlotRef, ...]:
    items: list[str | _SlotRef] = []
    position = 0
    for marker in _SLOT_MARKER.finditer(sample):
        items.extend(words_of(sample[position:marker.start()]))
        items.append(_SlotRef(marker.group(1).strip()))
        position = marker.end()
    items.extend(words_of(sample[position:]))
    return tuple(items)


def _captures(
    items: Sequence[str | _SlotRef], words: Sequence[str]
) -> Iterator[dict[str, tuple[str, ...]]]:
    """Every way `words` fits `items` (literals exact, each slot taking at least one word)."""
    min_rest = [0] * (len(items) + 1)
    for index in range(len(items) - 1, -1, -1):
        min_rest[index] = min_rest[index + 1] + 1

    def walk(item_index: int, word_index: int,
             taken: dict[str, tuple[str, ...]]) -> Iterator[dict[str, tuple[str, ...]]]:
        if item_index == len(items):
            if word_index == len(words):
                yield dict(taken)
            return
        if len(words) - word_index < min_rest[item_index]:
            return
        item = items[item_index]
        if isinstance(item, str):
            if words[word_index] == item:
                yield from walk(item_index + 1, word_index + 1, taken)
            return
        last_end = len(words) - min_rest[item_index + 1]
        for end in range(word_index + 1, last_end + 1):
            taken[item.name] = tuple(words[word_index:end])
            yield from walk(item_index + 1, end, taken)
        taken.pop(item.name, None)

    yield from walk(0, 0, {})


class Resolver:
    """Resolves typed phrases against one interaction model."""

    def __init__(self, model: InteractionModel) -> None:
        self.model = model
        self.invocation_words = tuple(words_of(model.invocation_name))
        self._types = {name: _SlotTypeIndex(values) for name, values in model.types.items()}
        self._slot_types = {intent.name: dict(intent.slot_types) for intent in model.intents}
        self._literal: dict[str, _Pattern] = {}
        self._slotted: list[_Pattern] = []
        order = 0
        for intent in model.intents:
            for sample in intent.samples:
                self._add(_Pattern(intent.name, _parse_sample(sample), 0, 0, order, sample))
                order += 1
        for intent in model.intents:
            for phrase in BUILT_IN_PHRASES.get(intent.name, ()):
                self._add(_Pattern(intent.name, _parse_sample(phrase), 0, 1, order, phrase))
                order += 1

    def _add(self, pattern: _Pattern) -> None:
        literal_count = sum(1 for item in pattern.items if isinstance(item, str))
        pattern = _Pattern(pattern.intent, pattern.items, literal_count, pattern.source_rank,
                           pattern.order, pattern.sample)
        if not pattern.items:
            return
        if literal_count == len(pattern.items):
            self._literal.setdefault(" ".join(str(item) for item in pattern.items), pattern)
        else:
            self._slotted.append(pattern)

    # -- public API ------------------------------------------------------------------------

    def resolve(self, phrase: str) -> Utterance:
        words = words_of(phrase)
        if words and words[0] in _WAKE_WORDS:
            words = words[1:]
        rest = self._after_invocation(words)
        if rest is not None:
            if not rest:
                return Utterance("launch", invoked=True)
            return self._resolve_words(rest, invoked=True)
        if not words:
            return Utterance("nothing")
        return self._resolve_words(words, invoked=False)

    def slot_fills(self, intent: str, values: Mapping[str, str]) -> tuple[SlotFill, ...]:
        """Slots for an explicitly chosen intent (`/intent NAME slot=value`), resolved."""
        declared = self._slot_types.get(intent, {})
        fills = {name: SlotFill(name, type_name) for name, type_name in declared.items()}
        for name, text in values.items():
            type_name = declared.get(name, "")
            fill = self._fill(name, type_name, tuple(words_of(text)), text)
            fills[name] = fill if fill is not None else SlotFill(name, type_name, text)
        return tuple(fills.values())

    def examples(self) -> list[tuple[str, str]]:
        """(intent, phrase) pairs for /help: each intent's first sample, preferring one with a
        slot (filled with a real value) so the example shows what the slot is for."""
        examples: list[tuple[str, str]] = []
        for intent in self.model.intents:
            with_slot = (sample for sample in intent.samples if _SLOT_MARKER.search(sample))
            phrase = next(with_slot, None) or next(iter(intent.samples), None) or next(
                iter(BUILT_IN_PHRASES.get(intent.name, ())), None)
            if phrase is None:
                continue
            examples.append((intent.name, self._fill_example(intent.name, phrase)))
        return examples

    # -- matching --------------------------------------------------------------------------

    def _fill_example(self, intent: str, sample: str) -> str:
        def value_for(marker: re.Match[str]) -> str:
            type_name = self._slot_types.get(intent, {}).get(marker.group(1).strip(), "")
            values = self.model.types.get(type_name, ())
            if values:
                return values[0].name
            return "ten" if type_name == "AMAZON.NUMBER" else "something"

        return normalize(_SLOT_MARKER.sub(value_for, sample))

    def _after_invocation(self, words: list[str]) -> list[str] | None:
        """The words after "ask foot coach to ..." (empty: a launch), or None if not invoked."""
        invocation = list(self.invocation_words)
        size = len(invocation)
        for start in range(len(words) - size + 1):
            if words[start:start + size] != invocation:
                continue
            prefix = words[:start]
            if prefix and prefix[-1] == "the":
                prefix = prefix[:-1]
            suffix = words[start + size:]
            if not prefix:
                return suffix if not suffix or suffix[0] not in _LAUNCH_CONNECTORS else suffix[1:]
            if tuple(prefix) in _LAUNCH_VERBS:
                if suffix and suffix[0] in _LAUNCH_CONNECTORS:
                    return suffix[1:]
                return suffix
            if tuple(prefix) in _ASK_VERBS:
                if suffix and suffix[0] in _ASK_CONNECTORS:
                    return suffix[1:]
                return suffix
            if not suffix and len(prefix) > 1 and prefix[-1] in _TRAILING_INVOCATION:
                return prefix[:-1]
        return None

    def _resolve_words(self, words: list[str], invoked: bool) -> Utterance:
        attempts = [words]
        trimmed = list(words)
        while trimmed and trimmed[0] in _LEADING_FILLERS:
            trimmed = trimmed[1:]
        while trimmed and trimmed[-1] in _TRAILING_FILLERS:
            trimmed = trimmed[:-1]
        if trimmed and trimmed != words:
            attempts.append(trimmed)
        for attempt in attempts:
            candidate = self._best(attempt)
            if candidate is not None:
                declared = self._slot_types.get(candidate.pattern.intent, {})
                slots = [candidate.fills.get(name) or SlotFill(name, type_name)
                         for name, type_name in declared.items()]
                return Utterance("intent", candidate.pattern.intent, tuple(slots), invoked)
        return Utterance("intent", FALLBACK_INTENT, (), invoked)

    def _best(self, words: list[str]) -> _Candidate | None:
        candidates: list[_Candidate] = []
        exact = self._literal.get(" ".join(words))
        if exact is not None:
            candidates.append(_Candidate((0, -len(words), exact.source_rank, exact.order),
                                         exact, {}))
        present = set(words)
        for pattern in self._slotted:
            if not all(item in present for item in pattern.items if isinstance(item, str)):
                continue
            for captured in _captures(pattern.items, words):
                candidate = self._score(pattern, captured, len(words))
                if candidate is not None:
                    candidates.append(candidate)
        if not candidates:
            return None
        best = min(candidates, key=lambda candidate: candidate.key)
        if best.key[0] == 0:
            same_intent = [c for c in candidates
                           if c.pattern.intent == best.pattern.intent and c.key[0] == 0]
            best = min(same_intent, key=lambda c: (-len(c.fills), c.key))
        return best

    def _score(self, pattern: _Pattern, captured: Mapping[str, tuple[str, ...]],
               phrase_length: int) -> _Candidate | None:
        declared = self._slot_types.get(pattern.intent, {})
        fills: dict[str, SlotFill] = {}
        unresolved = 0
        for name, words in captured.items():
            fill = self._fill(name, declared.get(name, ""), words, " ".join(words))
            if fill is None:
                return None
            if fill.status == NO_MATCH:
                unresolved += 1
            fills[name] = fill
        # A value Alexa cannot resolve still reaches the skill (as ER_SUCCESS_NO_MATCH) when
        # the carrier phrase is most of what was said; otherwise it is out of domain.
        if unresolved and pattern.literal_count * 2 <= phrase_length:
            return None
        key = (unresolved, -pattern.literal_count, pattern.source_rank, pattern.order)
        return _Candidate(key, pattern, fills)

    def _fill(self, name: str, type_name: str, words: tuple[str, ...],
              text: str) -> SlotFill | None:
        if type_name == "AMAZON.NUMBER":
            number = parse_number(list(words))
            return None if number is None else SlotFill(name, type_name, str(number))
        spoken = " ".join(words) or text
        if is_built_in_type(type_name):
            return SlotFill(name, type_name, spoken)
        index = self._types.get(type_name)
        matches = index.resolve(words) if index is not None else ()
        return SlotFill(name, type_name, spoken, matches)

"""Typed phrase -> intent and slots, from the same sample utterances Alexa is given.

Matching is exact on normalised words: a sample's literal words must appear as typed and each
`{slot}` captures one or more words. When several samples match, the best is the one with the
fewest slot values Alexa could not resolve, then the most specific (more literal words), then
the model's own samples before the built-in intents' stock phrases, then model order. Finally,
if another sample of the winning intent also matches with more slots resolved, that one is
used: "start my foot routine" is a sample of its own and also "start my {routine}", and the
skill learns more from the second. Every step is deterministic.

A phrase no sample spells out is then matched the way Alexa generalises from its samples: each
sample is aligned with the phrase word by word (in order, words may be missing on either side,
and a slot takes any words that name one of its values), weighing each word by how much it tells
the intents apart (a word in the samples of one intent says more than "the" or "please"). The
best sample wins when it explains enough of both the phrase and itself and no sample of another
intent comes close; otherwise the phrase falls back, as an unclear phrase would on a device: a
fallback is better than a wrong move. `Resolver.closest` lists the nearest samples for a phrase.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from skill.chat.model import InteractionModel, SlotTypeValue, find_model_file, load_model
from skill.chat.normalize import fold, normalize, parse_number, words_of

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


def _loose(words: Sequence[str], language: _Language | None = None) -> str:
    """A forgiving key for slot values: no leading determiners, no plural s."""
    determiners = _DETERMINERS if language is None else language.determiners
    trimmed = list(words)
    while trimmed and trimmed[0] in determiners:
        trimmed = trimmed[1:]
    return " ".join(_singular(word) for word in trimmed)


class _SlotTypeIndex:
    """Spoken text -> values of one custom slot type, by name and synonyms."""

    def __init__(self, values: Sequence[SlotTypeValue], language: _Language | None = None) -> None:
        self._language = language or ENGLISH
        self._exact: dict[str, list[ResolvedValue]] = {}
        self._loose: dict[str, list[ResolvedValue]] = {}
        for value in values:
            resolved = ResolvedValue(id=value.id or value.name, name=value.name)
            for text in (value.name, *value.synonyms):
                words = words_of(text, self._language.code)
                for index, key in ((self._exact, " ".join(words)),
                                   (self._loose, _loose(words, self._language))):
                    bucket = index.setdefault(key, [])
                    if key and resolved not in bucket:
                        bucket.append(resolved)

    def resolve(self, words: Sequence[str]) -> tuple[ResolvedValue, ...]:
        exact = self._exact.get(" ".join(words))
        if exact:
            return tuple(exact)
        return tuple(self._loose.get(_loose(words, self._language), ()))


def _parse_sample(sample: str, language: str = "en") -> tuple[str | _SlotRef, ...]:
    items: list[str | _SlotRef] = []
    position = 0
    for marker in _SLOT_MARKER.finditer(sample):
        items.extend(words_of(sample[position:marker.start()], language))
        items.append(_SlotRef(marker.group(1).strip()))
        position = marker.end()
    items.extend(words_of(sample[position:], language))
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


# -- generalisation beyond the samples -------------------------------------------------------

NEAR_THRESHOLD = 0.6  # share of the phrase and the sample (by weight) the alignment explains
NEAR_MARGIN = 0.1  # how far ahead of every other intent the best intent must be
NEAR_UNEXPLAINED = 0.2  # a tie on the same words counts only when they are most of the phrase
CLOSEST_FLOOR = 0.25  # below this a sample is not worth suggesting
_IDF_POWER = 1.0  # a word's weight: (log(intents / intents whose samples use it)) ** power
_SLOT_WEIGHT = 3.0  # a slot filled with a known value says as much as a rare word
_SPAN_WORD_CAP = 1.0  # words naming a slot value count as the slot, not as rare words
_UNKNOWN_WEIGHT = 2.0  # a word no sample uses: unexplained, it counts against the match
_FILLER_WEIGHT = 0.05
_CARRYING_WEIGHT = 0.5  # a covered word this heavy carries meaning (see NearSample.thin)
_THIN_LEFT = 1.0  # unexplained weight that one carrying word cannot outweigh
_MIN_WEIGHT = 0.05
# Words that carry politeness or hesitation, not the request itself.
_FILLERS = frozenset({
    "please", "just", "um", "uh", "er", "hmm", "hey", "okay", "so", "well", "actually",
    "really", "now", "kindly", "coach", "alexa", "mate", "buddy", "then", "like", "maybe",
    "thanks", "thank", "could", "would", "can", "you", "me", "tell", "the", "a", "an", "oh",
    "right", "yet", "still", "let", "us", "today", "here",
})
_STEM_SYNONYMS: Mapping[str, str] = {
    "repetition": "rep", "repetitions": "rep", "reps": "rep", "sec": "second", "secs": "second",
    "min": "minute", "mins": "minute", "feet": "foot", "ok": "okay", "alright": "okay",
}


def stem(word: str) -> str:
    """A crude, consistent stem: samples and phrases go through the same function."""
    if word in _STEM_SYNONYMS:
        return _STEM_SYNONYMS[word]
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith(("ied", "ies")):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _suffix_stemmer(suffixes: tuple[str, ...], keep: int = 3,
                    whole: frozenset[str] = frozenset()) -> Callable[[str], str]:
    """A crude stem for German, Spanish, French: one inflection ending off (folded words).
    Words in `whole` keep their ending: it tells needs apart ("cuanto" is time, "cuantas"
    are reps)."""
    def stem_word(word: str) -> str:
        if word in whole:
            return word
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= keep:
                return word[: -len(suffix)]
        return word

    return stem_word


@dataclass(frozen=True)
class _Language:
    """What the resolver needs to know about the language of a model: Alexa's stock phrases
    for the built-in intents, how a skill is invoked, and which words carry little."""

    code: str
    built_in_phrases: Mapping[str, tuple[str, ...]]
    wake_words: frozenset[str]
    launch_verbs: tuple[tuple[str, ...], ...]
    ask_verbs: tuple[tuple[str, ...], ...]
    ask_connectors: frozenset[str]
    launch_connectors: frozenset[str]
    trailing_invocation: frozenset[str]
    invocation_articles: frozenset[str]
    leading_fillers: frozenset[str]
    trailing_fillers: frozenset[str]
    determiners: frozenset[str]
    fillers: frozenset[str]
    stem: Callable[[str], str]
    guard_thin: bool = True


def _language(code: str, stem_word: Callable[[str], str], *,
              built_in: Mapping[str, tuple[str, ...]], launch: tuple[str, ...],
              ask: tuple[str, ...], ask_connectors: str, launch_connectors: str,
              trailing_invocation: str, articles: str, leading: str, trailing: str,
              determiners: str, fillers: str) -> _Language:
    """A language from plain word lists, folded the way `normalize` folds phrases."""
    def words(text: str) -> frozenset[str]:
        return frozenset(fold(text).split())

    def verbs(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(words_of(phrase, code)) for phrase in phrases)

    return _Language(
        code=code, built_in_phrases=built_in, wake_words=frozenset({"alexa"}),
        launch_verbs=verbs(launch), ask_verbs=verbs(ask),
        ask_connectors=words(ask_connectors), launch_connectors=words(launch_connectors),
        trailing_invocation=words(trailing_invocation), invocation_articles=words(articles),
        leading_fillers=words(leading), trailing_fillers=words(trailing),
        determiners=words(determiners),
        fillers=frozenset(stem_word(word) for word in words(fillers)), stem=stem_word)


ENGLISH = _Language(
    code="en", built_in_phrases=BUILT_IN_PHRASES, wake_words=_WAKE_WORDS,
    launch_verbs=_LAUNCH_VERBS, ask_verbs=_ASK_VERBS, ask_connectors=_ASK_CONNECTORS,
    launch_connectors=_LAUNCH_CONNECTORS, trailing_invocation=_TRAILING_INVOCATION,
    invocation_articles=frozenset({"the"}), leading_fillers=_LEADING_FILLERS,
    trailing_fillers=_TRAILING_FILLERS, determiners=_DETERMINERS, fillers=_FILLERS, stem=stem,
    guard_thin=False)

GERMAN = _language(
    "de", _suffix_stemmer(("ungen", "en", "er", "es", "em", "st", "e", "n", "s", "t")),
    built_in={
        "AMAZON.StopIntent": ("stopp", "stop", "aufhören", "beenden", "sei still", "ruhe",
                              "tschüss"),
        "AMAZON.CancelIntent": ("abbrechen", "vergiss es", "egal"),
        "AMAZON.HelpIntent": ("hilfe", "hilf mir", "was kann ich sagen"),
        "AMAZON.YesIntent": ("ja", "ja bitte", "klar", "okay", "gerne", "na klar", "sicher"),
        "AMAZON.NoIntent": ("nein", "nein danke", "nö", "nee"),
        "AMAZON.NextIntent": ("weiter", "nächster", "nächstes", "der nächste"),
        "AMAZON.PreviousIntent": ("zurück", "vorherige", "der vorherige"),
        "AMAZON.RepeatIntent": ("wiederholen", "wiederhole das", "nochmal", "noch einmal"),
        "AMAZON.StartOverIntent": ("von vorne", "neu starten", "von vorne anfangen"),
        "AMAZON.PauseIntent": ("pause", "pausieren", "warte", "moment"),
        "AMAZON.ResumeIntent": ("fortsetzen", "weitermachen", "mach weiter"),
        "AMAZON.NavigateHomeIntent": ("startseite", "geh zur startseite"),
    },
    launch=("öffne", "starte", "start", "lade", "beginne", "benutze", "öffne bitte"),
    ask=("frag", "frage", "sag", "sage", "bitte", "frag mal"),
    ask_connectors="ob dass", launch_connectors="und", trailing_invocation="mit bei von",
    articles="den die der das", leading="bitte und also okay ok äh hey na so jetzt",
    trailing="bitte danke jetzt",
    determiners="der die das den dem des ein eine einen einem einer mein meine meinen "
                "meinem meiner",
    fillers="bitte mal doch jetzt nun also äh ähm hm okay ok einfach denn eigentlich alexa "
            "hey na so danke du der die das den dem ein eine heute hier gerade",
)

SPANISH = _language(
    "es", _suffix_stemmer(("itos", "itas", "ito", "ita", "iendo", "amos", "emos", "imos",
                           "ando", "aron", "ieron", "ados", "adas", "ado", "ada", "aban",
                           "aba", "ian", "ia", "ar", "er", "ir", "as", "es", "os", "an", "en",
                           "a", "e", "o", "s"),
                    whole=frozenset({"cuanto", "cuanta", "cuantos", "cuantas"})),
    built_in={
        "AMAZON.StopIntent": ("para", "detente", "basta", "cállate", "adiós", "salir"),
        "AMAZON.CancelIntent": ("cancela", "cancelar", "olvídalo"),
        "AMAZON.HelpIntent": ("ayuda", "ayúdame", "qué puedo decir"),
        "AMAZON.YesIntent": ("sí", "claro", "vale", "ok", "de acuerdo", "por supuesto"),
        "AMAZON.NoIntent": ("no", "no gracias"),
        "AMAZON.NextIntent": ("siguiente", "el siguiente", "próximo"),
        "AMAZON.PreviousIntent": ("anterior", "atrás", "el anterior"),
        "AMAZON.RepeatIntent": ("repite", "repítelo", "otra vez"),
        "AMAZON.StartOverIntent": ("empieza de nuevo", "desde el principio", "reinicia"),
        "AMAZON.PauseIntent": ("pausa", "espera"),
        "AMAZON.ResumeIntent": ("continúa", "sigue", "reanuda"),
        "AMAZON.NavigateHomeIntent": ("inicio", "ir al inicio"),
    },
    launch=("abre", "abrir", "inicia", "empieza", "lanza", "usa", "pon"),
    ask=("pide a", "pídele a", "pregunta a", "pregúntale a", "dile a", "di a", "pide al",
         "pregunta al", "dile al"),
    ask_connectors="que si", launch_connectors="y", trailing_invocation="con en",
    articles="el la", leading="por favor y bueno pues oye eh ahora",
    trailing="por favor gracias ahora ya",
    determiners="el la los las un una unos unas mi mis al del",
    fillers="por favor porfa pues bueno oye eh este alexa el la los las un una me te hoy aquí "
            "entonces mira gracias puedes podrías puede",
)

FRENCH = _language(
    "fr", _suffix_stemmer(("issons", "issez", "erons", "erez", "ions", "ons", "ez", "ent",
                           "ait", "er", "ir", "es", "ee", "e", "s", "x")),
    built_in={
        "AMAZON.StopIntent": ("stop", "arrête", "arrête toi", "tais toi", "au revoir"),
        "AMAZON.CancelIntent": ("annule", "annuler", "laisse tomber"),
        "AMAZON.HelpIntent": ("aide", "aide moi", "qu'est ce que je peux dire"),
        "AMAZON.YesIntent": ("oui", "ouais", "d'accord", "bien sûr", "ok"),
        "AMAZON.NoIntent": ("non", "non merci"),
        "AMAZON.NextIntent": ("suivant", "le suivant", "prochain"),
        "AMAZON.PreviousIntent": ("précédent", "retour", "le précédent"),
        "AMAZON.RepeatIntent": ("répète", "encore une fois", "répète ça"),
        "AMAZON.StartOverIntent": ("recommence", "depuis le début", "recommencer"),
        "AMAZON.PauseIntent": ("pause", "attends"),
        "AMAZON.ResumeIntent": ("reprends", "continue", "reprendre"),
        "AMAZON.NavigateHomeIntent": ("accueil", "retour à l'accueil"),
    },
    launch=("ouvre", "ouvrir", "lance", "lancer", "démarre", "démarrer", "utilise"),
    ask=("demande à", "demande au", "dis à", "dis au", "demande"),
    ask_connectors="de si que", launch_connectors="et", trailing_invocation="avec sur",
    articles="le la", leading="alors bon et euh ok hey maintenant",
    trailing="plaît te il se vous merci maintenant stp",
    determiners="le la les un une des du de mon ma mes au aux",
    fillers="alors bon euh ben bah donc juste maintenant alexa le la les un une merci tu "
            "peux pourrais vous pouvez plaît stp il te se fait fais faire",
)

_LANGUAGES: Mapping[str, _Language] = {
    language.code: language for language in (ENGLISH, GERMAN, SPANISH, FRENCH)}


def language_for(locale: str) -> _Language:
    """The language of a locale ("de-DE" -> German); English for any other."""
    return _LANGUAGES.get(locale.split("-")[0].lower(), ENGLISH)


@dataclass(frozen=True)
class NearSample:
    """A sample of the model, how close it is to a phrase (0..1), and its slots as filled."""

    intent: str
    sample: str
    score: float
    fills: tuple[SlotFill, ...] = ()
    covered: frozenset[int] = frozenset()  # positions of the phrase's words it explains
    unexplained: float = 1.0  # the share of the phrase's weight it leaves unexplained
    thin: bool = False  # one word of the phrase carries it while other words go unexplained


@dataclass(frozen=True)
class _NearPattern:
    intent: str
    sample: str
    items: tuple[str | _SlotRef, ...]  # stems and slot references
    slot_types: tuple[str | None, ...]  # per item: the slot's type, None for a word
    weight: float  # the sample's own weight: its words and slots


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    fill_words: tuple[str, ...]
    weight: float


class _NearIndex:
    """The samples as weighted word sequences, for phrases no sample matches exactly."""

    def __init__(self, model: InteractionModel, types: Mapping[str, _SlotTypeIndex],
                 slot_types: Mapping[str, Mapping[str, str]],
                 language: _Language | None = None) -> None:
        self._types = types
        self._language = language = language or ENGLISH
        stem = language.stem
        self._fillers = language.fillers
        parsed: list[tuple[str, str, tuple[str | _SlotRef, ...]]] = []
        intents_of: dict[str, set[str]] = {}
        for intent in model.intents:
            for sample in intent.samples:
                items = tuple(item if isinstance(item, _SlotRef) else stem(item)
                              for item in _parse_sample(sample, language.code))
                if not items:
                    continue
                parsed.append((intent.name, sample, items))
                for item in items:
                    if isinstance(item, str):
                        intents_of.setdefault(item, set()).add(intent.name)
        count = max(1, len({intent for intent, _, _ in parsed}))
        # Words of slot values (exercise names...) name a thing, not a request: a sample that
        # spells one out does not make every phrase about that thing its own.
        value_words = {stem(word) for values in model.types.values() for value in values
                       for text in (value.name, *value.synonyms)
                       for word in words_of(text, language.code)}
        self._weights = {
            word: _FILLER_WEIGHT if word in self._fillers
            else min(_SPAN_WORD_CAP, 1.0) if word in value_words
            else max(_MIN_WEIGHT, math.log(count / len(owners)) ** _IDF_POWER)
            for word, owners in intents_of.items()
        }
        self._patterns: list[_NearPattern] = []
        for intent_name, sample, items in parsed:
            declared = slot_types.get(intent_name, {})
            kinds = tuple(declared.get(item.name) if isinstance(item, _SlotRef) else None
                          for item in items)
            if any(isinstance(item, _SlotRef) and kind is None
                   for item, kind in zip(items, kinds, strict=True)):
                continue
            weight = sum(_SLOT_WEIGHT if isinstance(item, _SlotRef) else self.weight(item)
                         for item in items)
            self._patterns.append(_NearPattern(intent_name, sample, items, kinds, weight))
        # What each word (or slot type) can add to each sample's score: an upper bound that
        # spares aligning samples that cannot come close.
        self._gains: dict[str, list[tuple[int, float]]] = {}
        self._slot_users: dict[str, list[int]] = {}
        for position, pattern in enumerate(self._patterns):
            for item, kind in zip(pattern.items, pattern.slot_types, strict=True):
                if kind is not None:
                    self._slot_users.setdefault(kind, []).append(position)
                elif isinstance(item, str):
                    self._gains.setdefault(item, []).append((position, 2 * self.weight(item)))

    def weight(self, word_stem: str) -> float:
        if word_stem in self._fillers:
            return _FILLER_WEIGHT
        return self._weights.get(word_stem, _UNKNOWN_WEIGHT)

    def _spans(self, words: Sequence[str], weights: Sequence[float]
               ) -> dict[str, list[_Span]]:
        """Runs of the phrase's words that name a value, by slot type."""
        spans: dict[str, list[_Span]] = {}
        wanted = {kind for pattern in self._patterns for kind in pattern.slot_types if kind}
        for kind in wanted:
            found: list[_Span] = []
            for start in range(len(words)):
                for end in range(start + 1, min(len(words), start + 6) + 1):
                    piece = tuple(words[start:end])
                    if kind == "AMAZON.NUMBER":
                        known = parse_number(list(piece)) is not None
                    elif is_built_in_type(kind):
                        known = False
                    else:
                        index = self._types.get(kind)
                        known = index is not None and bool(index.resolve(piece))
                    if known:
                        weight = sum(min(w, _SPAN_WORD_CAP) for w in weights[start:end])
                        found.append(_Span(start, end, piece, weight))
            if found:
                spans[kind] = found
        return spans

    def rank(self, words: Sequence[str], fill: Callable[[str, str, tuple[str, ...]], SlotFill],
             floor: float, keep: int | None = None) -> list[NearSample]:
        """Samples scoring at least `floor` (or the `keep` best), best first."""
        stems = [self._language.stem(word) for word in words]
        weights = [self.weight(word_stem) for word_stem in stems]
        total = sum(weights)
        if not words or total <= 0:
            return []
        present = set(stems)
        spans = self._spans(words, weights)
        best_span = {kind: max(span.weight for span in found) for kind, found in spans.items()}
        possible: dict[int, float] = {}
        for word_stem in present:
            for position, gain in self._gains.get(word_stem, ()):
                possible[position] = possible.get(position, 0.0) + gain
        for kind, span_weight in best_span.items():
            for position in self._slot_users.get(kind, ()):
                possible[position] = possible.get(position, 0.0) + _SLOT_WEIGHT + span_weight
        bounds: list[tuple[float, int]] = []
        for position, gained in possible.items():
            bound = gained / (total + self._patterns[position].weight)
            if bound >= floor:
                bounds.append((bound, position))
        bounds.sort(key=lambda pair: (-pair[0], pair[1]))
        ranked: list[NearSample] = []
        for bound, position in bounds:
            if keep is not None and len(ranked) >= keep and bound < ranked[keep - 1].score:
                break
            pattern = self._patterns[position]
            matched, taken, covered = self._align(pattern, stems, weights, spans)
            score = matched / (total + pattern.weight)
            if score < floor:
                continue
            fills = tuple(fill(pattern.intent, name, span.fill_words)
                          for name, span in taken.items())
            left = sum(w for position, w in enumerate(weights) if position not in covered)
            carrying = sum(1 for position in covered if weights[position] >= _CARRYING_WEIGHT)
            thin = carrying <= 1 and left >= _THIN_LEFT
            ranked.append(NearSample(pattern.intent, pattern.sample, round(score, 4), fills,
                                     frozenset(covered), round(left / total, 4), thin))
            ranked.sort(key=lambda near: -near.score)
        return ranked if keep is None else ranked[:keep]

    def _align(self, pattern: _NearPattern, stems: Sequence[str], weights: Sequence[float],
               spans: Mapping[str, list[_Span]]) -> tuple[float, dict[str, _Span], set[int]]:
        """The best in-order alignment: matched weight (both sides), the slots it filled and
        the positions of the phrase's words it explains."""
        rows, cols = len(pattern.items), len(stems)
        table = [[0.0] * (cols + 1) for _ in range(rows + 1)]
        for row in range(1, rows + 1):
            item, kind = pattern.items[row - 1], pattern.slot_types[row - 1]
            ending: dict[int, list[_Span]] = {}
            if kind is not None:
                for span in spans.get(kind, ()):
                    ending.setdefault(span.end, []).append(span)
            for col in range(1, cols + 1):
                best = max(table[row - 1][col], table[row][col - 1])
                if kind is None:
                    if stems[col - 1] == item:
                        best = max(best, table[row - 1][col - 1] + 2 * weights[col - 1])
                else:
                    for span in ending.get(col, ()):
                        best = max(best, table[row - 1][span.start] + _SLOT_WEIGHT + span.weight)
                table[row][col] = best
        taken: dict[str, _Span] = {}
        covered: set[int] = set()
        row, col = rows, cols
        while row > 0 and col > 0:
            item, kind = pattern.items[row - 1], pattern.slot_types[row - 1]
            here = table[row][col]
            if math.isclose(here, table[row - 1][col]):
                row -= 1
            elif math.isclose(here, table[row][col - 1]):
                col -= 1
            elif kind is None:
                covered.add(col - 1)
                row, col = row - 1, col - 1
            else:
                span = next(span for span in spans[kind] if span.end == col and math.isclose(
                    here, table[row - 1][span.start] + _SLOT_WEIGHT + span.weight))
                assert isinstance(item, _SlotRef)
                taken[item.name] = span
                covered.update(range(span.start, span.end))
                row, col = row - 1, span.start
        return table[rows][cols], taken, covered


class Resolver:
    """Resolves typed phrases against one interaction model."""

    def __init__(self, model: InteractionModel) -> None:
        self.model = model
        self.language = language_for(model.locale)
        code = self.language.code
        self.invocation_words = tuple(words_of(model.invocation_name, code))
        self._types = {name: _SlotTypeIndex(values, self.language)
                       for name, values in model.types.items()}
        self._slot_types = {intent.name: dict(intent.slot_types) for intent in model.intents}
        self._literal: dict[str, _Pattern] = {}
        self._slotted: list[_Pattern] = []
        # Slotted samples by one of their words (samples of a bare slot under ""): a phrase
        # only needs the samples whose words it contains.
        self._slotted_by_word: dict[str, list[int]] = {}
        self._slotted_words: list[frozenset[str]] = []
        order = 0
        for intent in model.intents:
            for sample in intent.samples:
                self._add(_Pattern(intent.name, _parse_sample(sample, code), 0, 0, order, sample))
                order += 1
        for intent in model.intents:
            for phrase in self.language.built_in_phrases.get(intent.name, ()):
                self._add(_Pattern(intent.name, _parse_sample(phrase, code), 0, 1, order, phrase))
                order += 1
        self._near = _NearIndex(model, self._types, self._slot_types, self.language)

    @classmethod
    def for_locale(cls, locale: str) -> Resolver:
        """The resolver of a locale's generated model (interaction_models/<locale>.json)."""
        return cls(load_model(find_model_file(locale), locale))

    def _add(self, pattern: _Pattern) -> None:
        literal_count = sum(1 for item in pattern.items if isinstance(item, str))
        pattern = _Pattern(pattern.intent, pattern.items, literal_count, pattern.source_rank,
                           pattern.order, pattern.sample)
        if not pattern.items:
            return
        if literal_count == len(pattern.items):
            self._literal.setdefault(" ".join(str(item) for item in pattern.items), pattern)
        else:
            literals = frozenset(item for item in pattern.items if isinstance(item, str))
            key = max(literals, key=lambda word: (len(word), word)) if literals else ""
            self._slotted_by_word.setdefault(key, []).append(len(self._slotted))
            self._slotted_words.append(literals)
            self._slotted.append(pattern)

    # -- public API ------------------------------------------------------------------------

    def resolve(self, phrase: str) -> Utterance:
        words = words_of(phrase, self.language.code)
        if words and words[0] in self.language.wake_words:
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
            fill = self._fill(name, type_name, tuple(words_of(text, self.language.code)), text)
            fills[name] = fill if fill is not None else SlotFill(name, type_name, text)
        return tuple(fills.values())

    def examples(self) -> list[tuple[str, str]]:
        """(intent, phrase) pairs for /help: each intent's first sample, preferring one with a
        slot (filled with a real value) so the example shows what the slot is for."""
        examples: list[tuple[str, str]] = []
        for intent in self.model.intents:
            with_slot = (sample for sample in intent.samples if _SLOT_MARKER.search(sample))
            phrase = next(with_slot, None) or next(iter(intent.samples), None) or next(
                iter(self.language.built_in_phrases.get(intent.name, ())), None)
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

        return normalize(_SLOT_MARKER.sub(value_for, sample), self.language.code)

    def _after_invocation(self, words: list[str]) -> list[str] | None:
        """The words after "ask foot coach to ..." (empty: a launch), or None if not invoked."""
        lang = self.language
        invocation = list(self.invocation_words)
        size = len(invocation)
        for start in range(len(words) - size + 1):
            if words[start:start + size] != invocation:
                continue
            prefix = words[:start]
            if prefix and prefix[-1] in lang.invocation_articles:
                prefix = prefix[:-1]
            suffix = words[start + size:]
            if not prefix:
                return (suffix if not suffix or suffix[0] not in lang.launch_connectors
                        else suffix[1:])
            if tuple(prefix) in lang.launch_verbs:
                if suffix and suffix[0] in lang.launch_connectors:
                    return suffix[1:]
                return suffix
            if tuple(prefix) in lang.ask_verbs:
                if suffix and suffix[0] in lang.ask_connectors:
                    return suffix[1:]
                return suffix
            if not suffix and len(prefix) > 1 and prefix[-1] in lang.trailing_invocation:
                return prefix[:-1]
        return None

    def _resolve_words(self, words: list[str], invoked: bool) -> Utterance:
        attempts = [words]
        trimmed = list(words)
        while trimmed and trimmed[0] in self.language.leading_fillers:
            trimmed = trimmed[1:]
        while trimmed and trimmed[-1] in self.language.trailing_fillers:
            trimmed = trimmed[:-1]
        if trimmed and trimmed != words:
            attempts.append(trimmed)
        for attempt in attempts:
            candidate = self._best(attempt)
            if candidate is not None and candidate.key[0] > 0:
                # A slot took words Alexa cannot resolve: a clear nearer reading wins ("give me
                # the instructions please" is not a routine called "instructions please"), and
                # a close reading as another intent makes the phrase unclear.
                ranked = self._near.rank(words, self._near_fill, NEAR_THRESHOLD - NEAR_MARGIN)
                near = self._nearest_intent(ranked)
                if near is not None:
                    return self._near_utterance(near, invoked)
                if any(other.intent != candidate.pattern.intent
                       and other.score >= NEAR_THRESHOLD for other in ranked):
                    return Utterance("intent", FALLBACK_INTENT, (), invoked)
            if candidate is not None:
                declared = self._slot_types.get(candidate.pattern.intent, {})
                slots = [candidate.fills.get(name) or SlotFill(name, type_name)
                         for name, type_name in declared.items()]
                return Utterance("intent", candidate.pattern.intent, tuple(slots), invoked)
        near = self._nearest_intent(
            self._near.rank(words, self._near_fill, NEAR_THRESHOLD - NEAR_MARGIN))
        if near is not None:
            return self._near_utterance(near, invoked)
        return Utterance("intent", FALLBACK_INTENT, (), invoked)

    def _near_utterance(self, near: NearSample, invoked: bool) -> Utterance:
        filled = {fill.name: fill for fill in near.fills}
        declared = self._slot_types.get(near.intent, {})
        slots = [filled.get(name) or SlotFill(name, type_name)
                 for name, type_name in declared.items()]
        return Utterance("intent", near.intent, tuple(slots), invoked)

    def _near_fill(self, intent: str, name: str, words: tuple[str, ...]) -> SlotFill:
        type_name = self._slot_types.get(intent, {}).get(name, "")
        fill = self._fill(name, type_name, words, " ".join(words))
        return fill if fill is not None else SlotFill(name, type_name, " ".join(words))

    def _nearest_intent(self, ranked: Sequence[NearSample]) -> NearSample | None:
        """The sample Alexa would most likely take an unmatched phrase for, if it is clear
        (`ranked`: the samples within NEAR_MARGIN of NEAR_THRESHOLD or above, best first)."""
        if not ranked or ranked[0].score < NEAR_THRESHOLD:
            return None
        best = ranked[0]
        # In German, Spanish and French one rare word is not enough when the rest of the phrase
        # says something the sample does not: "überspring heute den abwasch", "qué hora es".
        if self.language.guard_thin and best.thin:
            return None
        rival = next((near for near in ranked if near.intent != best.intent), None)
        # A close rival makes the phrase unclear, unless the best sample explains more of the
        # phrase than the rival does, or the same words when they are most of the phrase (the
        # rival only differs by words of its own: "skip to the calf drops" and "skip the calf
        # drops" for "just skip the calf drops").
        if rival is not None and rival.score > best.score - NEAR_MARGIN:
            dominated = rival.covered < best.covered or (
                rival.covered == best.covered and best.unexplained <= NEAR_UNEXPLAINED)
            if not dominated:
                return None
        return best

    def not_understood(self, phrase: str, count: int = 3) -> str:
        """What the console says when a phrase falls back: that a device would not understand
        it either, and the samples nearest to it."""
        nearest = self.closest(phrase, count)
        if not nearest:
            return "(not understood: no sample is close; /help lists what you can say)"
        listed = "; ".join(f'"{near.sample}" ({near.intent})' for near in nearest)
        return f"(not understood: an Echo would send {FALLBACK_INTENT}. Closest samples: {listed})"

    def closest(self, phrase: str, count: int = 3) -> list[NearSample]:
        """The samples nearest to a phrase, one per intent, best first: what to suggest when
        a phrase does not resolve. Slot markers are filled with the words the phrase used, or
        with a value of the slot's type."""
        words = words_of(phrase, self.language.code)
        if words and words[0] in self.language.wake_words:
            words = words[1:]
        rest = self._after_invocation(words)
        if rest:
            words = rest
        ranked = self._near.rank(words, self._near_fill, CLOSEST_FLOOR)
        chosen: list[NearSample] = []
        for near in ranked:
            if near.score <= 0 or any(c.intent == near.intent for c in chosen):
                continue
            spoken = {fill.name: fill.spoken for fill in near.fills if fill.spoken}

            def said(marker: re.Match[str], spoken: Mapping[str, str] = spoken) -> str:
                return spoken.get(marker.group(1).strip(), marker.group(0))

            text = _SLOT_MARKER.sub(said, near.sample)
            chosen.append(NearSample(near.intent, self._fill_example(near.intent, text),
                                     near.score, near.fills))
            if len(chosen) == count:
                break
        return chosen

    def _best(self, words: list[str]) -> _Candidate | None:
        candidates: list[_Candidate] = []
        exact = self._literal.get(" ".join(words))
        if exact is not None:
            candidates.append(_Candidate((0, -len(words), exact.source_rank, exact.order),
                                         exact, {}))
        present = frozenset(words)
        indices = [i for word in (*present, "") for i in self._slotted_by_word.get(word, ())]
        for index in sorted(indices):
            if not self._slotted_words[index] <= present:
                continue
            pattern = self._slotted[index]
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

"""A routine compiled into a timeline: blocks (what one response speaks) made of cues.

Block boundaries never depend on the pace (they are chosen with the slowest pace's durations),
so a stored block index means the same place whatever pace the runner switches to.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from skill.routine.catalog import Exercise, Routine, Side
from skill.routine.cues import Cue, Position
from skill.routine.speech import MAX_AUDIO_SECONDS, MAX_SSML_CHARS, body_ssml, wrap

BlockKind = Literal["intro", "work", "done"]
# Headroom left in every block for what the engine adds around it (a lead-in sentence, the
# prosody wrapper): blocks are planned against these, not Alexa's hard limits.
BLOCK_AUDIO_BUDGET = MAX_AUDIO_SECONDS - 12.0
BLOCK_SSML_BUDGET = MAX_SSML_CHARS - 1_000
COUNTDOWN = ("Three.", "Two.", "One.")
COUNTDOWN_MIN_HOLD = 5.0
HALFWAY_MIN_SECONDS = 20.0
NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
ORDINAL_WORDS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]


@dataclass(frozen=True)
class Pace:
    name: str
    speech_rate: float
    prosody_rate: str | None
    rest_factor: float


PACES: dict[str, Pace] = {
    "slow": Pace("slow", 0.85, "85%", 1.5),
    "normal": Pace("normal", 1.0, None, 1.0),
    "fast": Pace("fast", 1.15, "115%", 0.75),
}
PACE_ORDER = ("slow", "normal", "fast")
DEFAULT_PACE = "normal"


def number_word(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def ordinal_word(n: int) -> str:
    return ORDINAL_WORDS[n] if 0 <= n < len(ORDINAL_WORDS) else f"number {n}"


def side_name(side: Side | None) -> str:
    return {"right": "right foot", "left": "left foot"}.get(side or "", "both feet")


@dataclass(frozen=True)
class Block:
    index: int
    kind: BlockKind
    exercise: int
    cues: tuple[Cue, ...]
    reprompt: str

    def seconds(self, from_cue: int = 0) -> float:
        return round(sum(cue.seconds for cue in self.cues[from_cue:]), 3)

    def resume_points(self) -> list[int]:
        return [i for i, cue in enumerate(self.cues) if cue.resume_here]

    def cue_at(self, elapsed: float, from_cue: int = 0) -> int:
        """The cue playing ``elapsed`` seconds after the block was served from ``from_cue``."""
        clock = 0.0
        for index in range(from_cue, len(self.cues)):
            clock += self.cues[index].seconds
            if elapsed < clock:
                return index
        return len(self.cues) - 1

    def resume_point_before(self, cue_index: int) -> int:
        """The start of the rep (or round) that ``cue_index`` belongs to."""
        points = [i for i in self.resume_points() if i <= cue_index]
        return points[-1] if points else 0

    @property
    def first_work_position(self) -> Position:
        for cue in self.cues:
            if cue.position.phase in ("work", "hold"):
                return cue.position
        return self.cues[0].position


@dataclass(frozen=True)
class Plan:
    routine: Routine
    pace: Pace
    blocks: tuple[Block, ...]
    fingerprint: str
    _rendered: dict[tuple[int, int], str] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    def block_ssml(self, block_index: int, from_cue: int = 0) -> str:
        """The inner SSML of a block from one of its cues on, rendered once per plan."""
        key = (block_index, from_cue)
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = self._rendered[key] = body_ssml(self.blocks[block_index].cues[from_cue:])
        return rendered

    @property
    def last(self) -> int:
        return len(self.blocks) - 1

    def intro_block(self, exercise_index: int) -> int:
        for block in self.blocks:
            if block.exercise == exercise_index and block.kind == "intro":
                return block.index
        raise KeyError(exercise_index)

    def seconds_from(self, block_index: int, from_cue: int = 0) -> float:
        if block_index > self.last:
            return 0.0
        rest = sum(block.seconds() for block in self.blocks[block_index + 1 :])
        return round(self.blocks[block_index].seconds(from_cue) + rest, 3)


class _Builder:
    """Writes the cues of one routine at one pace."""

    def __init__(self, routine: Routine, pace: Pace) -> None:
        self.routine = routine
        self.pace = pace

    def say(self, text: str, position: Position, *, resume_here: bool = False) -> Cue:
        return Cue.say(text, position, self.pace.speech_rate, resume_here=resume_here)

    def rest(self, seconds: float, position: Position) -> Cue:
        return Cue.pause(seconds * self.pace.rest_factor, position)

    # -- intro --------------------------------------------------------------------------
    def intro(self, index: int) -> list[Cue]:
        exercise = self.routine.exercises[index]
        position = Position(index, exercise.sides[0], 1, 0, "intro")
        count = len(self.routine.exercises)
        lines = []
        if index == 0:
            lines.append(f"Let's start your {self.routine.name}: {count} exercises.")
        lines.append(f"Exercise {index + 1} of {count}: {exercise.name}. {exercise.purpose}")
        lines.extend(exercise.instructions)
        if exercise.equipment:
            lines.append(exercise.equipment)
        lines.append(dose_sentence(exercise))
        cues = [self.say(line, position) for line in lines]
        cues.append(self.say(ready_question(exercise), position))
        return cues

    # -- work -----------------------------------------------------------------------------
    def rep(self, exercise: Exercise, side: Side, set_number: int, rep: int) -> list[Cue]:
        assert exercise.hold_s and exercise.move_s and exercise.release_s and exercise.rest_s
        total = exercise.rep_count
        work = Position(self.routine.exercise_index(exercise.id), side, set_number, rep, "work")
        hold = Position(work.exercise, side, set_number, rep, "hold")
        rest = Position(work.exercise, side, set_number, rep, "rest")
        if rep == 1:
            opening = exercise.cue
            if set_number == 1 and side != "both":
                opening = f"{side_name(side).capitalize()}. {opening}"
            elif set_number > 1:
                opening = f"Set {number_word(set_number)}. {opening}"
        elif rep == total:
            opening = f"Last one. {exercise.short_cue}"
        elif total >= 6 and rep == total // 2 + 1:
            opening = f"Halfway there. {ordinal_word(rep).capitalize()} one. {exercise.short_cue}"
        else:
            opening = f"{ordinal_word(rep).capitalize()} one. {exercise.short_cue}"
        cues = [self.say(opening, work, resume_here=True), Cue.pause(exercise.move_s.value, work)]
        cues.extend(self.silence_with_countdown(exercise.hold_s.value, hold))
        cues.append(self.say(exercise.release_cue, work))
        cues.append(Cue.pause(exercise.release_s.value, work))
        if rep < total:
            cues.append(self.rest(exercise.rest_s.value, rest))
        return cues

    def round(self, exercise: Exercise, set_number: int) -> list[Cue]:
        assert exercise.duration_s
        index = self.routine.exercise_index(exercise.id)
        side = exercise.sides[0]
        work = Position(index, side, set_number, 0, "work")
        opening = exercise.cue if set_number == 1 else exercise.short_cue
        if exercise.set_count > 1:
            opening = f"Round {number_word(set_number)} of {number_word(exercise.set_count)}. " + (
                opening
            )
        first = self.say(opening, work, resume_here=True)
        cues = [first]
        remaining = exercise.duration_s.value - first.seconds
        if exercise.duration_s.value >= HALFWAY_MIN_SECONDS:
            halfway = exercise.duration_s.value / 2 - first.seconds
            cues.append(Cue.pause(halfway, work))
            said = self.say("Halfway.", work)
            cues.append(said)
            remaining -= halfway + said.seconds
        cues.extend(self.silence_with_countdown(remaining, work))
        last_round = set_number == exercise.set_count
        cues.append(self.say("Stop." if last_round else exercise.release_cue, work))
        if not last_round and exercise.rest_between_sets_s.value > 0:
            rest = Position(index, side, set_number, 0, "rest")
            seconds = exercise.rest_between_sets_s.value * self.pace.rest_factor
            upcoming = f"round {number_word(set_number + 1)}"
            cues.append(self.say(f"Rest for {round(seconds)} seconds. Next: {upcoming}.", rest))
            cues.append(Cue.pause(seconds, rest))
        return cues

    def silence_with_countdown(self, seconds: float, position: Position) -> list[Cue]:
        if seconds < COUNTDOWN_MIN_HOLD:
            return [Cue.pause(seconds, position)]
        counts = [Cue.say(word, position) for word in COUNTDOWN]
        gaps = [max(0.0, 1.0 - count.seconds) for count in counts]
        cues = [Cue.pause(seconds - len(COUNTDOWN), position)]
        for count, gap in zip(counts, gaps, strict=True):
            cues.append(count)
            if gap:
                cues.append(Cue.pause(gap, position))
        return cues

    def units(self, index: int) -> list[list[list[Cue]]]:
        """The work of one exercise: per side-and-set group, its reps or rounds (units)."""
        exercise = self.routine.exercises[index]
        groups: list[list[list[Cue]]] = []
        if exercise.style == "timed":
            groups.append([self.round(exercise, n) for n in range(1, exercise.set_count + 1)])
            return groups
        for side in exercise.sides:
            for set_number in range(1, exercise.set_count + 1):
                group = [
                    self.rep(exercise, side, set_number, rep)
                    for rep in range(1, exercise.rep_count + 1)
                ]
                if set_number < exercise.set_count and exercise.rest_between_sets_s.value > 0:
                    rest = Position(index, side, set_number, exercise.rep_count, "rest")
                    seconds = exercise.rest_between_sets_s.value * self.pace.rest_factor
                    rest_line = (
                        f"Rest for {round(seconds)} seconds. "
                        f"Next: set {number_word(set_number + 1)}, {side_name(side)}."
                    )
                    group[-1].append(self.say(rest_line, rest))
                    group[-1].append(Cue.pause(seconds, rest))
                groups.append(group)
        return groups

    def closing(self, index: int, side: Side | None, group_done: bool, last_group: bool) -> str:
        exercise = self.routine.exercises[index]
        if not group_done:
            return "Take a breath. Say next to keep going."
        if not last_group:
            sides = list(exercise.sides)
            following = sides[sides.index(side) + 1] if side in sides[:-1] else None
            if following:
                return (
                    f"That's your {side_name(side)}. Switch to your {side_name(following)}, "
                    "and say next when you're ready."
                )
            return "Good. Say next when you're ready for the next set."
        if index + 1 < len(self.routine.exercises):
            upcoming = self.routine.exercises[index + 1]
            return (
                f"That's the {exercise.name} done. Next up: {upcoming.name}. "
                "Say next when you're ready."
            )
        return (
            f"That's the {exercise.name} done, and that was the last exercise. Say done to finish."
        )

    def done(self) -> list[Cue]:
        position = Position(len(self.routine.exercises) - 1, None, 0, 0, "done")
        return [self.say(f"That's your whole {self.routine.name}. Great work!", position)]


def dose_sentence(exercise: Exercise) -> str:
    if exercise.style == "timed":
        assert exercise.duration_s
        rounds = exercise.set_count
        minutes = duration_words(exercise.duration_s.value)
        times = "once" if rounds == 1 else f"{number_word(rounds)} times"
        return (
            f"We'll walk for {minutes}, {times}, with a rest in between."
            if rounds > 1
            else (f"We'll walk for {minutes}.")
        )
    assert exercise.hold_s
    reps = exercise.rep_count
    each = " on each foot" if len(exercise.sides) > 1 else ""
    times = "once" if reps == 1 else ("twice" if reps == 2 else f"{reps} times")
    return f"We'll do it {times}{each}, holding for {duration_words(exercise.hold_s.value)}."


def duration_words(seconds: float) -> str:
    if seconds == 60:
        return "a minute"
    if seconds > 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)} minutes"
    return f"{round(seconds)} second{'s' if round(seconds) != 1 else ''}"


def ready_question(exercise: Exercise) -> str:
    return f"Say ready when you're in position for the {exercise.name}."


def _fits(cues: list[Cue], closing: Cue) -> bool:
    seconds = sum(cue.seconds for cue in cues) + closing.seconds
    chars = len(wrap(body_ssml([*cues, closing]), PACES[PACE_ORDER[0]].prosody_rate))
    return seconds <= BLOCK_AUDIO_BUDGET and chars <= BLOCK_SSML_BUDGET


def _split(units: list[list[Cue]], closing: Cue) -> list[int]:
    """How many units go in each block: the fewest blocks, cut at rep (or round) boundaries,
    with the units shared out as evenly as possible."""
    for parts in range(1, len(units) + 1):
        base, extra = divmod(len(units), parts)
        sizes = [base + (1 if part < extra else 0) for part in range(parts)]
        start, fits = 0, True
        for size in sizes:
            chunk = [cue for unit in units[start : start + size] for cue in unit]
            start += size
            if not _fits(chunk, closing):
                fits = False
                break
        if fits:
            return sizes
    raise ValueError("a single rep or round is longer than one Alexa response allows")


def compile_plan(routine: Routine, pace_name: str = DEFAULT_PACE) -> Plan:
    pace = PACES[pace_name]
    builder = _Builder(routine, pace)
    slowest = _Builder(routine, PACES[PACE_ORDER[0]])
    blocks: list[Block] = []

    def add(kind: BlockKind, exercise: int, cues: list[Cue], reprompt: str) -> None:
        blocks.append(Block(len(blocks), kind, exercise, tuple(cues), reprompt))

    for index, exercise in enumerate(routine.exercises):
        add("intro", index, builder.intro(index), intro_reprompt(exercise))
        groups = builder.units(index)
        slow_groups = slowest.units(index)
        for group_number, (group, slow_group) in enumerate(zip(groups, slow_groups, strict=True)):
            longest_closing = max(
                (
                    slowest.say(slowest.closing(index, side_of(group), done, True), _NOWHERE)
                    for done in (True, False)
                ),
                key=lambda cue: (cue.seconds, len(cue.text)),
            )
            sizes = _split(slow_group, longest_closing)
            start = 0
            for part, size in enumerate(sizes):
                cues = [cue for unit in group[start : start + size] for cue in unit]
                start += size
                group_done = part == len(sizes) - 1
                last_group = group_number == len(groups) - 1
                side = cues[0].position.side
                closing = builder.closing(index, side, group_done, last_group)
                transition = Position(
                    index, side, cues[-1].position.set, cues[-1].position.rep, "transition"
                )
                cues.append(builder.say(closing, transition))
                add("work", index, cues, work_reprompt(exercise, group_done, last_group))
    add("done", len(routine.exercises) - 1, builder.done(), "")
    fingerprint = hashlib.sha256(
        json.dumps(asdict(routine), sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    return Plan(routine, pace, tuple(blocks), fingerprint)


_NOWHERE = Position(0, None, 0, 0, "transition")


def side_of(group: list[list[Cue]]) -> Side | None:
    return group[0][0].position.side


def intro_reprompt(exercise: Exercise) -> str:
    return f"Say ready to start the {exercise.name}, or say skip to move on."


def work_reprompt(exercise: Exercise, group_done: bool, last_group: bool) -> str:
    if not group_done:
        return "Say next to keep going, or ask how many reps are left."
    if not last_group:
        return "Say next when you're ready, or ask how many reps are left."
    return "Say next to move on, or say repeat to do it again."

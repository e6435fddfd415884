"""A routine compiled into a timeline: blocks (what one response speaks) made of cues.

Block boundaries never depend on the pace (they are chosen with the slowest pace's durations),
so a stored block index means the same place whatever pace the runner switches to. Every word
comes from the phrase catalog (:mod:`skill.routine.phrases`) or the routine data.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from typing import Literal

from skill.routine.catalog import Exercise, Routine, Side
from skill.routine.cues import Cue, Position
from skill.routine.phrases import ENGLISH_PHRASES, Phrases
from skill.routine.speech import MAX_AUDIO_SECONDS, MAX_SSML_CHARS, body_ssml, wrap

BlockKind = Literal["intro", "work", "done"]
# Headroom left in every block for what the engine adds around it (a lead-in, an answer, the
# prosody wrapper): blocks are planned against these, not Alexa's hard limits.
BLOCK_AUDIO_BUDGET = MAX_AUDIO_SECONDS - 25.0
BLOCK_SSML_BUDGET = MAX_SSML_CHARS - 1_500
COUNTDOWN_KEYS = ("countdown.3", "countdown.2", "countdown.1")
COUNTDOWN_MIN_HOLD = 5.0
HALFWAY_MIN_SECONDS = 20.0


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


@dataclass(frozen=True)
class Unit:
    """One rep (or round) of a work block, as cue indices: it starts at ``start``, its work is
    over once the cue before ``done`` has played (the rest after it is not work), and the next
    unit starts at ``end``."""

    start: int
    done: int
    end: int
    release: str  # the words that end its work ("And relax."): said to close a cut-short rep


@dataclass(frozen=True)
class Block:
    index: int
    kind: BlockKind
    exercise: int
    cues: tuple[Cue, ...]
    reprompt: str
    units: tuple[Unit, ...] = ()
    # Before cue i: seconds of estimated speech and of exact silence (len(cues) + 1 entries).
    speech_before: tuple[float, ...] = ()
    silence_before: tuple[float, ...] = ()
    _starts: dict[float, tuple[float, ...]] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    def seconds(self, from_cue: int = 0) -> float:
        return round(sum(cue.seconds for cue in self.cues[from_cue:]), 3)

    def resume_points(self) -> list[int]:
        return [unit.start for unit in self.units]

    @property
    def work_end(self) -> int:
        """The cue index after the block's last work: past it, the block's work is all done."""
        return self.units[-1].done if self.units else len(self.cues)

    def unit_at(self, cue: float) -> int:
        """The index of the unit a (fractional) cue position belongs to; -1 before the first."""
        found = -1
        for number, unit in enumerate(self.units):
            if unit.start <= cue:
                found = number
            else:
                break
        return found

    def played(self, from_cue: int, seconds: float, rate: float) -> float:
        """Where a device playing this block from ``from_cue`` is after ``seconds``, when its
        speech runs at ``rate`` times the estimate (silences are exact): a fractional cue
        index, ``len(cues)`` once it has all played."""
        if seconds <= 0:
            return float(from_cue)
        starts = self.starts(rate)
        moment = starts[from_cue] + seconds
        index = bisect_right(starts, moment, from_cue) - 1
        if index >= len(self.cues):
            return float(len(self.cues))
        length = starts[index + 1] - starts[index]
        return index + (moment - starts[index]) / length

    def starts(self, rate: float) -> tuple[float, ...]:
        """When each cue (and, last, the block's end) starts on a device speaking at ``rate``."""
        cached = self._starts.get(rate)
        if cached is None:
            cached = self._starts[rate] = tuple(
                silence + speech / rate
                for silence, speech in zip(self.silence_before, self.speech_before, strict=True)
            )
        return cached

    def time_between(self, start: float, stop: int, rate: float = 1.0) -> float:
        """Seconds of playback from (fractional) cue ``start`` to the start of cue ``stop``."""
        whole = int(start)
        speech = self.speech_before[stop] - self.speech_before[whole]
        silence = self.silence_before[stop] - self.silence_before[whole]
        if whole < len(self.cues):
            cue = self.cues[whole]
            part = (start - whole) * cue.seconds
            if cue.kind == "speech":
                speech -= part
            else:
                silence -= part
        return max(0.0, silence + speech / rate)


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

    def exercise_work(self, exercise_index: int) -> list[Block]:
        return [b for b in self.blocks if b.exercise == exercise_index and b.kind == "work"]


class _Builder:
    """Writes the cues of one routine at one pace, in one language."""

    def __init__(self, routine: Routine, pace: Pace, phrases: Phrases) -> None:
        self.routine = routine
        self.pace = pace
        self.say_ = phrases

    def say(self, text: str, position: Position, *, resume_here: bool = False) -> Cue:
        return Cue.say(
            text,
            position,
            self.pace.speech_rate,
            resume_here=resume_here,
            estimate=self.say_.seconds,
        )

    def rest(self, seconds: float, position: Position) -> Cue:
        return Cue.pause(seconds * self.pace.rest_factor, position)

    # -- intro --------------------------------------------------------------------------
    def intro(self, index: int) -> list[Cue]:
        p = self.say_
        exercise = self.routine.exercises[index]
        position = Position(index, exercise.sides[0], 1, 0, "intro")
        count = len(self.routine.exercises)
        lines = []
        if index == 0:
            lines.append(p("intro.routine", routine=self.routine.name, count=p.number(count)))
        lines.append(
            p(
                "intro.exercise",
                number=p.number(index + 1),
                count=p.number(count),
                name=exercise.name,
                purpose=exercise.purpose,
            )
        )
        lines.extend(p.text(line) for line in exercise.instructions)
        if exercise.equipment:
            lines.append(p.text(exercise.equipment))
        lines.append(dose_sentence(exercise, p))
        lines.append(p("intro.ready", name=exercise.name))
        return [self.say(line, position) for line in lines]

    # -- work -----------------------------------------------------------------------------
    def rep(self, exercise: Exercise, side: Side, set_number: int, rep: int) -> list[Cue]:
        assert exercise.hold_s and exercise.release_s and exercise.rest_s
        p = self.say_
        total = exercise.rep_count
        work = Position(self.routine.exercise_index(exercise.id), side, set_number, rep, "work")
        hold = Position(work.exercise, side, set_number, rep, "hold")
        rest = Position(work.exercise, side, set_number, rep, "rest")
        if rep == 1:
            opening = p.text(exercise.cue)
            if set_number == 1 and side != "both":
                opening = p("rep.first_side", side=p.capital(p.side(side)), cue=opening)
            elif set_number > 1:
                opening = p("rep.first_set", set=p.number(set_number), cue=opening)
        elif rep == total:
            opening = p("rep.last", cue=exercise.short_cue)
        elif total >= 6 and rep == total // 2 + 1:
            opening = p("rep.halfway", ordinal=p.capital(p.ordinal(rep)), cue=exercise.short_cue)
        else:
            opening = p("rep.nth", ordinal=p.capital(p.ordinal(rep)), cue=exercise.short_cue)
        # The hold is timed from "hold" to the release: the countdown is inside it.
        cues = [self.say(opening, work, resume_here=True)]
        cues.extend(self.silence_with_countdown(exercise.hold_s.value, hold))
        cues.append(self.say(p.text(exercise.release_cue), work))
        cues.append(Cue.pause(exercise.release_s.value, work))
        if rep < total:
            cues.append(self.rest(exercise.rest_s.value, rest))
        return cues

    def round(self, exercise: Exercise, set_number: int) -> list[Cue]:
        assert exercise.duration_s
        p = self.say_
        index = self.routine.exercise_index(exercise.id)
        side = exercise.sides[0]
        work = Position(index, side, set_number, 0, "work")
        opening = p.text(exercise.cue if set_number == 1 else exercise.short_cue)
        if exercise.set_count > 1:
            opening = p(
                "round.numbered",
                n=p.number(set_number),
                count=p.number(exercise.set_count),
                cue=opening,
            )
        cues = [self.say(opening, work, resume_here=True)]
        # The walk is timed from the end of the opening to "stop".
        remaining = exercise.duration_s.value
        if remaining >= HALFWAY_MIN_SECONDS:
            halfway = remaining / 2
            said = self.say(p("round.halfway"), work)
            cues += [Cue.pause(halfway, work), said]
            remaining -= halfway + said.seconds
        cues.extend(self.silence_with_countdown(remaining, work))
        last_round = set_number == exercise.set_count
        cues.append(self.say(p("round.stop") if last_round else p.text(exercise.release_cue), work))
        if not last_round and exercise.rest_between_sets_s.value > 0:
            rest = Position(index, side, set_number, 0, "rest")
            seconds = exercise.rest_between_sets_s.value * self.pace.rest_factor
            line = p("rest.round", seconds=round(seconds), next=p.number(set_number + 1))
            cues.append(self.say(line, rest))
            cues.append(Cue.pause(seconds, rest))
        return cues

    def silence_with_countdown(self, seconds: float, position: Position) -> list[Cue]:
        if seconds < COUNTDOWN_MIN_HOLD:
            return [Cue.pause(seconds, position)]
        counts = [
            Cue.say(self.say_(key), position, estimate=self.say_.seconds) for key in COUNTDOWN_KEYS
        ]
        cues = [Cue.pause(seconds - len(counts), position)]
        for count in counts:
            # Each count takes one second (its words, then silence), whatever the pace.
            cues.append(count)
            gap = max(0.0, 1.0 - count.seconds)
            if gap:
                cues.append(Cue.pause(gap, position))
        return cues

    def units(self, index: int) -> list[list[list[Cue]]]:
        """The work of one exercise: per side-and-set group, its reps or rounds (units)."""
        p = self.say_
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
                    line = p(
                        "rest.set",
                        seconds=round(seconds),
                        next=p.number(set_number + 1),
                        side=p.side(side),
                    )
                    group[-1].append(self.say(line, rest))
                    group[-1].append(Cue.pause(seconds, rest))
                groups.append(group)
        return groups

    def closing(
        self, index: int, side: Side | None, group_done: bool, last_group: bool, upcoming: int
    ) -> str:
        """The block's last words; ``upcoming`` is the next rep or round of a split set."""
        p = self.say_
        exercise = self.routine.exercises[index]
        if not group_done:
            if exercise.style == "timed":
                return p("closing.split.round", round=p.number(upcoming))
            return p("closing.split.rep", rep=p.number(upcoming))
        if not last_group:
            sides = list(exercise.sides)
            following = sides[sides.index(side) + 1] if side in sides[:-1] else None
            # A foot's sets all come before the other foot's: switch after its last set only.
            if following and upcoming > exercise.set_count:
                return p("closing.side", side=p.side(side), following=p.side(following))
            return p("closing.set", set=p.number(upcoming))
        if index + 1 < len(self.routine.exercises):
            return p(
                "closing.exercise",
                name=exercise.name,
                upcoming=self.routine.exercises[index + 1].name,
            )
        return p("closing.last", name=exercise.name)

    def done(self) -> list[Cue]:
        position = Position(len(self.routine.exercises) - 1, None, 0, 0, "done")
        return [self.say(self.say_("done.routine", routine=self.routine.name), position)]


def dose_sentence(exercise: Exercise, p: Phrases) -> str:
    if exercise.style == "timed":
        assert exercise.duration_s
        rounds = exercise.set_count
        duration = p.duration(exercise.duration_s.value)
        if rounds > 1:
            return p("dose.timed.rounds", duration=duration, times=p.number(rounds))
        return p("dose.timed.once", duration=duration)
    assert exercise.hold_s
    reps = exercise.rep_count
    each = p("dose.each_foot") if len(exercise.sides) > 1 else ""
    hold = p.duration(exercise.hold_s.value)
    if reps == 1:
        return p("dose.reps.once", each=each, hold=hold)
    if reps == 2:
        return p("dose.reps.twice", each=each, hold=hold)
    return p("dose.reps.many", n=reps, each=each, hold=hold)


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


def _units_of(cues: list[Cue]) -> tuple[Unit, ...]:
    starts = [i for i, cue in enumerate(cues) if cue.resume_here]
    units = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(cues)
        done, release = start + 1, ""
        for i in range(start, end):
            cue = cues[i]
            # A rep is done once its release words are said (the silence after is not work).
            if cue.position.phase in ("work", "hold") and (cue.kind == "speech" or i == start):
                done = i + 1
                if i > start:
                    release = cue.text
        units.append(Unit(start, done, end, release))
    return tuple(units)


def _block(index: int, kind: BlockKind, exercise: int, cues: list[Cue], reprompt: str) -> Block:
    speech, silence = [0.0], [0.0]
    for cue in cues:
        speech.append(speech[-1] + (cue.seconds if cue.kind == "speech" else 0.0))
        silence.append(silence[-1] + (cue.seconds if cue.kind == "pause" else 0.0))
    units = _units_of(cues) if kind == "work" else ()
    return Block(index, kind, exercise, tuple(cues), reprompt, units, tuple(speech), tuple(silence))


def _trim_rest(unit: list[Cue]) -> list[Cue]:
    """A unit without the rest it ends on: at the end of a block, the rest is the wait for the
    runner's "next" (announcing a rest and then asking for "next" would make them wait twice)."""
    while unit and unit[-1].position.phase == "rest":
        unit = unit[:-1]
    return unit


def compile_plan(
    routine: Routine, pace_name: str = DEFAULT_PACE, phrases: Phrases = ENGLISH_PHRASES
) -> Plan:
    pace = PACES[pace_name]
    builder = _Builder(routine, pace, phrases)
    slowest = _Builder(routine, PACES[PACE_ORDER[0]], phrases)
    blocks: list[Block] = []

    def add(kind: BlockKind, exercise: int, cues: list[Cue], reprompt: str) -> None:
        blocks.append(_block(len(blocks), kind, exercise, cues, reprompt))

    for index, exercise in enumerate(routine.exercises):
        if exercise.get_ready:
            reprompt = phrases("reprompt.intro.ready", position=phrases.text(exercise.get_ready))
        else:
            reprompt = phrases("reprompt.intro", name=exercise.name)
        add("intro", index, builder.intro(index), reprompt)
        groups = builder.units(index)
        slow_groups = slowest.units(index)
        for group_number, (group, slow_group) in enumerate(zip(groups, slow_groups, strict=True)):
            side = group[0][0].position.side
            longest_closing = max(
                (
                    slowest.say(slowest.closing(index, side, done, True, 20), _NOWHERE)
                    for done in (True, False)
                ),
                key=lambda cue: (cue.seconds, len(cue.text)),
            )
            sizes = _split(slow_group, longest_closing)
            start = 0
            last_group = group_number == len(groups) - 1
            for part, size in enumerate(sizes):
                units = group[start : start + size]
                start += size
                group_done = part == len(sizes) - 1
                if not group_done:
                    units = [*units[:-1], _trim_rest(units[-1])]
                cues = [cue for unit in units for cue in unit]
                upcoming = cues[-1].position.rep + 1
                if exercise.style == "timed" or group_done:
                    upcoming = cues[-1].position.set + 1
                closing = builder.closing(index, side, group_done, last_group, upcoming)
                transition = Position(
                    index, side, cues[-1].position.set, cues[-1].position.rep, "transition"
                )
                cues.append(builder.say(closing, transition))
                if not group_done:
                    reprompt = phrases("reprompt.split")
                elif not last_group:
                    reprompt = phrases("reprompt.group")
                else:
                    reprompt = phrases("reprompt.last")
                add("work", index, cues, reprompt)
    add("done", len(routine.exercises) - 1, builder.done(), "")
    fingerprint = hashlib.sha256(
        json.dumps(asdict(routine), sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    return Plan(routine, pace, tuple(blocks), fingerprint)


_NOWHERE = Position(0, None, 0, 0, "transition")

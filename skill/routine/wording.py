"""Facts about a position, in words: every sentence comes from the phrase catalog."""

from __future__ import annotations

import datetime as dt

from skill.routine.catalog import Exercise
from skill.routine.cues import Position
from skill.routine.phrases import Phrases
from skill.routine.plan import Plan
from skill.routine.state import HistoryEntry


def where(p: Phrases, plan: Plan, block_index: int, cue: int) -> str:
    """Where (block, cue) is, in words: "calf drops, rep 7 of 12"."""
    if block_index > plan.last - 1:
        return p("where.end", routine=plan.routine.name)
    block = plan.blocks[block_index]
    exercise = plan.routine.exercises[block.exercise]
    before = plan.blocks[block_index - 1] if block_index > 0 else None
    if block.kind == "intro" or (cue == 0 and before is not None and before.kind == "intro"):
        return p("where.intro", name=exercise.name)
    position = block.cues[min(cue, len(block.cues) - 1)].position
    if position.phase == "transition" and cue > 0:
        position = block.cues[cue - 1].position
    if exercise.style == "timed":
        if exercise.set_count == 1:
            return p("where.timed", name=exercise.name)
        return p(
            "where.round",
            name=exercise.name,
            set=p.number(position.set),
            rounds=p.number(exercise.set_count),
        )
    return p(
        "where.rep",
        name=exercise.name,
        rep=p.number(position.rep),
        total=p.number(exercise.rep_count),
        on_side=on_side(p, position),
        of_set=(
            p("where.of_set", set=p.number(position.set), sets=p.number(exercise.set_count))
            if exercise.set_count > 1
            else ""
        ),
    )


def on_side(p: Phrases, position: Position) -> str:
    if position.side in ("right", "left"):
        return p("where.on_side", side=p.side(position.side))
    return ""


def dose_summary(p: Phrases, exercise: Exercise) -> str:
    if exercise.style == "timed":
        assert exercise.duration_s
        return p(
            "dose.summary.timed",
            rounds=p.capital(p.count(exercise.set_count, "round")),
            duration=p.duration(exercise.duration_s.value),
        )
    each = p("dose.each_foot") if len(exercise.sides) > 1 else ""
    return p("dose.summary.reps", reps=p.capital(p.count(exercise.rep_count, "rep")), each=each)


def then_after(p: Phrases, exercise: Exercise, position: Position) -> str:
    """What follows the set in progress: more sets, then the other foot."""
    sides = list(exercise.sides)
    later = sides[sides.index(position.side) + 1 :] if position.side in sides else []
    sets = exercise.set_count
    then = ""
    if sets > 1 and position.set < sets:
        then += p("reps.then_sets", more=p.count(sets - position.set, "more_set"))
    if later and len(sides) > 1:
        total = p.number(exercise.rep_count)
        side = p.side(later[0])
        if sets == 1:
            then += p("reps.then_side", total=total, side=side)
        else:
            then += p("reps.then_side_sets", sets=p.number(sets), total=total, side=side)
    return then


def reps_done(p: Phrases, exercise: Exercise, position: Position, done: int) -> str:
    """``done`` reps of the set ``position`` is in are over (said between reps and blocks)."""
    total = exercise.rep_count
    side = on_side(p, position)
    if done >= total:
        sides = list(exercise.sides)
        later = sides[sides.index(position.side) + 1 :] if position.side in sides else []
        if position.set < exercise.set_count:
            return p(
                "reps.all_set", total=p.number(total), on_side=side, next=p.number(position.set + 1)
            )
        if later and len(sides) > 1:
            return p("reps.all_side", total=p.number(total), on_side=side, side=p.side(later[0]))
        name = exercise.plural if total > 1 else exercise.name
        return p("reps.all_done", total=p.number(total), name=name)
    return p(
        "reps.done_of",
        done=p.number(done),
        total=p.number(total),
        on_side=side,
        left=p.number(total - done),
        then=then_after(p, exercise, position),
    )


def rep_on(p: Phrases, exercise: Exercise, position: Position, estimated: bool) -> str:
    total = exercise.rep_count
    return p(
        "reps.on_rep",
        about=p("about") if estimated else "",
        rep=p.number(position.rep),
        total=p.number(total),
        on_side=on_side(p, position),
        left=p.number(total - position.rep),
        then=then_after(p, exercise, position),
    )


def rounds_left(p: Phrases, exercise: Exercise, rounds_done: int, on_round: int | None) -> str:
    rounds = exercise.set_count
    if on_round is not None:
        return p(
            "reps.on_last_round" if on_round >= rounds else "reps.on_round",
            about=p("about"),
            set=p.number(on_round),
            rounds=p.number(rounds),
            name=exercise.name,
            more=p.count(rounds - on_round, "more_round"),
        )
    if rounds_done >= rounds:
        return p("reps.rounds_done", name=exercise.name)
    left = p.count(rounds - rounds_done, "round")
    return p("reps.rounds_to_go", left=left[:1].upper() + left[1:], name=exercise.name)


def day_of(timestamp: float) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).date()


def streak_days(history: tuple[HistoryEntry, ...], now: float) -> tuple[int, dt.date]:
    """Days in a row, ending today or yesterday, with at least one completed routine; and the
    first day of that run."""
    days = {day_of(entry.completed_at) for entry in history}
    day = day_of(now)
    if day not in days:
        day -= dt.timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= dt.timedelta(days=1)
    return streak, day + dt.timedelta(days=1)


def days_ago(p: Phrases, timestamp: float, now: float) -> str:
    delta = (day_of(now) - day_of(timestamp)).days
    if delta <= 0:
        return p("when.today")
    if delta == 1:
        return p("when.yesterday")
    return p("when.days_ago", n=p.number(delta))

"""Positions in words (skill.routine.wording): where the runner is, how many reps or rounds are
left, the dose of an exercise and how long ago a routine was done, as the runner hears them.

The built-in routines give the cases: the foot routine's toe spread (ten reps, right foot then
left), marble pick up (two reps a foot), calf drops (twelve, both feet at once), heel walk (two
rounds of a minute) and toe walk (three rounds); the quick routine's marble pick up (one rep a
foot) and single-round walks. No built-in exercise has sets of reps, so those cases are the
toe spread and calf drops given more sets.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from skill.routine.catalog import Catalog, Exercise, Quantity, Routine
from skill.routine.cues import Position
from skill.routine.languages import localized_catalog, phrases
from skill.routine.plan import Plan, compile_plan
from skill.routine.state import HistoryEntry
from skill.routine.wording import (
    days_ago,
    dose_summary,
    rep_on,
    reps_done,
    rounds_left,
    streak_days,
    where,
)

CATALOG = Catalog.builtin()
FOOT = CATALOG.get("foot")
QUICK = CATALOG.get("quick")
EN = phrases("en")

TOE_SPREAD = FOOT.exercise("toe_spread")
MARBLES = FOOT.exercise("marble_pickup")
ONE_MARBLE = QUICK.exercise("marble_pickup")
CALF_DROPS = FOOT.exercise("calf_drops")
HEEL_WALK = FOOT.exercise("heel_walk")
TOE_WALK = FOOT.exercise("toe_walk")
QUICK_WALK = QUICK.exercise("heel_walk")


def in_sets(exercise: Exercise, sets: int) -> Exercise:
    return replace(exercise, sets=Quantity(sets))


def with_sets(routine: Routine, sets: int, *exercise_ids: str) -> Routine:
    exercises = tuple(in_sets(e, sets) if e.id in exercise_ids else e for e in routine.exercises)
    return replace(routine, exercises=exercises)


def on(side: str, set: int = 1, rep: int = 0) -> Position:
    return Position(exercise=0, side=side, set=set, rep=rep, phase="work")  # type: ignore[arg-type]


def first_cue(plan: Plan, exercise: int, side: str, set: int, rep: int) -> tuple[int, int]:
    """The block and cue where the plan first reaches a rep (or round, with rep 0)."""
    for block in plan.blocks:
        if block.kind != "work":
            continue
        for index, cue in enumerate(block.cues):
            position = cue.position
            if (position.exercise, position.side, position.set, position.rep) == (
                exercise,
                side,
                set,
                rep,
            ):
                return block.index, index
    raise AssertionError(f"no cue for exercise {exercise} {side} set {set} rep {rep}")


# -- where am I ---------------------------------------------------------------------------------


def test_where_an_exercise_starts_until_its_first_cue_has_played() -> None:
    plan = compile_plan(FOOT)
    block, cue = first_cue(plan, 0, "right", 1, 1)
    assert plan.blocks[block - 1].kind == "intro" and cue == 0
    assert where(EN, plan, block - 1, 0) == "the start of the toe spread"
    assert where(EN, plan, block - 1, len(plan.blocks[block - 1].cues) - 1) == (
        "the start of the toe spread"
    )
    # The work right after the intro, with nothing of it played: still the start.
    assert where(EN, plan, block, 0) == "the start of the toe spread"
    assert where(EN, plan, block, 1) == "toe spread, rep one of ten on your right foot"


def test_where_names_the_rep_and_the_foot() -> None:
    plan = compile_plan(FOOT)
    block, cue = first_cue(plan, 0, "right", 1, 2)
    assert where(EN, plan, block, cue - 1) == "toe spread, rep one of ten on your right foot"
    assert where(EN, plan, block, cue) == "toe spread, rep two of ten on your right foot"
    assert where(EN, plan, block, cue + 1) == "toe spread, rep two of ten on your right foot"
    # The other foot's first rep follows work, not an intro: it is said as a rep from its start.
    block, cue = first_cue(plan, 0, "left", 1, 1)
    assert cue == 0 and plan.blocks[block - 1].kind == "work"
    assert where(EN, plan, block, 0) == "toe spread, rep one of ten on your left foot"
    block, cue = first_cue(plan, 2, "both", 1, 5)
    assert where(EN, plan, block, cue) == "calf drops, rep five of twelve"


def test_where_after_a_blocks_closing_is_its_last_rep() -> None:
    plan = compile_plan(FOOT)
    block, _ = first_cue(plan, 0, "right", 1, 10)
    cues = plan.blocks[block].cues
    assert cues[-1].position.phase == "transition"
    last_rep = "toe spread, rep ten of ten on your right foot"
    assert where(EN, plan, block, len(cues) - 1) == last_rep
    # Played out to the end (the cue after the last): the same place.
    assert where(EN, plan, block, len(cues)) == last_rep


def test_where_names_the_round_of_a_walk_and_only_a_walk_of_one_round_by_name() -> None:
    plan = compile_plan(FOOT)
    block, cue = first_cue(plan, 3, "both", 1, 0)
    assert where(EN, plan, block, cue + 1) == "the heel walk, round one of two"
    block, cue = first_cue(plan, 3, "both", 2, 0)
    assert where(EN, plan, block, cue) == "the heel walk, round two of two"
    # The toe walk's rounds are blocks of their own; the third is the plan's last work.
    block, cue = first_cue(plan, 4, "both", 3, 0)
    assert block == plan.last - 1 and cue == 0
    assert where(EN, plan, block, 0) == "the toe walk, round three of three"
    assert where(EN, plan, block, 5) == "the toe walk, round three of three"
    quick = compile_plan(QUICK)
    block, cue = first_cue(quick, 3, "both", 1, 0)
    assert where(EN, quick, block, cue + 1) == "the heel walk"


def test_where_at_or_past_the_plans_end_is_the_end_of_the_routine() -> None:
    plan = compile_plan(FOOT)
    assert plan.blocks[plan.last].kind == "done"
    assert where(EN, plan, plan.last, 0) == "the end of the foot routine"
    assert where(EN, plan, plan.last + 1, 0) == "the end of the foot routine"
    assert where(EN, compile_plan(QUICK), 99, 0) == "the end of the quick routine"


def test_where_in_an_exercise_of_several_sets_names_the_set() -> None:
    plan = compile_plan(with_sets(FOOT, 2, "toe_spread", "calf_drops"))
    block, cue = first_cue(plan, 0, "right", 2, 3)
    assert where(EN, plan, block, cue) == (
        "toe spread, rep three of ten on your right foot, set two of two"
    )
    block, cue = first_cue(plan, 0, "left", 1, 1)
    assert where(EN, plan, block, cue + 1) == (
        "toe spread, rep one of ten on your left foot, set one of two"
    )
    block, cue = first_cue(plan, 2, "both", 2, 12)
    assert where(EN, plan, block, cue) == "calf drops, rep twelve of twelve, set two of two"
    plan = compile_plan(with_sets(FOOT, 3, "calf_drops"))
    block, cue = first_cue(plan, 2, "both", 2, 4)
    assert where(EN, plan, block, cue) == "calf drops, rep four of twelve, set two of three"


def test_where_in_german_names_the_foot_the_german_way() -> None:
    de = phrases("de")
    plan = compile_plan(localized_catalog(CATALOG, "de").get("foot"), "normal", de)
    block, cue = first_cue(plan, 0, "left", 1, 3)
    assert where(de, plan, block, cue) == "Zehenspreizen, Wiederholung drei von zehn, linker Fuß"
    assert where(de, plan, plan.last, 0) == "dem Ende deines Fußprogramms"


# -- the dose of an exercise ----------------------------------------------------------------------


def test_the_dose_of_an_exercise_counts_its_reps_or_rounds() -> None:
    assert dose_summary(EN, TOE_SPREAD) == "Ten reps on each foot."
    assert dose_summary(EN, ONE_MARBLE) == "One rep on each foot."
    assert dose_summary(EN, CALF_DROPS) == "Twelve reps."
    assert dose_summary(EN, HEEL_WALK) == "Two rounds of a minute."
    assert dose_summary(EN, TOE_WALK) == "Three rounds of a minute."
    assert dose_summary(EN, QUICK_WALK) == "One round of 30 seconds."
    assert dose_summary(phrases("de"), HEEL_WALK) == "Zwei Runden, jeweils eine Minute."


# -- reps done, reps left -------------------------------------------------------------------------


def test_reps_done_part_way_through_count_what_is_left_and_what_follows() -> None:
    assert reps_done(EN, TOE_SPREAD, on("right", rep=5), 4) == (
        "You've done four of ten on your right foot: six to go, then ten on the left foot."
    )
    assert reps_done(EN, TOE_SPREAD, on("left", rep=5), 4) == (
        "You've done four of ten on your left foot: six to go."
    )
    assert reps_done(EN, CALF_DROPS, on("both", rep=1), 0) == (
        "You've done zero of twelve: twelve to go."
    )
    assert reps_done(EN, MARBLES, on("right", rep=2), 1) == (
        "You've done one of two on your right foot: one to go, then two on the left foot."
    )


def test_reps_done_at_the_end_of_a_foot_or_an_exercise() -> None:
    assert reps_done(EN, TOE_SPREAD, on("right", rep=10), 10) == (
        "That's all ten on your right foot. Next: ten on the left foot."
    )
    assert reps_done(EN, TOE_SPREAD, on("left", rep=10), 10) == "That's all ten toe spreads done."
    assert reps_done(EN, CALF_DROPS, on("both", rep=12), 12) == (
        "That's all twelve calf drops done."
    )
    assert reps_done(EN, MARBLES, on("left", rep=2), 2) == "That's all two marble pick ups done."
    # One rep: the exercise's name, not its plural.
    assert reps_done(EN, ONE_MARBLE, on("left", rep=1), 1) == "That's all one marble pick up done."
    assert reps_done(EN, ONE_MARBLE, on("right", rep=1), 1) == (
        "That's all one on your right foot. Next: one on the left foot."
    )


def test_reps_done_in_sets_say_the_next_set_then_the_other_foot() -> None:
    two_sets = in_sets(TOE_SPREAD, 2)
    assert reps_done(EN, two_sets, on("right", 1, 10), 10) == (
        "That's all ten on your right foot in this set. Next: set two."
    )
    assert reps_done(EN, two_sets, on("right", 2, 10), 10) == (
        "That's all ten on your right foot. Next: ten on the left foot."
    )
    assert reps_done(EN, two_sets, on("left", 1, 10), 10) == (
        "That's all ten on your left foot in this set. Next: set two."
    )
    assert reps_done(EN, two_sets, on("left", 2, 10), 10) == "That's all ten toe spreads done."
    assert reps_done(EN, in_sets(CALF_DROPS, 3), on("both", 2, 12), 12) == (
        "That's all twelve in this set. Next: set three."
    )
    assert reps_done(EN, two_sets, on("right", 1, 4), 3) == (
        "You've done three of ten on your right foot: seven to go, then one more set, "
        "then two sets of ten on the left foot."
    )
    assert reps_done(EN, in_sets(TOE_SPREAD, 3), on("right", 1, 4), 3) == (
        "You've done three of ten on your right foot: seven to go, then two more sets, "
        "then three sets of ten on the left foot."
    )
    assert reps_done(EN, two_sets, on("right", 2, 4), 3) == (
        "You've done three of ten on your right foot: seven to go, "
        "then two sets of ten on the left foot."
    )
    assert reps_done(EN, two_sets, on("left", 1, 4), 3) == (
        "You've done three of ten on your left foot: seven to go, then one more set."
    )
    assert reps_done(EN, in_sets(CALF_DROPS, 3), on("both", 3, 6), 5) == (
        "You've done five of twelve: seven to go."
    )


def test_the_rep_in_progress_counts_itself_as_still_to_go() -> None:
    assert rep_on(EN, TOE_SPREAD, on("right", rep=4), estimated=False) == (
        "You're on rep four of ten on your right foot: six to go, then ten on the left foot."
    )
    assert rep_on(EN, TOE_SPREAD, on("left", rep=4), estimated=True) == (
        "You're on about rep four of ten on your left foot: six to go."
    )
    assert rep_on(EN, in_sets(CALF_DROPS, 2), on("both", 1, 12), estimated=False) == (
        "You're on rep twelve of twelve: zero to go, then one more set."
    )


# -- rounds left ----------------------------------------------------------------------------------


def test_rounds_left_while_a_round_is_going() -> None:
    assert rounds_left(EN, TOE_WALK, 0, 1) == (
        "You're on about round one of three of the toe walk: two more rounds after this."
    )
    assert rounds_left(EN, TOE_WALK, 1, 2) == (
        "You're on about round two of three of the toe walk: one more round after this."
    )
    assert rounds_left(EN, TOE_WALK, 2, 3) == (
        "You're on about round three of three of the toe walk: the last one."
    )
    assert rounds_left(EN, QUICK_WALK, 0, 1) == (
        "You're on about round one of one of the heel walk: the last one."
    )
    # The round going decides, whatever the count of rounds done says.
    assert rounds_left(EN, TOE_WALK, 3, 1) == (
        "You're on about round one of three of the toe walk: two more rounds after this."
    )


def test_rounds_left_between_rounds() -> None:
    assert rounds_left(EN, TOE_WALK, 0, None) == "Three rounds of the toe walk to go."
    assert rounds_left(EN, TOE_WALK, 2, None) == "One round of the toe walk to go."
    assert rounds_left(EN, TOE_WALK, 3, None) == "That's every round of the toe walk done."
    assert rounds_left(EN, TOE_WALK, 4, None) == "That's every round of the toe walk done."
    assert rounds_left(EN, HEEL_WALK, 1, None) == "One round of the heel walk to go."
    es = phrases("es")
    walk = localized_catalog(CATALOG, "es").get("foot").exercise("toe_walk")
    assert rounds_left(es, walk, 1, None) == (
        "Dos rondas del ejercicio de caminar de puntillas por hacer."
    )


# -- days ---------------------------------------------------------------------------------------

# Thursday 14 January 2027 in UTC, at midday and just after midnight.
NOON = dt.datetime(2027, 1, 14, 12, 0, tzinfo=dt.UTC).timestamp()
MIDNIGHT = dt.datetime(2027, 1, 14, 0, 0, tzinfo=dt.UTC).timestamp()
HOUR = 3600.0
DAY = 24 * HOUR


def done_at(*timestamps: float) -> tuple[HistoryEntry, ...]:
    return tuple(
        HistoryEntry(id=f"run-{n}", routine="foot", completed_at=at, seconds=600.0)
        for n, at in enumerate(sorted(timestamps))
    )


@pytest.fixture
def far_east() -> Iterator[None]:
    """The machine's clock in UTC+14 (Kiritimati), where most hours fall on another date."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "KIR-14"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_days_ago_counts_calendar_days_not_hours() -> None:
    assert days_ago(EN, MIDNIGHT + 60, NOON) == "today"
    assert days_ago(EN, NOON, NOON) == "today"
    assert days_ago(EN, MIDNIGHT - 60, MIDNIGHT + 60) == "yesterday"
    assert days_ago(EN, NOON - DAY - 11 * HOUR, NOON) == "yesterday"
    assert days_ago(EN, MIDNIGHT - DAY - 60, MIDNIGHT + 60) == "two days ago"
    assert days_ago(EN, NOON - 10 * DAY, NOON) == "ten days ago"
    # A completion stamped ahead of this device's clock (another device's) is today's.
    assert days_ago(EN, NOON + DAY, NOON) == "today"
    de = phrases("de")
    assert [days_ago(de, NOON - n * DAY, NOON) for n in (0, 1, 3)] == [
        "heute",
        "gestern",
        "vor drei Tagen",
    ]


def test_days_are_utc_days_whatever_the_machines_zone(far_east: None) -> None:
    # 09:00 UTC yesterday is 23:00 yesterday in Kiritimati, but today at noon UTC is already
    # tomorrow there: the days apart are UTC days.
    assert days_ago(EN, NOON - DAY - 3 * HOUR, NOON) == "yesterday"
    assert streak_days(done_at(NOON - DAY - 3 * HOUR, NOON - HOUR), NOON) == (
        2,
        dt.date(2027, 1, 13),
    )


def test_a_streak_counts_days_in_a_row_up_to_today() -> None:
    history = done_at(NOON - 3 * DAY, NOON - 2 * DAY, NOON - DAY, NOON - HOUR)
    assert streak_days(history, NOON) == (4, dt.date(2027, 1, 11))
    # Two routines on one day are one day of the streak; a gap ends it.
    history = done_at(NOON - 5 * DAY, NOON - DAY, NOON - HOUR, NOON - 2 * HOUR)
    assert streak_days(history, NOON) == (2, dt.date(2027, 1, 13))
    assert streak_days(done_at(NOON - HOUR), NOON) == (1, dt.date(2027, 1, 14))


def test_a_streak_still_counts_until_today_is_over() -> None:
    # Nothing yet today: the run up to yesterday is still the streak.
    history = done_at(NOON - 3 * DAY, NOON - 2 * DAY, NOON - DAY)
    assert streak_days(history, NOON) == (3, dt.date(2027, 1, 11))
    assert streak_days(done_at(MIDNIGHT - 60), MIDNIGHT + 60) == (1, dt.date(2027, 1, 13))
    # Last done the day before yesterday: no streak.
    assert streak_days(done_at(NOON - 3 * DAY, NOON - 2 * DAY), NOON)[0] == 0
    assert streak_days((), NOON)[0] == 0

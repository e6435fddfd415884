"""Answers to questions (skill.routine.questions): reps left, where am I, what an exercise is,
the progress report, by example and by property."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from skill.routine.phrases import NUMBER_WORDS
from skill.routine.plan import compile_plan
from skill.routine.state import RunnerState

from .coaching import CATALOG, COACH, T0, examples, paces, routines, served_at, started, text


def test_reps_left_while_the_coach_is_counting_uses_the_elapsed_time() -> None:
    plan = compile_plan(CATALOG.get("foot"))
    block = next(b for b in plan.blocks if b.kind == "work")
    rep4 = next(i for i, c in enumerate(block.cues) if c.resume_here and c.position.rep == 4)
    elapsed = block.seconds() - block.seconds(rep4) + 3.0
    state = served_at("foot", "normal", block.index, T0)
    reply = COACH.reps_left(state, T0 + elapsed)
    # Answered, and the set goes on in the same reply from the rep in progress.
    said = text(reply).strip().removeprefix("And relax. ")
    assert said.startswith(
        "You're on rep four of ten on your right foot: six to go, then ten on the left foot. "
        "Fourth one. Spread, and hold."
    )
    assert "Third one." not in said and not reply.ends_session


def test_progress_report_counts_routines_and_the_streak() -> None:
    state = started("quick")
    day = 86400.0
    for n in range(3):
        now = T0 + n * day
        while state.progress is not None:
            now += 400  # every block long over
            state = COACH.next(state, now).state
        state = COACH.start(state, "quick", now + 1).state
    report = text(COACH.progress_report(state, T0 + 2 * day + 60))
    assert "You've finished three routines." in report
    assert "That's three days in a row." in report


@settings(max_examples=examples(300), deadline=None)
@given(routine=routines, pace=paces, data=st.data())
def test_reps_left_mid_set_is_within_one_rep_of_the_truth(routine: str, pace: str, data) -> None:  # type: ignore[no-untyped-def]
    plan = compile_plan(CATALOG.get(routine), pace)
    block = data.draw(st.sampled_from([b for b in plan.blocks if b.kind == "work"]))
    rate = data.draw(st.sampled_from([0.8, 1.0, 1.25]))
    reaction = data.draw(st.floats(min_value=0, max_value=4))
    moment = data.draw(st.floats(min_value=0, max_value=block.seconds() - 0.01))
    played = block.played(0, moment, rate)  # where this device really is
    if played >= block.work_end:
        return

    def coming(position: float) -> int:
        """The rep in progress, or the next one once this one's release words are said."""
        unit = block.units[block.unit_at(position)]
        rep = block.cues[unit.start].position.rep
        return rep + (1 if position >= unit.done else 0)

    truth = coming(played)
    # Every place a device at 0.8-1.25x the estimate may be, given when the request came.
    at = moment + reaction
    earliest, latest = coming(block.played(0, at - 4, 0.8)), coming(block.played(0, at, 1.25))
    exercise = plan.routine.exercises[block.exercise]
    state = served_at(routine, pace, block.index, T0)
    answer = text(COACH.reps_left(state, T0 + at))
    where = text(COACH.where_am_i(state, T0 + at))
    assert f"This is the {exercise.name}, exercise" in where
    if exercise.style == "reps":
        on = re.search(r"You're on rep (\w+) of", answer)  # this rep goes on
        done = re.search(r"You've done (\w+) of", answer)
        words = NUMBER_WORDS
        said = words.index(on.group(1)) if on else None
        if done:
            said = words.index(done.group(1)) + 1  # the set goes on with the next rep
        if said is None:
            assert "That's all" in answer
            said = exercise.rep_count + 1
        assert said >= truth, "a rep the runner finished is never done again"
        if latest - earliest <= 1:  # the window allows it: within one rep of the truth
            assert said - truth <= 1, (answer, truth)
    assert not COACH.reps_left(state, T0 + moment + reaction).ends_session


def test_a_long_history_stays_small_and_every_routine_still_counts() -> None:
    from skill.routine.state import HISTORY_KEPT, HistoryEntry

    state = RunnerState(welcomed=True)
    for n in range(HISTORY_KEPT + 50):
        routine = "foot" if n % 3 else "quick"
        state = state.with_completion(HistoryEntry(f"r{n}", routine, T0 + n * 86400, 600))
    assert len(state.history) == HISTORY_KEPT
    assert sum(state.completed().values()) == HISTORY_KEPT + 50
    assert state.completed()["quick"] == 50
    assert RunnerState.from_json(state.to_json()) == state
    assert len(json.dumps(state.to_json())) < 12_000, "fits in session attributes"
    report = text(COACH.progress_report(state, T0 + (HISTORY_KEPT + 49) * 86400 + 60))
    assert "You've finished 150 routines: 100 foot routines and 50 quick routines." in report
    assert "That's at least 100 days in a row." in report
    again = state.with_completion(state.history[-1])
    assert again == state, "the same run is never counted twice"


def test_what_an_exercise_is_before_any_routine_names_it_or_asks_which_one() -> None:
    idle = RunnerState(welcomed=True)
    which = COACH.exercise_info(idle, T0)
    # No routine going and no exercise named: the same question as "go to" an unknown exercise.
    assert which == COACH.go_to(idle, None, T0)
    assert which.asked == "exercise" and which.state == idle
    assert text(which).strip() == (
        "The foot routine has these exercises: toe spread, marble pick up, calf drops, heel walk "
        "and toe walk. Which exercise would you like?"
    )
    named = COACH.exercise_info(idle, T0, spoken="calf drops")
    assert named.asked == "start:foot" and "Shall we start the foot routine?" in text(named)
    assert "strengthens the calves" in text(named) and "Which exercise" not in text(named)

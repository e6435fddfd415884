"""Reply building (skill.routine.replies): the answer when nothing is going, and the record of a
finished run."""

from __future__ import annotations

import json

from skill.routine.state import MAX_SECONDS, RunnerState

from .coaching import COACH, T0, started, text


def test_questions_before_any_routine_get_a_helpful_answer() -> None:
    for ask in (COACH.next, COACH.reps_left, COACH.previous, COACH.repeat, COACH.pause):
        reply = ask(RunnerState(welcomed=True), T0)
        assert "no routine going" in text(reply)
        assert not reply.ends_session and "Shall we start" in text(reply)


def test_a_routine_finished_weeks_after_it_started_survives_storage() -> None:
    # Paused on day one, finished three weeks later: the completion is recorded with a length
    # that loading accepts, so it is still there (and counted) after a round trip.
    state, now = started("quick"), T0
    for _ in range(40):
        now += 3600 * 24
        state = COACH.next(state, now).state
        if state.progress is None:
            break
    assert state.progress is None and len(state.history) == 1
    loaded = RunnerState.from_json(json.loads(json.dumps(state.to_json())))
    assert loaded.history == state.history and loaded.total_completed() == 1
    assert loaded.history[0].seconds == MAX_SECONDS

"""Reply building (skill.routine.replies): the answer when nothing is going, and the record of a
finished run."""

from __future__ import annotations

import json

from skill.routine.state import MAX_SECONDS, RunnerState

from .coaching import CATALOG, COACH, T0, served_at, started, text


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


def test_an_answer_after_a_block_played_out_leaves_the_state_as_it_was() -> None:
    # A question, a stop or a pause long after a set played out: the set stays as served (and so
    # nothing is saved); "next" then goes on from it as it would have without the answer.
    state = served_at("foot", "normal", 1, T0)  # the toe spread's right foot
    later = T0 + 3600
    for answer in (COACH.reps_left, COACH.where_am_i, COACH.hold_time, COACH.time_left,
                   COACH.whats_next, COACH.repeat, COACH.stop, COACH.pause):  # fmt: skip
        reply = answer(state, later)
        assert reply.state is state, answer.__name__
        assert not text(reply).strip().startswith("And relax"), answer.__name__
    went_on = text(COACH.next(state, later)).strip()
    assert went_on.startswith("Starting in three, two, one. Left foot.")


def test_an_answer_that_closes_a_set_leaves_it_closed_for_every_device() -> None:
    # Asked as the set ends, a slow device may still hold the last rep: the answer closes it
    # ("And relax.") and the set then reads as played out everywhere: not closed again.
    state = served_at("foot", "normal", 1, T0)
    progress = state.progress
    assert progress is not None
    block = COACH.plan_for(CATALOG.get("foot"), state.preferences).blocks[1]
    ends = T0 + block.seconds() + 1.0
    first = COACH.reps_left(state, ends)
    assert text(first).strip().startswith("And relax. That's all ten on your right foot.")
    assert first.state.progress is not None
    assert first.state.progress.block == 1 and first.state.progress.served_at is not None
    assert first.state.progress.served_at < T0
    again = COACH.reps_left(first.state, ends + 2.0)
    assert text(again).strip().startswith("That's all ten on your right foot.")
    assert again.state is first.state
    went_on = COACH.next(first.state, ends + 4.0)
    assert text(went_on).strip().startswith("Starting in three, two, one. Left foot.")

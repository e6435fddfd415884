"""Two Echoes of one runner: a routine played out to its end on one device is one completion,
whichever device the runner speaks to next."""

from __future__ import annotations

from collections.abc import Callable

from alexa_client import carried_state
from flask import Flask

from skill.routine.state import RunnerState
from skill.storage import runner_key

from .echo import Echo, FakeClock

EchoFactory = Callable[..., Echo]
USER = "amzn1.ask.account.two-devices"


def stored(app: Flask) -> RunnerState:
    store = app.extensions["footcoach"].store
    return RunnerState.from_json(store.load(runner_key(USER)).state)


def play_to_the_last_block(echo: Echo) -> None:
    echo.say("StartRoutineIntent", {"routine": "quick routine|quick"})
    for _ in range(30):
        turn = echo.say("NextStepIntent")
        if "that was the last exercise" in turn.text:
            return
    raise AssertionError("the last block was never served")


def test_a_routine_played_out_on_one_device_counts_once_when_another_starts_one(
    echo_factory: EchoFactory, fake_clock: FakeClock, device_app: Flask
) -> None:
    kitchen, hall = echo_factory(user_id=USER), echo_factory(user_id=USER)
    play_to_the_last_block(kitchen)
    last = kitchen.turns[-1]
    fake_clock.advance_to(last.started_at + last.duration + 3.0)  # it has played out
    started = hall.say("StartRoutineIntent", {"routine": "quick routine|quick"})
    assert "Let's start your quick routine" in started.text
    assert stored(device_app).total_completed() == 1, "the kitchen's routine, once"
    finished = kitchen.say("NextStepIntent")  # the kitchen's runner says "done" after all
    assert "That's your whole quick routine" in finished.text
    assert "That's one routine in all" in finished.text
    assert stored(device_app).total_completed() == 1, "heard once, counted once"
    assert [entry.id for entry in stored(device_app).history] == [
        RunnerState.from_json(carried_state(finished.session_attributes)).history[0].id
    ]

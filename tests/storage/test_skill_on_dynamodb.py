"""The skill end to end on the DynamoDB store: served over HTTP, killed with SIGKILL, restarted,
resumed from another device; the store cut off mid-routine and back with nothing lost."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alexa_client import Echo, carried_state, get
from device.echo import FakeClock
from servers import FileClock, ServiceProcess, serve_in_thread
from tcp_switch import TcpSwitch, tcp_switch

from skill.app import create_app
from skill.chat.speech import playback_seconds
from skill.routine.catalog import Catalog
from skill.routine.plan import compile_plan
from skill.routine.state import RunnerState
from skill.storage import open_store, runner_key

NOT_SAVED = "I couldn't save your progress just now"
UNKNOWN = (
    "I can't reach your saved progress right now; we can start fresh and I'll keep today's work."
)


def stored_state(table: str, user_id: str) -> RunnerState:
    store = open_store(f"dynamodb://{table}")
    try:
        return RunnerState.from_json(store.load(runner_key(user_id)).state)
    finally:
        store.close()


def test_sigkill_restart_and_resume_from_another_device(
    dynamodb_table: str, tmp_path: Path
) -> None:
    clock = FileClock(tmp_path / "clock")  # the service's coach reads it; moved on here
    service = ServiceProcess(
        {"FOOTCOACH_STORE": f"dynamodb://{dynamodb_table}", "FOOTCOACH_VERIFY_SIGNATURES": "0"},
        clock=clock,
    )
    with service:
        kitchen = Echo(service.url + "/alexa")
        intro = kitchen.intent("StartRoutineIntent", routine="foot routine|foot")
        clock.advance(playback_seconds(intro.ssml) + 2.0)  # the intro plays out
        kitchen.intent("NextStepIntent")  # the right foot's reps start playing
        clock.advance(16.0)  # in the first rep's hold
        kitchen.intent("NextStepIntent")  # mid-set: on to the second rep
        clock.advance(1.0)
        paused = kitchen.intent("AMAZON.PauseIntent")  # the place is now a rep
        assert "Paused at toe spread, rep two of ten on your right foot" in paused.speech
        saved = stored_state(dynamodb_table, kitchen.user_id)
        assert saved.progress is not None and saved.progress.served_at is None

        service.kill(signal.SIGKILL)
        service.start()

        clock.advance(3600.0)
        bedroom = Echo(service.url + "/alexa", user_id=kitchen.user_id)
        welcome = bedroom.launch()
        assert welcome.speech.startswith(
            "Welcome back. You stopped at toe spread, rep two of ten on your right foot."
        )
        resumed = bedroom.intent("AMAZON.YesIntent")
        assert resumed.speech.startswith("Sit down with your feet flat on the floor.")
        assert "Starting in three, two, one. Second one. Spread" in resumed.speech
        assert stored_state(dynamodb_table, kitchen.user_id).progress == (
            RunnerState.from_json(carried_state(bedroom.attributes)).progress
        )


@pytest.fixture
def clock() -> FakeClock:
    """The coach's CLOCK, moved on by the test as a device's playback would move it."""
    return FakeClock(time.time())


@pytest.fixture
def switched_store(
    aws_env: str, dynamodb_table: str, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> Iterator[tuple[TcpSwitch, str]]:
    with tcp_switch(aws_env) as switch:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{switch.port}")
        app = create_app(
            {
                "STORE_URL": f"dynamodb://{dynamodb_table}",
                "VERIFY_SIGNATURES": False,
                "SKILL_ID": None,
                "CLOCK": clock,
            }
        )
        with serve_in_thread(app) as url:
            yield switch, url
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", aws_env)  # so the table can be deleted


def test_store_down_mid_routine_then_back_loses_nothing(
    switched_store: tuple[TcpSwitch, str], dynamodb_table: str, clock: FakeClock
) -> None:
    switch, url = switched_store
    echo = Echo(url + "/alexa")
    intro = echo.intent("StartRoutineIntent", routine="quick routine|quick")
    clock.advance(playback_seconds(intro.ssml) + 2.0)  # the intro plays out
    first = echo.intent("NextStepIntent")
    assert NOT_SAVED not in first.speech
    saved_before = stored_state(dynamodb_table, echo.user_id)

    switch.switch_off()
    health = get(url + "/healthz")
    assert health.status == 503
    assert health.body == {"status": "unavailable", "reason": "the progress store is not answering"}
    assert dynamodb_table not in str(health.body) and "127.0.0.1" not in str(health.body)
    clock.advance(16.0)  # in the first rep's hold: "next" goes on to the second rep
    down = echo.intent("NextStepIntent")
    assert down.status == 200 and NOT_SAVED in down.speech, "the runner still hears the answer"
    assert "Second one." in down.speech or "Last one." in down.speech or "Left foot" in down.speech
    assert echo.attributes["runner"]["unsaved"] is True

    switch.switch_on()
    assert get(url + "/healthz").status == 200
    assert stored_state(dynamodb_table, echo.user_id) == saved_before, "nothing half-written"
    clock.advance(8.0)  # in the second rep's hold: on to the third
    back = echo.intent("NextStepIntent")
    assert NOT_SAVED not in back.speech
    carried = RunnerState.from_json(carried_state(echo.attributes))
    assert stored_state(dynamodb_table, echo.user_id) == carried
    assert carried.progress and saved_before.progress
    # Said in the middle of a rep, each "next" moves one rep on: two reps on from the start.
    plan = compile_plan(Catalog.builtin().get("quick"))
    assert carried.progress.block == saved_before.progress.block
    assert carried.progress.from_cue == plan.blocks[carried.progress.block].units[2].start


def test_store_down_when_the_session_starts_still_answers(
    switched_store: tuple[TcpSwitch, str],
) -> None:
    switch, url = switched_store
    switch.switch_off()
    echo = Echo(url + "/alexa")
    answer = echo.launch()
    assert answer.status == 200 and "Foot Coach" in answer.speech
    assert answer.speech.startswith(UNKNOWN), "one honest sentence, first"
    assert echo.attributes["runner"]["unknown"] is True

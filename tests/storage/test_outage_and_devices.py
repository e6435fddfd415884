"""The skill on the DynamoDB-protocol server the tests start, with the store cut off and back
(TcpSwitch: the server keeps its data), stopped and continued (SIGSTOP), or ended and started
again on its data, mid-session; and many devices of one runner at once.

Nothing stored is lost, and nothing the runner heard as saved is lost: every completion a
runner heard without being told it could not be saved is in the stored count, exactly once.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dynamo_server
import pytest
from alexa_client import Answer, Echo, carried_state
from dynamo_server import free_loopback_port
from flask import Flask
from tcp_switch import TcpSwitch, tcp_switch

from skill.alexa.runner import SAVE_BUDGET_S, STORE_SENTENCES
from skill.app import create_app
from skill.routine.state import HISTORY_KEPT, RunnerState
from skill.storage import open_store, runner_key
from skill.storage.dynamodb import create_table

UNKNOWN = STORE_SENTENCES["unknown"]
NOT_SAVED = STORE_SENTENCES["not_saved"]
LOST = STORE_SENTENCES["lost"]
FINISHED = "That's your whole quick routine."
T0 = 1_800_000_000.0


class Clock:
    """The coach's clock: one timeline for the whole household, read per device (thread),
    moved on by each turn, so that every block has played out before the next request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest = T0
        self._local = threading.local()

    def __call__(self) -> float:
        now: float = self._local.now
        return now

    def tick(self, seconds: float = 600.0) -> None:
        with self._lock:
            self._latest += seconds
            self._local.now = self._latest


@dataclass
class Device(Echo):
    """An Echo of the runner that talks to the app in this process, on its own thread."""

    app: Flask | None = None
    clock: Clock | None = None
    heard: list[str] = field(default_factory=list)

    def send(self, request: dict[str, Any]) -> Answer:
        assert self.app is not None and self.clock is not None
        self.clock.tick()
        body = json.dumps(self.envelope(request)).encode()
        response = self.app.test_client().post(
            "/alexa", data=body, headers={"Content-Type": "application/json"}
        )
        answer = Answer(response.status_code, response.get_json() or {})
        assert answer.status == 200, answer.body
        self.new = False
        self.attributes = answer.body.get("sessionAttributes") or {}
        if answer.ends_session or request["type"] == "SessionEndedRequest":
            self.session_id = None
        if request["type"] != "SessionEndedRequest":
            self.heard.append(answer.speech)
        return answer

    def finish_quick_routine(self, *, new_session: bool = True) -> Answer:
        if new_session:
            answer = self.one_shot("StartRoutineIntent", routine="quick routine|quick")
        else:
            answer = self.intent("StartRoutineIntent", routine="quick routine|quick")
        for _ in range(40):
            if answer.ends_session:
                return answer
            answer = self.intent("NextStepIntent")
        raise AssertionError(f"the routine never finished: {answer.speech}")


@pytest.fixture
def household(
    aws_env: str, dynamodb_table: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Flask, Clock, TcpSwitch, str]]:
    clock = Clock()
    global _observer
    _observer = open_store(f"dynamodb://{dynamodb_table}")  # straight to the server
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
        yield app, clock, switch, f"amzn1.ask.account.{time.time_ns()}"
        app.extensions["footcoach"].store.close()
    _observer.close()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", aws_env)  # so the table can be deleted


_observer: Any = None


def stored(table: str, user_id: str) -> RunnerState:
    """What the store holds, read past the switch."""
    return RunnerState.from_json(_observer.load(runner_key(user_id)).state)


def device(household: tuple[Flask, Clock, TcpSwitch, str], name: str) -> Device:
    app, clock, _, user_id = household
    return Device(
        url="", user_id=user_id, device_id=f"amzn1.ask.device.{name}", app=app, clock=clock
    )


def test_a_session_started_in_an_outage_adds_its_work_and_erases_nothing(
    household: tuple[Flask, Clock, TcpSwitch, str], dynamodb_table: str
) -> None:
    _, _, switch, user_id = household
    kitchen = device(household, "kitchen")
    for _ in range(3):
        assert FINISHED in kitchen.finish_quick_routine().speech
    kitchen.one_shot("SlowerIntent")
    kitchen.intent("StartRoutineIntent", routine="foot routine|foot")
    kitchen.intent("GoToExerciseIntent", exercise="calf drops|calf_drops")
    kitchen.intent("AMAZON.StopIntent")
    before = stored(dynamodb_table, user_id).latest()
    assert before.preferences.pace == "slow" and before.total_completed() == 3
    assert before.progress is not None and before.progress.exercise == "calf_drops"

    switch.switch_off()
    bedroom = device(household, "bedroom")
    greeting = bedroom.launch()
    assert greeting.speech.startswith(UNKNOWN), "one honest sentence"
    started = bedroom.intent("StartRoutineIntent", routine="quick routine|quick")
    assert UNKNOWN not in started.speech and NOT_SAVED not in started.speech, "said once only"
    for _ in range(5):
        bedroom.intent("NextStepIntent")
    assert stored(dynamodb_table, user_id).latest() == before, "nothing written in the outage"

    switch.switch_on()  # the store is back mid-session: the session's work is merged in
    finished = bedroom.finish_quick_routine(new_session=False)
    assert FINISHED in finished.speech and LOST not in finished.speech
    after = stored(dynamodb_table, user_id)
    assert after.total_completed() == 4, "earlier completions kept, today's added"
    assert after.preferences.pace == "slow", "the pace chosen earlier is kept"
    assert after.welcomed
    resumed = device(household, "hall").launch()
    assert "You stopped at the start of the calf drops" in resumed.speech, (
        "the resume point is kept"
    )


def test_a_session_ending_in_an_outage_is_retried_and_never_lost_silently(
    household: tuple[Flask, Clock, TcpSwitch, str], dynamodb_table: str
) -> None:
    _, _, switch, user_id = household
    kitchen = device(household, "kitchen")
    kitchen.finish_quick_routine()

    # The store comes back while the last turn is still retrying: the completion is saved.
    answer = kitchen.one_shot("StartRoutineIntent", routine="quick routine|quick")
    for _ in range(11):
        answer = kitchen.intent("NextStepIntent")
    assert not answer.ends_session
    switch.switch_off()
    threading.Timer(1.0, switch.switch_on).start()
    started = time.monotonic()
    finished = kitchen.intent("NextStepIntent")
    assert finished.ends_session and FINISHED in finished.speech
    assert LOST not in finished.speech and NOT_SAVED not in finished.speech
    assert 0.9 < time.monotonic() - started < SAVE_BUDGET_S + 1.0
    assert stored(dynamodb_table, user_id).total_completed() == 2

    # The store stays away: the runner is told, and promised nothing.
    answer = kitchen.one_shot("StartRoutineIntent", routine="quick routine|quick")
    for _ in range(11):
        answer = kitchen.intent("NextStepIntent")
    switch.switch_off()
    started = time.monotonic()
    lost = kitchen.intent("NextStepIntent")
    took = time.monotonic() - started
    switch.switch_on()
    assert lost.ends_session and lost.speech.endswith(LOST)
    assert "next turn" not in lost.speech and "try again" not in lost.speech
    assert took < SAVE_BUDGET_S + 1.5, "well inside Alexa's 8 seconds"
    assert stored(dynamodb_table, user_id).total_completed() == 2


def test_a_session_continuing_through_an_outage_saves_everything_once_it_is_back(
    household: tuple[Flask, Clock, TcpSwitch, str], dynamodb_table: str
) -> None:
    _, _, switch, user_id = household
    kitchen = device(household, "kitchen")
    kitchen.one_shot("StartRoutineIntent", routine="quick routine|quick")
    kitchen.intent("NextStepIntent")
    switch.switch_off()
    first = kitchen.intent("NextStepIntent")
    assert first.speech.endswith(NOT_SAVED) and "next turn" not in first.speech
    second = kitchen.intent("NextStepIntent")
    assert NOT_SAVED not in second.speech, "told once"
    carried = RunnerState.from_json(carried_state(kitchen.attributes))
    switch.switch_on()
    # Moves nothing on (the block served last has played out, and stays as served), and saves
    # what waited.
    kitchen.intent("WhereAmIIntent")
    assert kitchen.attributes["runner"]["unsaved"] is False
    saved = stored(dynamodb_table, user_id)
    assert saved == RunnerState.from_json(carried_state(kitchen.attributes))
    assert saved.progress is not None and carried.progress is not None
    assert saved.progress == carried.progress
    assert saved.progress.served_at is not None


def test_many_devices_at_once_past_the_listed_history_count_every_completion_heard(
    household: tuple[Flask, Clock, TcpSwitch, str], dynamodb_table: str
) -> None:
    _, _, switch, user_id = household
    devices = [device(household, f"echo-{n}") for n in range(8)]
    rounds = 13  # 104 completions: past the 100 listed ones
    failures: list[BaseException] = []

    def run(echo: Device) -> None:
        try:
            for _ in range(rounds):
                echo.finish_quick_routine()
        except BaseException as error:  # reported below, with the device's own assertion
            failures.append(error)

    threads = [threading.Thread(target=run, args=(echo,)) for echo in devices]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    switch.switch_off()  # a short outage in the middle of it all
    time.sleep(1.0)
    switch.switch_on()
    for thread in threads:
        thread.join(timeout=240)
    assert not failures, failures[0]
    assert not any(thread.is_alive() for thread in threads)

    heard = [speech for echo in devices for speech in echo.heard if FINISHED in speech]
    told_lost = [speech for speech in heard if LOST in speech]
    assert len(heard) == len(devices) * rounds
    state = stored(dynamodb_table, user_id)
    assert state.total_completed() == len(heard) - len(told_lost)
    assert len(state.history) == HISTORY_KEPT, (len(heard), len(told_lost))
    assert len(json.dumps(state.to_json())) < 16_000


def point_boto3_at(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    """boto3 on a server of this test's own, with a test identity and region."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{port}",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def stoppable_server(
    monkeypatch: pytest.MonkeyPatch, isolated_aws: None
) -> Iterator[subprocess.Popen[bytes]]:
    """A DynamoDB-protocol server of this test's own, to stop (SIGSTOP) and continue (SIGCONT)
    on the same data: requests then hang instead of being refused."""
    port = free_loopback_port()
    server = subprocess.Popen(
        [sys.executable, "-c", dynamo_server._LAUNCHER, "127.0.0.1", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with tempfile.TemporaryFile() as log:
            dynamo_server._wait_until_answering(server, port, log)
        point_boto3_at(monkeypatch, port)
        yield server
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)


def test_a_stopped_server_makes_no_turn_wait_past_alexas_limit_and_loses_nothing(
    stoppable_server: subprocess.Popen[bytes],
) -> None:
    create_table("stopped")
    clock = Clock()
    app = create_app(
        {"STORE_URL": "dynamodb://stopped", "VERIFY_SIGNATURES": False, "CLOCK": clock}
    )
    echo = Device(url="", device_id="amzn1.ask.device.den", app=app, clock=clock)
    echo.finish_quick_routine()
    answer = echo.one_shot("StartRoutineIntent", routine="quick routine|quick")
    for _ in range(10):
        answer = echo.intent("NextStepIntent")
    assert not answer.ends_session

    stoppable_server.send_signal(signal.SIGSTOP)
    started = time.monotonic()
    on = echo.intent("NextStepIntent")
    assert time.monotonic() - started < 4.0 and on.speech.endswith(NOT_SAVED)
    threading.Timer(2.5, stoppable_server.send_signal, args=(signal.SIGCONT,)).start()
    started = time.monotonic()
    done = echo.intent("NextStepIntent")  # the last turn: retried while the server is stopped
    took = time.monotonic() - started
    assert done.ends_session and FINISHED in done.speech
    assert took < 8.0, "inside Alexa's limit"
    store = open_store("dynamodb://stopped")
    try:
        state = RunnerState.from_json(store.load(runner_key(echo.user_id)).state)
    finally:
        store.close()
    if LOST in done.speech:
        assert state.total_completed() >= 1
    else:
        assert state.total_completed() == 2, "heard as saved, and saved"
    app.extensions["footcoach"].store.close()


def test_the_server_gone_mid_session_and_restarted_on_its_data_loses_nothing(
    monkeypatch: pytest.MonkeyPatch, isolated_aws: None, tmp_path: Path
) -> None:
    """The DynamoDB-protocol server process ends mid-session and a new one starts on the same
    data (dynamo_server keeps it in a file): the session goes on, says once that it could not
    save, saves once the server is back, and another device resumes where it stopped."""
    port, data = free_loopback_port(), tmp_path / "dynamodb-requests.jsonl"
    point_boto3_at(monkeypatch, port)
    clock = Clock()
    config = {"STORE_URL": "dynamodb://restarted", "VERIFY_SIGNATURES": False, "CLOCK": clock}
    app = create_app(config)
    kitchen = Device(url="", device_id="amzn1.ask.device.kitchen", app=app, clock=clock)
    with dynamo_server.start_dynamodb_server(port, data):
        create_table("restarted")
        kitchen.finish_quick_routine()
        kitchen.one_shot("StartRoutineIntent", routine="quick routine|quick")
        kitchen.intent("NextStepIntent")
    # The server process is gone.
    gone = kitchen.intent("NextStepIntent")
    assert gone.speech.endswith(NOT_SAVED) and not gone.ends_session
    assert kitchen.attributes["runner"]["unsaved"] is True
    with dynamo_server.start_dynamodb_server(port, data):  # a new process, the same data
        kitchen.intent("NextStepIntent")
        assert kitchen.attributes["runner"]["unsaved"] is False
        carried = RunnerState.from_json(carried_state(kitchen.attributes))
        store = open_store("dynamodb://restarted")
        try:
            saved = RunnerState.from_json(store.load(runner_key(kitchen.user_id)).state)
        finally:
            store.close()
        assert saved.total_completed() == 1  # the routine finished before the restart
        assert saved.progress == carried.progress  # and this session's place, saved since
        bedroom = Device(
            url="",
            user_id=kitchen.user_id,
            device_id="amzn1.ask.device.bedroom",
            app=app,
            clock=clock,
        )
        welcome = bedroom.launch()
        assert welcome.speech.startswith("Welcome back. You stopped at ")
        assert welcome.speech.endswith("Shall I pick up there?")
    app.extensions["footcoach"].store.close()

"""Load and crash: `footcoach serve` as a real process on a real SQLite file.

Several runners talk to it at once, each from its own thread, over loopback. Under sustained load
every answer is a valid response and every runner's stored progress is the last one confirmed.
The coach's clock runs fast (tests/fast_clock_serve.py: each turn comes after the previous answer
has played out), so runners finish whole routines. When the process is killed (SIGKILL) in the
middle of the load and started again, each runner's stored progress is a state that runner really
reached: one its answers carried, or the state of the turn in flight at the kill, recomputed here
with the real coach. Then every runner resumes.
"""

from __future__ import annotations

import http.client
import json
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from alexa_client import SKILL_ID, Answer, Echo, carried_state, get
from servers import ServiceProcess
from ssml_rules import check_ssml

from skill.alexa.runner import hashed_device
from skill.routine.catalog import Catalog
from skill.routine.engine import Coach, Reply
from skill.routine.plan import compile_plan
from skill.routine.state import HistoryEntry, RunnerState, after_turn
from skill.storage import open_store, runner_key

RUNNERS = 8
TURNS = 210  # per runner in the sustained load: 15 whole routines each
COACH = Coach(Catalog.builtin())
LAST_BLOCK = compile_plan(COACH.catalog.get("foot")).last

# What each command of the load does to a runner's state, as the service computes it at `now`.
Command = Callable[[RunnerState, float], Reply]
COMMANDS: dict[str, Command] = {
    "start": lambda state, now: COACH.start(state, "foot", now),
    "next": COACH.next,
}
INTENTS = {"start": "StartRoutineIntent", "next": "NextStepIntent"}


@dataclass
class Runner:
    """One runner's side of the load: every state the service confirmed, and the turn in flight."""

    echo: Echo
    confirmed: dict[int, dict[str, Any]] = field(default_factory=dict)  # version -> state
    last_state: dict[str, Any] = field(default_factory=dict)
    in_flight: tuple[str, dict[str, Any]] | None = None  # (command, state it started from)
    errors: list[str] = field(default_factory=list)
    turns: int = 0
    finished: int = 0  # runs the service ended

    @property
    def key(self) -> str:
        return runner_key(self.echo.user_id)

    def next_command(self) -> str:
        """Start the foot routine (again, once it is finished), else go on with it."""
        return "next" if self.last_state.get("progress") else "start"

    def turn(self) -> None:
        command = self.next_command()
        self.in_flight = (command, self.last_state)
        if command == "start":
            answer = self.echo.one_shot(INTENTS[command], routine="foot routine|foot")
        else:
            answer = self.echo.intent(INTENTS[command])
        self.record(command, answer)
        self.in_flight = None
        self.turns += 1

    def record(self, command: str, answer: Answer) -> None:
        problem = answer_problem(answer)
        if problem:
            self.errors.append(f"{command}: {problem}")
            return
        carried = answer.body["sessionAttributes"]["runner"]
        if carried["unsaved"]:
            self.errors.append(f"{command}: the service could not save")
        state = carried_state(answer.body["sessionAttributes"])
        self.confirmed[carried["version"]] = state
        if self.last_state.get("progress") and not state.get("progress"):
            self.finished += 1
        self.last_state = state


def answer_problem(answer: Answer) -> str | None:
    if answer.status != 200:
        return f"HTTP {answer.status}: {answer.body}"
    try:
        check_ssml(answer.ssml)
    except (AssertionError, ValueError, SyntaxError) as error:
        return f"bad SSML: {error}"
    if "something went wrong" in answer.speech or not answer.body.get("sessionAttributes"):
        return f"not a coaching answer: {answer.speech!r}"
    return None


def talk(runner: Runner, stop: threading.Event, max_turns: int) -> None:
    """The runner's thread: turns until told to stop, or the service goes away."""
    while not stop.is_set() and runner.turns < max_turns:
        try:
            runner.turn()
        except (OSError, http.client.HTTPException, json.JSONDecodeError) as error:
            runner.errors.append(f"connection: {error!r}")
            return


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ServiceProcess]:
    env = {
        "FOOTCOACH_STORE": f"sqlite:///{tmp_path / 'progress.db'}",
        "FOOTCOACH_VERIFY_SIGNATURES": "0",
        "FOOTCOACH_SKILL_ID": SKILL_ID,
        "FOOTCOACH_LOG_LEVEL": "WARNING",
    }
    # Each runner answers after the coach's previous answer has played out, as a device's runner
    # would: the service's coach runs on a fast clock (tests/fast_clock_serve.py), so every
    # "next" moves on a whole block and the runners finish routines.
    with ServiceProcess(env, fast_clock=True) as process:
        yield process


def start_load(
    runners: list[Runner], stop: threading.Event, max_turns: int
) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=talk, args=(runner, stop, max_turns), daemon=True)
        for runner in runners
    ]
    for thread in threads:
        thread.start()
    return threads


def test_sustained_load_gets_only_valid_answers_and_keeps_every_runner(
    service: ServiceProcess,
) -> None:
    runners = [Runner(Echo(service.url + "/alexa")) for _ in range(RUNNERS)]
    stop = threading.Event()
    started = time.monotonic()
    threads = start_load(runners, stop, max_turns=TURNS)
    for thread in threads:
        thread.join(timeout=30)
    stop.set()
    seconds = time.monotonic() - started
    assert [runner.errors for runner in runners] == [[]] * RUNNERS
    assert [runner.turns for runner in runners] == [TURNS] * RUNNERS
    assert seconds < 30
    store = open_store(service.env["FOOTCOACH_STORE"])
    try:
        for runner in runners:
            record = store.load(runner.key)
            assert record.version == max(runner.confirmed), "the last confirmed turn is stored"
            assert record.state == runner.last_state
            assert len(runner.confirmed) == TURNS, "every turn moved the runner and was saved"
            finished = len(RunnerState.from_json(record.state).history)
            assert finished == runner.finished >= 1, "each run completed is in the history"
    finally:
        store.close()
    assert get(service.url + "/healthz").body == {"status": "ok"}


def in_flight_result(runner: Runner, stored: dict[str, Any]) -> bool:
    """Whether `stored` is exactly what the turn in flight at the kill would have stored: the
    coach's reply at some moment, stamped (after_turn) at the moment the turn was saved."""
    if runner.in_flight is None:
        return False
    command, before = runner.in_flight
    progress = stored.get("progress") or {}
    history = stored.get("history") or []
    times = [progress.get(name) for name in ("served_at", "started_at", "updated_at")]
    times += [HistoryEntry.parse(entry).completed_at for entry in history]
    times += [at for _, at in stored.get("ended") or []]
    moments = {moment for moment in times if isinstance(moment, float)}
    earlier = RunnerState.from_json(before)
    for now in moments:
        reply = COMMANDS[command](earlier, now)
        for stamp in moments:
            stamped = after_turn(earlier, reply.state, stamp, hashed_device(runner.echo.device_id))
            if stamped.to_json() == stored:
                return True
    return False


def test_a_kill_in_the_middle_of_the_load_leaves_only_states_runners_reached(
    service: ServiceProcess,
) -> None:
    runners = [Runner(Echo(service.url + "/alexa")) for _ in range(RUNNERS)]
    stop = threading.Event()
    threads = start_load(runners, stop, max_turns=10_000)
    deadline = time.monotonic() + 20
    while min(runner.turns for runner in runners) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert min(runner.turns for runner in runners) >= 5, [runner.errors for runner in runners]
    time.sleep(0.3)  # well into the load
    service.kill(signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=15)
    stop.set()
    assert not any(thread.is_alive() for thread in threads)
    for runner in runners:
        assert runner.errors, "the kill cut every runner off"
        assert all(error.startswith("connection:") for error in runner.errors), runner.errors

    store = open_store(service.env["FOOTCOACH_STORE"])
    try:
        stored = {runner.key: store.load(runner.key) for runner in runners}
    finally:
        store.close()
    for runner in runners:
        record = stored[runner.key]
        last_confirmed = max(runner.confirmed)
        assert record.version in (last_confirmed, last_confirmed + 1), "no confirmed turn lost"
        if record.version == last_confirmed:
            assert record.state == runner.confirmed[last_confirmed]
        else:
            assert in_flight_result(runner, record.state), "neither confirmed nor in flight"
        if runner.in_flight is not None:  # the check above tells states apart
            assert not in_flight_result(runner, runner.confirmed[last_confirmed])

    service.start()
    for runner in runners:
        record = stored[runner.key]
        progress = record.state["progress"]
        # The same Echo, after the restart (another device would go on as a run of its own).
        echo = Echo(
            service.url + "/alexa", user_id=runner.echo.user_id, device_id=runner.echo.device_id
        )
        welcome = echo.launch()
        assert welcome.status == 200
        went_on = echo.intent("AMAZON.YesIntent")
        assert answer_problem(went_on) is None
        resumed = went_on.body["sessionAttributes"]["runner"]
        # A welcome that cuts a playing block short saves the place it names (once).
        welcomed = welcome.body["sessionAttributes"]["runner"]["version"]
        assert welcomed in (record.version, record.version + 1)
        assert resumed["version"] == welcomed + 1, "went on from the stored state"
        resumed_state = carried_state(went_on.body["sessionAttributes"])
        history = resumed_state["history"]
        if progress is None:  # the kill came just as a routine was finished
            assert welcome.speech.startswith("Welcome back. You've finished"), welcome.speech
            assert resumed_state["progress"]["block"] == 0
            assert history == record.state["history"]
        elif played_out(record.state):
            # The run's last work was served before the kill and has played out since (the
            # coach's clock runs fast): it is finished, and recorded once, on this launch.
            assert welcome.speech.startswith("Welcome back. You've finished"), welcome.speech
            assert resumed_state["progress"]["block"] == 0
            assert history[:-1] == record.state["history"]
            assert HistoryEntry.parse(history[-1]).id == progress["run"]
        else:
            assert welcome.speech.startswith("Welcome back. You stopped at"), welcome.speech
            assert resumed_state["progress"]["run"] == progress["run"], "the same run"
            assert resumed_state["progress"]["block"] >= progress["block"]
            assert history == record.state["history"]


def played_out(stored: dict[str, Any]) -> bool:
    """Whether the stored run's last work has been served, and so has played out by now (a
    day later on the service's fast clock)."""
    state = RunnerState.from_json(stored)
    assert state.progress is not None
    served = state.progress.served_at or state.progress.updated_at
    here = COACH.here(state, served + 86_400.0)
    return here is not None and COACH.finished(here)

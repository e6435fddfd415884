"""A turn takes back the runner state its process wrote the turn before (WrittenStates) only
when the carried document is the one written, for the same runner; anything else is read and
checked as before. (tests/conftest.py also compares every recalled state with a full read.)"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alexa_client import Echo, carried_state, with_carried_state
from device.echo import FakeClock
from flask import Flask
from servers import serve_in_thread

import skill.alexa.skill as skill_module
from skill.alexa import runner
from skill.alexa.runner import WrittenStates
from skill.app import create_app
from skill.routine.state import HistoryEntry, Progress, RunnerState
from skill.storage.records import RunnerRecord, runner_key

START = 1_767_000_000.0


class Service:
    """The app on a loopback socket, with its WrittenStates and store at hand."""

    def __init__(self, app: Flask, url: str, written: WrittenStates, clock: FakeClock) -> None:
        self.app, self.url, self.written, self.clock = app, url, written, clock

    @property
    def store(self) -> Any:
        return self.app.extensions["footcoach"].store

    def echo(self, **ids: Any) -> Echo:
        return Echo(self.url, advance=self.clock.advance, **ids)


def service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, size: int = 2048
) -> Iterator[Service]:
    made: list[WrittenStates] = []

    def written() -> WrittenStates:
        made.append(WrittenStates(size))
        return made[-1]

    monkeypatch.setattr(skill_module, "WrittenStates", written)
    clock = FakeClock(START)
    app = create_app(
        {
            "STORE_URL": f"sqlite:///{tmp_path / (name + '.db')}",
            "VERIFY_SIGNATURES": False,
            "SKILL_ID": None,
            "CLOCK": clock,
        }
    )
    monkeypatch.undo()
    assert len(made) == 1
    with serve_in_thread(app) as url:
        yield Service(app, f"{url}/alexa", made[0], clock)
    app.extensions["footcoach"].store.close()


@pytest.fixture
def skill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    yield from service(tmp_path, monkeypatch, "skill")


@pytest.fixture
def forgetful(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    """The same skill remembering nothing: every turn reads its carried document."""
    yield from service(tmp_path, monkeypatch, "forgetful", size=0)


def conversation(echo: Echo) -> list[tuple[str, dict[str, Any]]]:
    """A first visit and a return visit: speech and session attributes of every answer."""
    answers = [echo.launch(), echo.intent("StartRoutineIntent", routine="foot routine|foot")]
    for _ in range(3):
        answers.append(echo.intent("NextStepIntent"))
    answers += [echo.intent("RepsLeftIntent"), echo.intent("AMAZON.PauseIntent")]
    answers += [echo.intent("AMAZON.RepeatIntent"), echo.intent("AMAZON.StopIntent")]
    answers += [echo.launch(), echo.intent("AMAZON.ResumeIntent")]
    for _ in range(40):
        answers.append(echo.intent("NextStepIntent"))
        if answers[-1].ends_session:
            break
    answers += [echo.one_shot("ProgressReportIntent"), echo.launch(), echo.intent("TimeLeftIntent")]
    assert all(answer.status == 200 for answer in answers)
    return [(answer.speech, answer.body.get("sessionAttributes") or {}) for answer in answers]


def test_taking_states_back_answers_exactly_as_reading_every_document(
    skill: Service, forgetful: Service
) -> None:
    ids = {"user_id": "amzn1.ask.account.written", "device_id": "amzn1.ask.device.written"}
    remembered = conversation(skill.echo(**ids))
    read = conversation(forgetful.echo(**ids))
    assert remembered == read
    assert any("runner" in attributes for _, attributes in remembered)
    assert skill.written.recalled >= len(remembered) // 2, "most turns took their state back"
    assert forgetful.written.recalled == 0
    assert skill.store.reads == forgetful.store.reads
    assert skill.store.writes == forgetful.store.writes


def carried_turns(skill: Service) -> Echo:
    echo = skill.echo()
    echo.launch()
    echo.intent("StartRoutineIntent", routine="foot routine|foot")
    assert carried_state(echo.attributes)["progress"] is not None
    # (A turn that started a run is read back in full by the next turn: not only the progress
    # moved on. That next turn's state, the same run moved on, is taken back after it.)
    echo.intent("WhereAmIIntent")
    return echo


def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The documents the service reads from now on (RunnerState.from_json), production reads
    only (not the tests' check of every recalled state)."""
    reads: list[Any] = []
    from_json = RunnerState.from_json

    def counted(data: Any) -> RunnerState:
        reads.append(data)
        return from_json(data)

    monkeypatch.setattr(runner, "CHECK_RECALLED", False)
    monkeypatch.setattr(RunnerState, "from_json", staticmethod(counted))
    return reads


def test_a_changed_carried_state_is_read_and_checked_again(
    skill: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    echo = carried_turns(skill)
    reads = counted_reads(monkeypatch)
    before = skill.written.recalled
    echo.intent("RepsLeftIntent")
    assert (skill.written.recalled, reads) == (before + 1, []), "the written state came back"

    # The same runner state with one value changed (still a valid state): read, checked, used.
    echo.attributes = with_carried_state(
        echo.attributes, {**carried_state(echo.attributes), "welcomed": False}
    )
    echo.intent("WhereAmIIntent")
    assert skill.written.recalled == before + 1
    assert reads and reads[0]["welcomed"] is False

    # A state this service could not have written: the store is read instead.
    reads.clear()
    forged = [{"id": "run\x00", "routine": "foot", "completed_at": 1.0, "seconds": 60.0}]
    echo.attributes = with_carried_state(
        echo.attributes, {**carried_state(echo.attributes), "history": forged}
    )
    store_reads = skill.store.reads
    answer = echo.intent("WhereAmIIntent")
    assert answer.status == 200
    assert skill.written.recalled == before + 1
    assert skill.store.reads == store_reads + 1
    assert carried_state(answer.body["sessionAttributes"])["history"] == []


def test_a_session_start_takes_back_the_stored_state_its_process_wrote_last(
    skill: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    echo = carried_turns(skill)
    echo.intent("NextStepIntent")
    assert echo.intent("AMAZON.StopIntent").ends_session
    key = runner_key(echo.user_id)
    stored = skill.store.load(key)
    assert stored.read_from is not None and json.loads(stored.read_from) == stored.state
    reads = counted_reads(monkeypatch)
    before, store_reads = skill.written.recalled, skill.store.reads
    welcome = echo.launch()
    assert "Welcome back" in welcome.speech
    assert skill.store.reads == store_reads + 1, "a session start still reads the store"
    assert (skill.written.recalled, reads) == (before + 1, []), "what it holds came back"
    assert echo.intent("AMAZON.StopIntent").ends_session

    # Another writer (another process, another device) changed the stored record since: its
    # document is read, and what it says is what the runner hears.
    stored = skill.store.load(key)
    changed = {**stored.state, "preferences": {"pace": "slow", "set_at": START}}
    skill.store.save(RunnerRecord(key, changed, stored.version, stored.turn_at))
    before = skill.written.recalled
    echo.launch()
    assert skill.written.recalled == before
    assert reads and reads[0]["preferences"]["pace"] == "slow"
    assert carried_state(echo.attributes)["preferences"]["pace"] == "slow"


def test_another_runners_document_is_not_taken_back_for_this_runner(skill: Service) -> None:
    first = carried_turns(skill)
    second = carried_turns(skill)
    before = skill.written.recalled
    second.attributes = copy.deepcopy(first.attributes)
    assert second.intent("RepsLeftIntent").status == 200
    assert skill.written.recalled == before


def plain_state(block: int = 1) -> RunnerState:
    progress = Progress("foot", block, 0, None, 0.0, "foot-1", 10.0, "plan", "calf-raise")
    entry = HistoryEntry("foot-0", "foot", 5.0, 60.0, done=("calf-raise",))
    return RunnerState(progress=progress, history=(entry,), welcomed=True)


def test_written_states_are_bounded_and_recalled_only_for_the_same_document() -> None:
    written = WrittenStates(size=2)
    state = plain_state()
    encoded = state.encode()
    written.remember("a", encoded, state)
    assert written.recall("b", encoded.text) is None
    assert written.recall("a", plain_state(block=2).encode().text) is None
    assert written.recall("a", "".join(encoded.text)) == (encoded, state)
    written.remember("b", encoded, state)
    written.remember("a", encoded, state)  # a is now the most recently written
    written.remember("c", encoded, state)  # so b goes
    assert written.recall("b", encoded.text) is None
    assert written.recall("a", encoded.text) is not None
    assert written.recall("c", encoded.text) is not None
    assert written.recalled == 3


def test_the_tests_catch_a_recalled_state_that_differs_from_its_document() -> None:
    assert runner.CHECK_RECALLED
    written = WrittenStates()
    encoded = plain_state().encode()
    written.remember("a", encoded, plain_state(block=2))
    seen = len(runner.RECALL_MISMATCHES)
    try:
        assert written.recall("a", encoded.text) is None
        assert len(runner.RECALL_MISMATCHES) == seen + 1
    finally:
        del runner.RECALL_MISMATCHES[seen:]

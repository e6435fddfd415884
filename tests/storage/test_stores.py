"""Behaviour both progress stores share, run against a real SQLite file and a real
DynamoDB-protocol server on loopback (the `store` fixture is parametrised over both)."""

from __future__ import annotations

import copy
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest

from skill.routine.state import HISTORY_KEPT, HistoryEntry, Preferences, Progress, RunnerState
from skill.storage import (
    ProgressStore,
    RunnerRecord,
    StoreConflict,
    StoreUnavailable,
    runner_key,
)
from skill.storage.sqlite import SQLiteStore

# Every kind of JSON value the engine may store, with the numbers floats get wrong easily.
# (An integral float such as 2.0 would come back from DynamoDB as the int 2: equal, other type.)
EVERY_KIND_OF_VALUE: dict[str, Any] = {
    "progress": {
        "routine": "foot",
        "block": 3,
        "served_at": 1732525200.123456,
        "ratio": 0.1,
        "sum_of_tenths": 0.1 + 0.2,
        "tiny": 1e-7,
        "negative": -2.5,
        "third": 1 / 3,
        "zero": 0,
        "negative_int": -17,
        "big": 2**100,
        "max_digits": 10**38 - 1,
        "round_but_huge": 10**50,
        "flag": True,
        "off": False,
        "nothing": None,
        "empty": "",
        "empty_map": {},
        "empty_list": [],
        "nested": [[1, [2.5, {"deep": [[], {}, ""]}]], {"a": {"b": {"c": [None, True]}}}],
        "unicode": "café ✓ 足",
    },
    "preferences": {},
    "history": [],
}


def _key(name: str = "runner") -> str:
    return runner_key(f"amzn1.ask.account.{name}")


def _entry(entry_id: str, completed_at: float) -> dict[str, Any]:
    return {"id": entry_id, "completed_at": completed_at, "routine": "foot"}


def _assert_same_json(actual: Any, expected: Any) -> None:
    """Equal, and floats stay floats (an int may only come back where an int went in)."""
    assert actual == expected
    if isinstance(expected, float):
        assert isinstance(actual, float), (actual, expected)
    elif isinstance(expected, bool | int):
        assert type(actual) is type(expected), (actual, expected)
    elif isinstance(expected, dict):
        for name, value in expected.items():
            _assert_same_json(actual[name], value)
    elif isinstance(expected, list):
        for got, wanted in zip(actual, expected, strict=True):
            _assert_same_json(got, wanted)


def test_a_new_runner_loads_as_an_empty_record(store: ProgressStore) -> None:
    assert store.load(_key("new")) == RunnerRecord(_key("new"), {}, 0, 0.0)


def test_save_then_load_round_trips_every_kind_of_value(store: ProgressStore) -> None:
    record = RunnerRecord(_key(), copy.deepcopy(EVERY_KIND_OF_VALUE), 0, 1732525200.25)

    saved = store.save(record)
    loaded = store.load(_key())

    assert saved == RunnerRecord(_key(), EVERY_KIND_OF_VALUE, 1, 1732525200.25)
    assert loaded.version == 1
    assert loaded.turn_at == 1732525200.25
    _assert_same_json(loaded.state, EVERY_KIND_OF_VALUE)


def test_each_save_increments_the_version(store: ProgressStore) -> None:
    record = store.load(_key())
    for expected_version in (1, 2, 3):
        record.state = {"progress": {"block": expected_version}, "preferences": {}, "history": []}
        record.turn_at = 1000.0 + expected_version
        record = store.save(record)
        assert record.version == expected_version
    assert store.load(_key()).version == 3
    assert store.load(_key()).state["progress"] == {"block": 3}


def test_runners_are_stored_apart(store: ProgressStore) -> None:
    store.save(RunnerRecord(_key("ann"), {"progress": {"block": 1}}, 0, 10.0))
    store.save(RunnerRecord(_key("bob"), {"progress": {"block": 2}}, 0, 10.0))

    assert store.load(_key("ann")).state == {"progress": {"block": 1}}
    assert store.load(_key("bob")).state == {"progress": {"block": 2}}


def _progress(run: str, block: int, updated_at: float) -> Progress:
    return Progress("foot", block, 0, None, 0.0, run, 1.0, "", "toe_spread", (), updated_at)


def _doc(
    progress: Progress | None = None,
    history: tuple[HistoryEntry, ...] = (),
    preferences: Preferences | None = None,
) -> dict[str, Any]:
    state = RunnerState(progress, preferences or Preferences(), welcomed=True)
    for entry in history:
        state = state.with_completion(entry)
    return state.to_json()


def _done(run: str, at: float) -> HistoryEntry:
    return HistoryEntry(run, "foot", at, 600.0)


@pytest.mark.parametrize("already_stored", [False, True], ids=["first-write", "existing-runner"])
def test_two_devices_interleaved_keep_both_histories_runs_and_the_later_pace(
    store: ProgressStore, already_stored: bool
) -> None:
    key = _key("household")
    if already_stored:
        store.save(RunnerRecord(key, _doc(), 0, 50.0))
    device_a = store.load(key)
    device_b = store.load(key)

    device_b.state = _doc(history=(_done("routine-b", 100.0),))
    device_b.turn_at = 100.0
    store.save(device_b)
    device_a.state = _doc(_progress("run-a", 7, 101.0), preferences=Preferences("slow", 101.0))
    device_a.turn_at = 101.0
    saved_a = store.save(device_a)

    stored = store.load(key)
    assert stored == saved_a
    state = RunnerState.from_json(stored.state)
    assert state.progress == _progress("run-a", 7, 101.0)
    assert state.preferences == Preferences("slow", 101.0)
    assert state.history == (_done("routine-b", 100.0),)
    assert stored.version == (3 if already_stored else 2)
    assert stored.turn_at == 101.0


def test_a_losing_writer_keeps_its_run_and_the_other_devices_run(store: ProgressStore) -> None:
    key = _key("household")
    device_a = store.load(key)
    device_b = store.load(key)
    device_b.state = _doc(_progress("run-b", 9, 300.0), (_done("b", 300.0),))
    device_b.turn_at = 300.0
    store.save(device_b)

    device_a.state = _doc(_progress("run-a", 2, 200.0), (_done("a", 200.0),))
    device_a.turn_at = 200.0
    saved = store.save(device_a)

    mine = RunnerState.from_json(saved.state)
    assert mine.progress == _progress("run-a", 2, 200.0), "the writer stays on its own run"
    assert mine.runs == (_progress("run-b", 9, 300.0),)
    assert [entry.id for entry in mine.history] == ["a", "b"]
    stored = store.load(key)
    assert stored.turn_at == 300.0
    # A session starting now resumes the most recently active run.
    assert RunnerState.from_json(stored.state).latest().progress == _progress("run-b", 9, 300.0)


def test_older_state_never_overwrites_newer_even_with_the_current_version(
    store: ProgressStore,
) -> None:
    key = _key()
    newer = store.save(RunnerRecord(key, _doc(_progress("r", 9, 200.0)), 0, 200.0))

    # Same version as stored, but from an earlier turn (e.g. a save retried late).
    stale = RunnerRecord(key, _doc(_progress("r", 3, 100.0)), newer.version, 100.0)
    store.save(stale)

    stored = store.load(key)
    assert RunnerState.from_json(stored.state).latest().progress == _progress("r", 9, 200.0)
    assert stored.turn_at == 200.0


def test_many_concurrent_writers_lose_no_completion_and_count_none_twice(
    store: ProgressStore,
) -> None:
    # Over HTTP to an emulator every round trip costs milliseconds (and grows with the item):
    # fewer turns per writer there keep the test quick with the same contention.
    writers, saves_each = (8, 20) if isinstance(store, SQLiteStore) else (8, 14)
    key = _key("busy-household")
    start = threading.Barrier(writers)
    conflicts = []

    def write(writer: int) -> None:
        record = store.load(key)  # like a session start: one read, then a save per turn
        start.wait()
        for turn in range(saves_each):
            state = RunnerState.from_json(record.state).with_completion(
                HistoryEntry(f"w{writer}-t{turn}", "foot", float(turn * writers + writer), 60.0)
            )
            state = replace(state, progress=_progress(f"w{writer}", turn, time.time()))
            record = RunnerRecord(key, state.to_json(), record.version, time.time())
            while True:
                try:
                    record = store.save(record)
                    break
                except StoreConflict:  # the bounded retries ran out: the caller may try again
                    conflicts.append(writer)

    with ThreadPoolExecutor(max_workers=writers) as pool:
        for outcome in [pool.submit(write, writer) for writer in range(writers)]:
            outcome.result()

    stored = RunnerState.from_json(store.load(key).state)
    assert stored.total_completed() == writers * saves_each  # every completion, none twice
    assert len(stored.history) == HISTORY_KEPT
    expected = {f"w{w}-t{t}" for w in range(writers) for t in range(saves_each)}
    assert stored.known_runs() <= expected
    assert store.load(key).version == writers * saves_each  # one successful write per turn
    assert len(conflicts) < writers * saves_each
    # Every writer's run is still there, on its last turn.
    runs = {p.run: p.block for p in (stored.progress, *stored.runs) if p is not None}
    assert runs == {f"w{w}": saves_each - 1 for w in range(writers)}


def test_counters_count_real_round_trips(store: ProgressStore) -> None:
    reads, writes = store.reads, store.writes
    record = store.load(_key())
    store.save(RunnerRecord(_key(), {"progress": None}, record.version, 1.0))

    assert (store.reads - reads, store.writes - writes) == (1, 1)


def test_ping_answers_while_the_store_is_up(store: ProgressStore) -> None:
    store.ping()  # raises StoreUnavailable otherwise
    assert store.load(_key("ping")).version == 0  # and ping wrote nothing a runner could see


def test_a_rejected_state_leaves_the_stored_record_untouched(store: ProgressStore) -> None:
    key = _key()
    saved = store.save(RunnerRecord(key, {"progress": {"block": 1}}, 0, 1.0))

    with pytest.raises(ValueError):
        store.save(RunnerRecord(key, {"progress": {"block": float("nan")}}, saved.version, 2.0))

    assert store.load(key) == saved


def test_a_closed_store_refuses_work(store: ProgressStore) -> None:
    store.close()
    for use in (lambda: store.load(_key()), store.ping):
        with pytest.raises(StoreUnavailable, match="closed"):
            use()
    with pytest.raises(StoreUnavailable, match="closed"):
        store.save(RunnerRecord(_key(), {}, 0, 1.0))

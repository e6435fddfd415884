"""SQLite-only behaviour: the file itself, bad paths, several processes on one file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from skill.routine.state import RunnerState
from skill.storage import RunnerRecord, StoreConfigError, StoreUnavailable, runner_key
from skill.storage.sqlite import SQLiteStore

KEY = runner_key("amzn1.ask.account.sqlite")


def test_the_parent_folder_is_created_and_the_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "progress.db"
    store = SQLiteStore(path)
    try:
        store.save(RunnerRecord(KEY, {"progress": {"block": 1}}, 0, 1.0))
    finally:
        store.close()

    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        rows = connection.execute("SELECT key, version, state FROM runners").fetchall()
    connection.close()
    assert rows == [(KEY, 1, json.dumps({"progress": {"block": 1}}, separators=(",", ":")))]


def test_progress_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    first = SQLiteStore(path)
    saved = first.save(RunnerRecord(KEY, {"progress": {"block": 4}}, 0, 1.0))
    first.close()

    second = SQLiteStore(path)
    try:
        assert second.load(KEY) == saved
    finally:
        second.close()


def test_only_the_hashed_key_reaches_the_file(tmp_path: Path) -> None:
    raw_user_id = "amzn1.ask.account.RAW-ID-MUST-NOT-BE-STORED"
    store = SQLiteStore(tmp_path / "progress.db")
    try:
        store.save(RunnerRecord(runner_key(raw_user_id), {"progress": None}, 0, 1.0))
    finally:
        store.close()

    for stored_file in tmp_path.iterdir():
        assert raw_user_id.encode() not in stored_file.read_bytes()


@pytest.mark.parametrize(
    "make_bad_path",
    [
        pytest.param(lambda tmp: tmp / "a-file" / "progress.db", id="parent-is-a-file"),
        pytest.param(lambda tmp: tmp, id="path-is-a-folder"),
        pytest.param(lambda tmp: tmp / "garbage.db", id="not-a-database"),
    ],
)
def test_a_path_that_cannot_be_opened_is_a_clear_config_error(
    tmp_path: Path, make_bad_path: Callable[[Path], Path]
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "garbage.db").write_bytes(b"this is not an SQLite database, just text\n" * 100)
    bad_path = make_bad_path(tmp_path)

    with pytest.raises(StoreConfigError, match="cannot open the SQLite progress store at") as error:
        SQLiteStore(bad_path)
    assert str(bad_path) in str(error.value)


def test_a_write_blocked_past_the_busy_timeout_is_unavailable_not_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.db"
    store = SQLiteStore(path)
    saved = store.save(RunnerRecord(KEY, {"progress": {"block": 1}}, 0, 1.0))
    monkeypatch.setattr("skill.storage.sqlite.BUSY_TIMEOUT_S", 0.1)
    store.close()
    store = SQLiteStore(path)  # its new connections wait 0.1 s for a lock
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
        with pytest.raises(StoreUnavailable, match="locked"):
            store.save(RunnerRecord(KEY, {"progress": {"block": 2}}, saved.version, 2.0))
        assert store.load(KEY) == saved  # readers go on meanwhile (WAL)
        blocker.execute("ROLLBACK")
        assert store.save(RunnerRecord(KEY, {"progress": {"block": 2}}, 1, 2.0)).version == 2
    finally:
        blocker.close()
        store.close()


_WRITER = textwrap.dedent(
    """
    import sys, time
    from skill.routine.state import HistoryEntry, RunnerState
    from skill.storage.records import RunnerRecord
    from skill.storage.sqlite import SQLiteStore

    path, key, name, turns = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = SQLiteStore(path)
    record = store.load(key)
    for turn in range(turns):
        state = RunnerState.from_json(record.state).with_completion(
            HistoryEntry(f"{name}-{turn}", "foot", time.time(), 60.0)
        )
        record = store.save(RunnerRecord(key, state.to_json(), record.version, time.time()))
    store.close()
    """
)


def test_several_processes_on_one_file_lose_no_history_entry(tmp_path: Path) -> None:
    path, processes, turns = tmp_path / "progress.db", 3, 25
    SQLiteStore(path).close()  # the schema exists before the race starts
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), KEY, f"p{number}", str(turns)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for number in range(processes)
    ]
    for writer in writers:
        output, _ = writer.communicate(timeout=60)
        assert writer.returncode == 0, output.decode()

    store = SQLiteStore(path)
    try:
        stored = store.load(KEY)
    finally:
        store.close()
    state = RunnerState.from_json(stored.state)
    assert state.total_completed() == processes * turns
    ids = sorted(state.known_runs())
    assert ids == sorted(
        f"p{number}-{turn}" for number in range(processes) for turn in range(turns)
    )
    assert stored.version == processes * turns

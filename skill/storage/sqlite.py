"""The embedded progress store: one SQLite file, safe under threads and processes.

A save is first one conditional statement (atomic by itself). When it loses (another thread,
process or device wrote first), a ``BEGIN IMMEDIATE`` transaction does the reload and merge
under SQLite's write lock, so a save never gives up and never leaves a partial write. WAL mode
lets readers go on while one writer holds the lock.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from skill.storage.records import (
    RunnerRecord,
    StoreConfigError,
    StoreConflict,
    StoreUnavailable,
    encode_state,
    merge,
    record_text,
)

BUSY_TIMEOUT_S = 5.0  # how long a write waits for another writer's lock: inside Alexa's 8 s

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runners (
    key TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL,
    turn_at REAL NOT NULL,
    state TEXT NOT NULL
)
"""
_SELECT = "SELECT version, turn_at, state FROM runners WHERE key = ?"
_INSERT_IF_ABSENT = (
    "INSERT INTO runners (key, version, turn_at, state) VALUES (?, 1, ?, ?) "
    "ON CONFLICT (key) DO NOTHING"
)
# The turn_at guard makes a stale record lose the race even when its version matches.
_UPDATE_IF_CURRENT = (
    "UPDATE runners SET version = version + 1, turn_at = ?, state = ? "
    "WHERE key = ? AND version = ? AND turn_at <= ?"
)


class SQLiteStore:
    """Progress in one SQLite file (the parent folder is created)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self.reads = 0
        self.writes = 0
        self._count_lock = threading.Lock()
        # Threads of one process queue here rather than in SQLite's busy handler, which sleeps
        # in steps of milliseconds and made the slowest turns several times slower (bench/).
        self._write_lock = threading.Lock()
        self._pool = _ConnectionPool(self._connect)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._pool.connection() as connection:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            self._pool.close()
            raise StoreConfigError(
                f"cannot open the SQLite progress store at {self.path}: {exc}"
            ) from exc

    def load(self, key: str) -> RunnerRecord:
        self._count("reads")
        try:
            with self._pool.connection() as connection:
                return _select(connection, key)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc

    def save(self, record: RunnerRecord) -> RunnerRecord:
        state_json = record_text(record)
        self._count("writes")
        if not self._write_lock.acquire(timeout=BUSY_TIMEOUT_S):
            raise StoreUnavailable(f"SQLite store {self.path}: another write took too long")
        try:
            with self._pool.connection() as connection:
                # The usual case is one conditional statement, atomic on its own (autocommit).
                if _write_if_current(connection, record, state_json):
                    return RunnerRecord(
                        record.key, record.state, record.version + 1, record.turn_at
                    )
            with self._pool.connection() as connection, _write_transaction(connection):
                if _write_if_current(connection, record, state_json):
                    return RunnerRecord(
                        record.key, record.state, record.version + 1, record.turn_at
                    )
                # Lost the race: we hold the write lock now, so what we read stays current.
                self._count("reads")
                merged = merge(_select(connection, record.key), record)
                if not _write_if_current(connection, merged, _to_json(merged.state)):
                    raise StoreConflict(f"SQLite store {self.path}: a locked row changed")
                return RunnerRecord(merged.key, merged.state, merged.version + 1, merged.turn_at)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc
        finally:
            self._write_lock.release()

    def ping(self) -> None:
        try:
            with self._pool.connection() as connection:
                connection.execute("SELECT 1 FROM runners LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc

    def close(self) -> None:
        self._pool.close()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,  # transactions are explicit (BEGIN IMMEDIATE ... COMMIT)
            check_same_thread=False,  # pooled: used by one thread at a time, not always the same
        )
        # NORMAL is safe in WAL mode: a crash (even SIGKILL) never corrupts or tears a commit.
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    def _count(self, counter: str) -> None:
        with self._count_lock:
            setattr(self, counter, getattr(self, counter) + 1)


def _select(connection: sqlite3.Connection, key: str) -> RunnerRecord:
    row = connection.execute(_SELECT, (key,)).fetchone()
    if row is None:
        return RunnerRecord(key, {}, 0, 0.0)
    version, turn_at, state_json = row
    try:
        state = json.loads(state_json)
    except (TypeError, ValueError, RecursionError):
        state = None
    # A row this service could not have written holds nothing usable: the runner starts
    # fresh, and the next save (conditional on this version) replaces it.
    if not isinstance(state, dict):
        return RunnerRecord(key, {}, int(version), float(turn_at))
    return RunnerRecord(key, state, int(version), float(turn_at), read_from=state_json)


def _write_if_current(connection: sqlite3.Connection, record: RunnerRecord, state: str) -> bool:
    if record.version == 0:
        cursor = connection.execute(_INSERT_IF_ABSENT, (record.key, record.turn_at, state))
    else:
        cursor = connection.execute(
            _UPDATE_IF_CURRENT,
            (record.turn_at, state, record.key, record.version, record.turn_at),
        )
    return cursor.rowcount == 1


@contextmanager
def _write_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _to_json(state: dict[str, Any]) -> str:
    # NaN and infinities are not JSON (DynamoDB could not store them either), and nothing
    # larger than a store can load back is written.
    return encode_state(state)


class _ConnectionPool:
    """Idle connections handed to one thread at a time.

    A thread-per-request server (Flask's dev server) would leak one connection per request
    with thread-local connections; a pool keeps as many as there are concurrent requests.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._pid = os.getpid()

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise StoreUnavailable("the SQLite store is closed")
            if self._pid != os.getpid():
                # A forked child must not use its parent's connections: abandon them.
                self._idle, self._pid = [], os.getpid()
            connection = self._idle.pop() if self._idle else None
        if connection is None:
            connection = self._connect()
        try:
            yield connection
        finally:
            with self._lock:
                keep = not self._closed and self._pid == os.getpid()
                if keep:
                    self._idle.append(connection)
            if not keep:
                connection.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

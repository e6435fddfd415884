"""The contract every progress store keeps: the record, its key, the merge rule, the errors.

The session engine owns what a runner's state *means*; a store treats it as one JSON document
shaped like ``{"progress": {...} | None, "preferences": {...}, "history": [{"id": ..., ...}]}``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Protocol

HISTORY = "history"


@dataclass
class RunnerRecord:
    """One runner's stored state and the bookkeeping optimistic concurrency needs."""

    key: str  # already-hashed runner key (see runner_key)
    state: dict[str, Any]  # the JSON document ({} when the runner is new)
    version: int = 0  # 0 = never stored
    turn_at: float = 0.0  # epoch seconds of the turn that produced this state


class StoreError(Exception):
    """Base class of every error a progress store raises."""


class StoreUnavailable(StoreError):
    """The backend could not be reached or did not answer in time (the turn can go on)."""


class StoreConflict(StoreError):
    """Other writers kept winning: the write was not stored after the bounded retries."""


class StoreConfigError(StoreError):
    """The store is configured wrongly (bad URL, path, region, credentials, table)."""


class ProgressStore(Protocol):
    """What the web service, the CLI and the benchmarks need from a store."""

    reads: int  # real round trips to the backend that read a record
    writes: int  # real round trips to the backend that wrote (or tried to write) a record

    def load(self, key: str) -> RunnerRecord:
        """Strongly consistent read; a new runner is RunnerRecord(key, {}, 0, 0.0)."""
        ...

    def save(self, record: RunnerRecord) -> RunnerRecord:
        """Write conditionally on record.version; merge and retry on conflict.

        Returns the record as stored (version + 1). Older state never overwrites newer.
        """
        ...

    def ping(self) -> None:
        """Raise StoreUnavailable unless the backend answers."""
        ...

    def close(self) -> None:
        """Release connections; the store must not be used afterwards."""
        ...


def runner_key(user_id: str, person_id: str | None = None) -> str:
    """The hashed key a runner's progress is stored under (never the raw Alexa id).

    A recognised speaker (person id) gets their own progress; otherwise the account's user id
    is the runner. The two id kinds are domain-separated so they can never collide.
    """
    if person_id:
        material = "person:" + person_id
    elif user_id:
        material = "user:" + user_id
    else:
        raise ValueError("a runner needs a user id or a person id")
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def merge(stored: RunnerRecord, mine: RunnerRecord) -> RunnerRecord:
    """Combine a record that lost a write race with the one that won.

    History is the union of both (by entry id, sorted by completion time), so no completed
    routine is ever lost. Every other key comes from the record of the later turn (a tie goes
    to ``mine``); a key only the earlier record has is kept. The result carries the stored
    version, so it can be written conditionally on it.
    """
    if stored.key != mine.key:
        raise ValueError("cannot merge the records of two different runners")
    newer, older = (stored, mine) if stored.turn_at > mine.turn_at else (mine, stored)
    state: dict[str, Any] = {}
    for source in (older, newer):
        for name, value in source.state.items():
            if name != HISTORY:
                state[name] = copy.deepcopy(value)
    if HISTORY in stored.state or HISTORY in mine.state:
        state[HISTORY] = _union_history(
            older.state.get(HISTORY) or [], newer.state.get(HISTORY) or []
        )
    return RunnerRecord(
        key=stored.key,
        state=state,
        version=stored.version,
        turn_at=max(stored.turn_at, mine.turn_at),
    )


def _union_history(older: list[Any], newer: list[Any]) -> list[Any]:
    by_identity: dict[str, Any] = {}
    for entry in [*older, *newer]:  # the newer record's copy of an entry wins
        by_identity[_entry_identity(entry)] = entry
    # Ties in completion time are ordered by identity, so the result never depends on
    # which device happened to write first.
    ordered = sorted(by_identity.items(), key=lambda item: (_completed_at(item[1]), item[0]))
    return [copy.deepcopy(entry) for _, entry in ordered]


def _entry_identity(entry: Any) -> str:
    identity = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(identity, str):
        return "id:" + identity
    # An entry without an id can only be recognised by its whole content.
    return "content:" + json.dumps(entry, sort_keys=True, default=str)


def _completed_at(entry: Any) -> float:
    value = entry.get("completed_at") if isinstance(entry, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return 0.0

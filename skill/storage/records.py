"""The contract every progress store keeps: the record, its key, the merge rule, the errors.

A store keeps one JSON document per runner and writes it conditionally on its version; what
the document *means* (and so how two of them merge) belongs to skill.routine.state.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from skill.routine.state import MAX_STATE_BYTES, RunnerState, join

# What a store accepts: the state as the service writes it (at most MAX_STATE_BYTES) with room
# for what older versions wrote; far below DynamoDB's 400 KB item and SQLite's limits.
MAX_RECORD_BYTES = 4 * MAX_STATE_BYTES


@dataclass
class RunnerRecord:
    """One runner's stored state and the bookkeeping optimistic concurrency needs."""

    key: str  # already-hashed runner key (see runner_key)
    state: dict[str, Any]  # the JSON document ({} when the runner is new)
    version: int = 0  # 0 = never stored
    turn_at: float = 0.0  # epoch seconds of the turn that produced this state
    # ``state`` as compact JSON (RunnerState.encode's text), when the writer already has it:
    # a store then writes it without serialising the state again.
    encoded: str | None = field(default=None, compare=False, repr=False)
    # The text a store read ``state`` from, when it keeps the state as text (SQLite): a turn
    # compares it with the text its process wrote (WrittenStates). Never written back, since
    # ``state`` may be changed after the read.
    read_from: str | None = field(default=None, compare=False, repr=False)


class StoreError(Exception):
    """Base class of every error a progress store raises."""


class StoreUnavailable(StoreError):
    """The backend could not be reached or did not answer in time (the turn can go on)."""


class StoreConflict(StoreError):
    """Other writers kept winning: the write was not stored after the bounded retries."""


class RejectedState(StoreError, ValueError):
    """The state cannot be stored: it is not JSON, or larger than MAX_RECORD_BYTES."""


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


@functools.lru_cache(maxsize=4096)  # the same few runners ask turn after turn
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
    return hashlib.sha256(material.encode("utf-8")).hexdigest()  # pragma: no mutate


def merge(stored: RunnerRecord, mine: RunnerRecord) -> RunnerRecord:
    """Combine a record that lost a write race with the one that won.

    Both documents are read as runner states (validated and bounded) and joined field by
    field (skill.routine.state.join): every completion is counted once by its run id, each
    run keeps its latest turn, the later chosen pace wins. The result is on the run ``mine``
    was on, and carries the stored version, so it can be written conditionally on it.
    """
    if stored.key != mine.key:
        raise ValueError("cannot merge the records of two different runners")
    ours = RunnerState.from_json(mine.state)
    focus = ours.progress.run if ours.progress is not None else None
    merged = join(RunnerState.from_json(stored.state), ours, focus=focus)
    return RunnerRecord(
        key=stored.key,
        state=merged.to_json(),
        version=stored.version,
        turn_at=max(stored.turn_at, mine.turn_at),
    )


def record_text(record: RunnerRecord) -> str:
    """The record's state as stored (see encode_state), reusing the writer's text if any."""
    text = record.encoded
    if text is None:
        return encode_state(record.state)
    if len(text.encode("utf-8")) > MAX_RECORD_BYTES:
        raise RejectedState(f"the runner's state is larger than {MAX_RECORD_BYTES} bytes")
    return text


def encode_state(state: dict[str, Any]) -> str:
    """The document as stored: compact JSON, refused (RejectedState) when it is not JSON or is
    larger than MAX_RECORD_BYTES, so a store never holds what it could not load."""
    try:
        text = json.dumps(
            state,
            separators=(",", ":"),
            ensure_ascii=False,  # pragma: no mutate (None is falsy too: the same call)
            allow_nan=False,
        )
    except (TypeError, ValueError, RecursionError) as error:
        raise RejectedState(f"the runner's state is not JSON: {type(error).__name__}") from error
    if len(text.encode("utf-8")) > MAX_RECORD_BYTES:  # pragma: no mutate (UTF-8 = utf-8)
        raise RejectedState(f"the runner's state is larger than {MAX_RECORD_BYTES} bytes")
    return text

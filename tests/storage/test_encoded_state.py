"""A turn serialises the runner's state once (RunnerState.encode): the carried document, the
stored text and the size bound all come from that one text."""

from __future__ import annotations

import json

import pytest

from skill.routine.state import (
    HISTORY_KEPT,
    MAX_STATE_BYTES,
    MAX_TEXT,
    HistoryEntry,
    Progress,
    RunnerState,
    encode_json,
)
from skill.storage import ProgressStore
from skill.storage.records import MAX_RECORD_BYTES, RejectedState, RunnerRecord, runner_key


def small_state() -> RunnerState:
    progress = Progress("foot", 2, 1, 100.5, 3.0, "foot-1", 10.0, "plan", "calf-raise")
    entry = HistoryEntry("foot-0", "foot", 5.0, 60.0, done=("calf-raise",), skipped=("marble",))
    return RunnerState(progress=progress, history=(entry,), welcomed=True)


def large_state() -> RunnerState:
    long = "x" * (MAX_TEXT - 4)
    state = RunnerState(welcomed=True)
    for n in range(HISTORY_KEPT + 20):
        entry = HistoryEntry(f"{long}{n:04d}", long, 1000.0 + n, 1.0, (long,) * 20, ())
        state = state.with_completion(entry)
    return state


def test_encoding_gives_the_document_and_its_stored_text_once() -> None:
    state = small_state()
    encoded = state.encode()
    assert encoded.whole
    assert encoded.document == state.to_json()
    assert encoded.text == encode_json(encoded.document)
    assert json.loads(encoded.text) == encoded.document
    assert RunnerState.from_json(encoded.document) == state


def test_a_state_too_large_is_encoded_shrunk_and_says_so() -> None:
    state = large_state()
    encoded = state.encode()
    assert not encoded.whole
    assert len(encoded.text.encode()) <= MAX_STATE_BYTES
    assert encoded.document == state.to_json() == state.shrunk()._document()
    assert RunnerState.from_json(encoded.document) != state


def test_a_store_writes_the_text_the_writer_already_has(store: ProgressStore) -> None:
    key = runner_key("amzn1.ask.account.encoded")
    encoded = small_state().encode()
    saved = store.save(RunnerRecord(key, encoded.document, 0, 1.0, encoded=encoded.text))
    assert saved.version == 1
    assert store.load(key).state == encoded.document
    assert saved == RunnerRecord(key, encoded.document, 1, 1.0), "the text is not compared"


def test_a_store_refuses_a_text_beyond_its_bound(store: ProgressStore) -> None:
    key = runner_key("amzn1.ask.account.too-big")
    text = json.dumps({"padding": "x" * MAX_RECORD_BYTES})
    with pytest.raises(RejectedState):
        store.save(RunnerRecord(key, {}, 0, 1.0, encoded=text))
    assert store.load(key).version == 0

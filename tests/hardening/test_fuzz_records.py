"""Fuzzed carried records (session attributes) and fuzzed store items, through the real app on
a real SQLite file: no exception escapes, no store write exceeds the bound, and what the store
held before is never lost. (Alexa's signature covers the carried attributes; these come from a
faulty or hostile client with verification off.)"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from skill.app import create_app
from skill.routine.state import MAX_STATE_BYTES, HistoryEntry, Preferences, RunnerState
from skill.storage import RunnerRecord, runner_key
from skill.storage.records import encode_state
from skill.storage.sqlite import SQLiteStore

STORED_VERSION = 7


class RecordingStore(SQLiteStore):
    """The SQLite store, noting the size of every state it is asked to write."""

    sizes: list[int]

    def save(self, record: RunnerRecord) -> RunnerRecord:
        self.sizes.append(len(encode_state(record.state).encode()))
        return super().save(record)


def stored_state() -> RunnerState:
    state = RunnerState(preferences=Preferences("slow", 5.0), welcomed=True)
    for n in range(3):
        state = state.with_completion(HistoryEntry(f"old-{n}", "foot", 1000.0 + n, 600.0))
    return state


def nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Lists and objects of what ``inner`` draws (a named function: hypothesis reads its source
    to check that it recurses, which fails for some lambdas)."""
    return st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=12), inner)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=70),
    nested,
    max_leaves=30,
)
state_keys = st.sampled_from(
    ["progress", "preferences", "history", "earlier", "floor", "summarised", "runs", "ended",
     "welcomed"]
)  # fmt: skip
fuzzed_states = st.one_of(
    json_values,
    st.dictionaries(state_keys, json_values, max_size=6),
    st.builds(  # a huge but well-formed history
        lambda n, text: {
            "history": [
                {"id": f"{text}{i}", "routine": "foot", "completed_at": float(i), "seconds": 1}
                for i in range(n)
            ]
        },
        st.integers(0, 2500),
        st.text(alphabet="ab", max_size=60),
    ),
)
carried_records = st.fixed_dictionaries(
    {
        "version": st.integers(0, 4) | json_values,
        "turn_at": st.floats(0, 2e9) | json_values,
        # As the service carries it (JSON text, maybe with NaN or deeply nested), or not.
        "state": fuzzed_states.map(lambda value: json.dumps(value, allow_nan=True))
        | st.builds(lambda depth: "[" * depth + "]" * depth, st.integers(900, 5000))
        | fuzzed_states,
        "unsaved": st.booleans() | json_values,
        "unknown": st.booleans() | json_values,
        "told": st.booleans(),
    }
)


def envelope(user: str, intent: str, carried: Any, new: bool = False) -> bytes:
    application = {"applicationId": "amzn1.ask.skill.fuzz"}
    return json.dumps(
        {
            "version": "1.0",
            "session": {
                "new": new,
                "sessionId": "amzn1.echo-api.session.fuzz",
                "application": application,
                "attributes": {"runner": carried},
                "user": {"userId": user},
            },
            "context": {"System": {"application": application, "user": {"userId": user}}},
            "request": {
                "type": "IntentRequest",
                "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "locale": "en-US",
                "intent": {"name": intent, "confirmationStatus": "NONE"},
            },
        },
        allow_nan=True,
    ).encode()


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    carried=carried_records,
    intent=st.sampled_from(["NextStepIntent", "StartRoutineIntent", "AMAZON.StopIntent"]),
)
def test_fuzzed_carried_records_never_crash_overflow_or_erase(
    tmp_path: Path, carried: dict[str, Any], intent: str
) -> None:
    assume(carried["version"] != STORED_VERSION)  # a forged current version is trusted
    store = RecordingStore(tmp_path / f"{uuid.uuid4().hex}.db")
    store.sizes = []
    user = f"amzn1.ask.account.{uuid.uuid4().hex}"
    key = runner_key(user)
    record = RunnerRecord(key, stored_state().to_json(), 0, 1.0)
    for turn in range(STORED_VERSION):
        record = store.save(RunnerRecord(key, record.state, record.version, 1.0 + turn))
    app = create_app({"STORE": store, "VERIFY_SIGNATURES": False, "SKILL_ID": None})

    answer = app.test_client().post("/alexa", data=envelope(user, intent, carried))

    # 413: a body over the service's limit is refused before anything is read.
    assert answer.status_code in (200, 400, 413), answer.get_data(as_text=True)
    assert all(size <= MAX_STATE_BYTES for size in store.sizes), store.sizes
    after = store.load(key)
    state = RunnerState.from_json(after.state)
    assert state.to_json() == after.state, "what is stored is a state this service wrote"
    assert {"old-0", "old-1", "old-2"} <= state.known_runs(), "nothing stored is lost"
    assert state.preferences.pace == "slow" or state.preferences.set_at > 5.0
    if answer.status_code == 200:
        carried_on = answer.get_json().get("sessionAttributes", {}).get("runner")
        if isinstance(carried_on, dict) and isinstance(carried_on.get("state"), str):
            assert len(carried_on["state"].encode()) <= MAX_STATE_BYTES
    store.close()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    raw=st.one_of(
        st.text(max_size=200),
        json_values.map(lambda value: json.dumps(value, allow_nan=True)),
        fuzzed_states.map(lambda value: json.dumps(value, allow_nan=True)),
        st.just("x" * 3_000_000),
    )
)
def test_fuzzed_store_items_load_to_a_bounded_state_and_the_skill_answers(
    tmp_path: Path, raw: str
) -> None:
    path = tmp_path / f"{uuid.uuid4().hex}.db"
    store = RecordingStore(path)
    store.sizes = []
    user = f"amzn1.ask.account.{uuid.uuid4().hex}"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO runners (key, version, turn_at, state) VALUES (?, 3, 5.0, ?)",
            (runner_key(user), raw),
        )
    app = create_app({"STORE": store, "VERIFY_SIGNATURES": False, "SKILL_ID": None})
    client = app.test_client()
    for intent in ("StartRoutineIntent", "NextStepIntent"):
        answer = client.post("/alexa", data=envelope(user, intent, None, new=True))
        assert answer.status_code == 200
    assert store.sizes and all(size <= MAX_STATE_BYTES for size in store.sizes)
    after = store.load(runner_key(user))
    assert after.version > 3
    assert RunnerState.from_json(after.state).to_json() == after.state
    store.close()

"""Regressions found by the hardening fuzzers: each was a 500, invalid JSON or an apology."""

from __future__ import annotations

import json

import pytest
from alexa_client import Echo

from skill.routine.state import RunnerState


def strict(raw: bytes) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(constant)

    return json.loads(raw, parse_constant=refuse)


@pytest.mark.parametrize("depth", [500, 700, 999])
def test_deeply_nested_session_attributes_are_not_a_500(client, depth: int) -> None:  # type: ignore[no-untyped-def]
    envelope = Echo("x").envelope({"type": "LaunchRequest"})
    envelope["session"]["attributes"] = "@"
    body = (
        json.dumps(envelope).encode().replace(b'"@"', b'{"a":' + b"[" * depth + b"]" * depth + b"}")
    )
    response = client.post("/alexa", data=body, content_type="application/json")
    assert response.status_code in (200, 400), response.get_data()[:200]


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
def test_non_finite_numbers_never_make_the_answer_invalid_json(client, literal: bytes) -> None:  # type: ignore[no-untyped-def]
    envelope = Echo("x").envelope({"type": "LaunchRequest"})
    envelope["session"]["attributes"] = {"note": "@"}
    body = json.dumps(envelope).encode().replace(b'"@"', literal)
    response = client.post("/alexa", data=body, content_type="application/json")
    assert response.status_code in (200, 400)
    strict(response.get_data())  # Alexa cannot parse NaN / Infinity


def test_reading_a_state_with_a_number_beyond_float_range_never_raises() -> None:
    # skill/routine/state.py promises "Reading never crashes"; float(10**400) raises OverflowError.
    RunnerState.from_json({"history": [{"id": "a", "routine": "foot", "completed_at": 10**400}]})
    RunnerState.from_json(
        {"progress": {"routine": "foot", "block": 0, "run": "r", "served_at": 10**400}}
    )


def test_a_carried_state_with_a_huge_number_gets_a_coaching_answer_not_an_apology(client) -> None:  # type: ignore[no-untyped-def]
    echo = Echo("x")
    for runner in (
        {
            "version": 1,
            "turn_at": 1.0,
            "state": {"history": [{"id": "a", "routine": "foot", "completed_at": 10**400}]},
        },
        {
            "version": 10**30,
            "turn_at": 1.0,
            "state": {},
        },  # sqlite3 raises OverflowError, not StoreError
    ):
        envelope = echo.envelope(
            {"type": "IntentRequest", "intent": {"name": "StartRoutineIntent"}}
        )
        envelope["session"]["new"] = False
        envelope["session"]["attributes"] = {"runner": runner}
        response = client.post("/alexa", json=envelope)
        assert response.status_code == 200
        assert "something went wrong" not in response.get_data(as_text=True)


def test_an_intent_request_without_an_intent_gets_help_not_an_apology(client) -> None:  # type: ignore[no-untyped-def]
    envelope = Echo("x").envelope({"type": "IntentRequest"})
    body = client.post("/alexa", json=envelope).get_json()
    speech = body["response"]["outputSpeech"]["ssml"]
    assert "didn&apos;t catch that" in speech and "went wrong" not in speech


def test_after_a_failed_turn_the_carried_record_travels_on(client) -> None:  # type: ignore[no-untyped-def]
    echo = Echo("x")
    first = client.post("/alexa", json=echo.envelope({"type": "LaunchRequest"})).get_json()
    carried = first["sessionAttributes"]["runner"]
    echo.attributes, echo.new = first["sessionAttributes"], False
    anonymous = echo.envelope({"type": "IntentRequest", "intent": {"name": "RepsLeftIntent"}})
    del anonymous["context"]["System"]["user"], anonymous["session"]["user"]
    failed = client.post("/alexa", json=anonymous).get_json()
    assert "went wrong" in failed["response"]["outputSpeech"]["ssml"]
    assert failed["sessionAttributes"]["runner"] == carried

"""Small hardening edges: log lines that cannot be forged, the session's user as fallback,
and a health check that names nothing internal."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from skill.alexa.runner import log_field
from skill.app import HEALTH_REASON, create_app
from skill.routine.state import RunnerState
from skill.storage import runner_key
from skill.storage.sqlite import SQLiteStore


def envelope(request: dict[str, Any], *, user: dict[str, Any] | None, session_user: str) -> bytes:
    system: dict[str, Any] = {"application": {"applicationId": "amzn1.ask.skill.x"}}
    if user is not None:
        system["user"] = user
    body = {
        "version": "1.0",
        "session": {
            "new": True,
            "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": {"applicationId": "amzn1.ask.skill.x"},
            "attributes": {},
            "user": {"userId": session_user},
        },
        "context": {"System": system},
        "request": {
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": "en-US",
            **request,
        },
    }
    return json.dumps(body).encode()


def test_log_fields_stay_on_one_line_and_bounded() -> None:
    assert log_field("plain text") == "plain text"
    assert log_field("a\nFORGED 2026 ERROR x\r\u2028y\x1b[31m") == (
        "a\\x0aFORGED 2026 ERROR x\\x0d\\x2028y\\x1b[31m"
    )
    assert log_field(None) == "None"
    assert log_field("x" * 500) == "x" * 200 + "..."
    assert log_field("x" * 200) == "x" * 200
    assert "\n" not in log_field({"k": "v\nw"})


def test_a_session_ended_error_message_cannot_forge_a_log_line(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    request = {
        "type": "SessionEndedRequest",
        "reason": "ERROR",
        "error": {"type": "INVALID_RESPONSE", "message": "bad\n2026-01-01 ERROR forged: yes"},
    }
    response = client.post(
        "/alexa", data=envelope(request, user={"userId": "u1"}, session_user="u1")
    )
    assert response.status_code == 200
    ended = [
        record.getMessage() for record in caplog.records if "session ended" in record.getMessage()
    ]
    assert ended == ["session ended: reason=ERROR error=bad\\x0a2026-01-01 ERROR forged: yes"]


@pytest.mark.parametrize("context_user", [{}, {"userId": None}, {"userId": ""}, None])
def test_the_sessions_user_stands_in_for_a_context_user_without_an_id(
    tmp_path: Path, context_user: dict[str, Any] | None
) -> None:
    store = SQLiteStore(tmp_path / "progress.db")
    app = create_app({"STORE": store, "VERIFY_SIGNATURES": False, "SKILL_ID": None})
    intent = {"name": "StartRoutineIntent", "confirmationStatus": "NONE"}
    body = envelope(
        {"type": "IntentRequest", "intent": intent}, user=context_user, session_user="amzn1.s"
    )
    response = app.test_client().post("/alexa", data=body)
    assert response.status_code == 200
    assert "start your foot routine" in response.get_json()["response"]["outputSpeech"]["ssml"]
    saved = RunnerState.from_json(store.load(runner_key("amzn1.s")).state)
    assert saved.progress is not None and saved.progress.routine == "foot"
    store.close()


def test_the_health_check_names_nothing_internal(tmp_path: Path) -> None:
    path = tmp_path / "secret-folder" / "progress.db"
    store = SQLiteStore(path)
    app = create_app({"STORE": store, "VERIFY_SIGNATURES": False, "SKILL_ID": None})
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}
    store.close()
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "reason": HEALTH_REASON}
    assert "secret-folder" not in answer.get_data(as_text=True)

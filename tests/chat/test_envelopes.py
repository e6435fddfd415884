"""Request envelopes have Alexa's shape; responses are read the way a device reads them."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer

from skill.chat.envelopes import (
    SkillResponse,
    envelope,
    identity_for_profile,
    intent_request,
    launch_request,
    new_session,
    parse_response_envelope,
    session_ended_request,
    validate_request_envelope,
)
from skill.chat.errors import TransportError
from skill.chat.model import parse_model
from skill.chat.resolver import Resolver

from .helpers import small_model_document

APP_ID = "amzn1.ask.skill.test-chat"
MOMENT = datetime(2026, 3, 1, 7, 30, 5, 123456, tzinfo=UTC)


def _resolver() -> Resolver:
    return Resolver(parse_model(small_model_document(), "en-US"))


def _intent_envelope(phrase: str) -> dict[str, Any]:
    utterance = _resolver().resolve(phrase)
    assert utterance.intent is not None
    request = intent_request("en-US", utterance.intent, utterance.slots, APP_ID, MOMENT)
    return envelope(identity_for_profile("ann", APP_ID), new_session(), request)


def test_identity_is_stable_per_profile() -> None:
    ann = identity_for_profile("ann")
    assert ann == identity_for_profile("ann")
    assert ann.user_id != identity_for_profile("bob").user_id
    assert ann.user_id.startswith("amzn1.ask.account.chat-")
    assert ann.device_id.startswith("amzn1.ask.device.")


def test_every_request_type_is_valid() -> None:
    identity = identity_for_profile("ann", APP_ID)
    for request in (launch_request("en-US", MOMENT),
                    session_ended_request("en-GB", "USER_INITIATED", MOMENT),
                    intent_request("en-US", "AMAZON.StopIntent", (), APP_ID, MOMENT)):
        built = envelope(identity, new_session(), request)
        assert validate_request_envelope(built) == []
        assert built["request"]["timestamp"] == "2026-03-01T07:30:05Z"


def test_session_fields_follow_the_session() -> None:
    session = new_session()
    session.new = False
    session.attributes = {"turn": 3}
    built = envelope(identity_for_profile("ann", APP_ID), session, launch_request("en-US"))
    assert built["session"]["new"] is False
    assert built["session"]["attributes"] == {"turn": 3}
    assert built["session"]["sessionId"] == session.session_id
    assert built["context"]["System"]["application"]["applicationId"] == APP_ID
    assert built["context"]["System"]["apiEndpoint"] == "https://api.amazonalexa.com"


def test_resolved_slot_carries_entity_resolution() -> None:
    built = _intent_envelope("start my whole routine")
    assert validate_request_envelope(built) == []
    slot = built["request"]["intent"]["slots"]["routine"]
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert slot["value"] == "whole routine"
    assert authority["authority"] == f"amzn1.er-authority.echo-sdk.{APP_ID}.RoutineName"
    assert authority["status"] == {"code": "ER_SUCCESS_MATCH"}
    assert authority["values"] == [{"value": {"name": "foot routine", "id": "foot"}}]
    assert slot["slotValue"]["type"] == "Simple"


def test_unresolved_slot_is_no_match_without_values() -> None:
    slot = _intent_envelope("go to the moonwalk")["request"]["intent"]["slots"]["exercise"]
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["status"] == {"code": "ER_SUCCESS_NO_MATCH"}
    assert "values" not in authority


def test_unfilled_and_built_in_slots() -> None:
    slots = _intent_envelope("let's go")["request"]["intent"]["slots"]
    assert slots == {"routine": {"name": "routine", "confirmationStatus": "NONE"}}
    number = _intent_envelope("do 12 reps")["request"]["intent"]["slots"]["count"]
    assert number["value"] == "12" and "resolutions" not in number


def test_ask_sdk_reads_our_envelopes() -> None:
    """The skill's own SDK deserialises them, resolutions included."""
    body = json.dumps(_intent_envelope("start the short version"))
    parsed = DefaultSerializer().deserialize(body, "ask_sdk_model.RequestEnvelope")
    slot = parsed.request.intent.slots["routine"]
    authority = slot.resolutions.resolutions_per_authority[0]
    assert parsed.request.intent.name == "StartRoutineIntent"
    assert authority.status.code.value == "ER_SUCCESS_MATCH"
    assert authority.values[0].value.id == "quick"
    assert parsed.session.user.user_id == identity_for_profile("ann").user_id


@pytest.mark.parametrize(("path", "value", "complaint"), [
    (("version",), "2.0", "version"),
    (("session", "sessionId"), "abc", "sessionId"),
    (("session", "new"), "yes", "session.new"),
    (("context", "System", "apiEndpoint"), "http://x", "apiEndpoint"),
    (("context", "System", "user", "userId"), "someone-else", "disagree"),
    (("request", "timestamp"), "yesterday", "timestamp"),
    (("request", "timestamp"), "2026-13-01T00:00:00Z", "not ISO 8601"),
    (("request", "type"), "CanFulfillIntentRequest", "request.type"),
    (("request", "locale"), "english", "locale"),
    (("request", "intent", "confirmationStatus"), "MAYBE", "confirmationStatus"),
])
def test_validator_catches_broken_envelopes(path: tuple[str, ...], value: Any,
                                            complaint: str) -> None:
    broken = copy.deepcopy(_intent_envelope("start my quick routine"))
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    problems = validate_request_envelope(broken)
    assert any(complaint in problem for problem in problems), problems


def test_validator_checks_slot_resolutions() -> None:
    broken = _intent_envelope("start my quick routine")
    slot = broken["request"]["intent"]["slots"]["routine"]
    del slot["resolutions"]["resolutionsPerAuthority"][0]["values"]
    slot["name"] = "other"
    problems = validate_request_envelope(broken)
    assert any("without values" in p for p in problems)
    assert any(".name must be" in p for p in problems)
    assert validate_request_envelope([]) == ["envelope must be an object"]


def test_session_end_reason_is_checked() -> None:
    with pytest.raises(ValueError, match="session end reason"):
        session_ended_request("en-US", "BORED")


def test_response_envelope_is_read_like_a_device() -> None:
    answer = {
        "version": "1.0",
        "sessionAttributes": {"k": 1},
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": "<speak>Ready?</speak>"},
            "reprompt": {"outputSpeech": {"type": "PlainText", "text": "Say ready & go"}},
            "card": {"type": "Simple", "title": "Foot Coach", "content": "Rep 1"},
            "shouldEndSession": False,
            "directives": [{"type": "Dialog.Delegate"}],
        },
    }
    assert parse_response_envelope(answer) == SkillResponse(
        speech_ssml="<speak>Ready?</speak>",
        reprompt_ssml="<speak>Say ready &amp; go</speak>",
        end_session=False,
        session_attributes={"k": 1},
        card_title="Foot Coach",
        card_text="Rep 1",
        directive_types=("Dialog.Delegate",),
    )
    # Absent shouldEndSession: a screenless Echo closes the session.
    closed = parse_response_envelope({"response": {}})
    assert closed.end_session and closed.speech_ssml is None
    with pytest.raises(TransportError):
        parse_response_envelope({"error": "bad signature"})

"""Alexa request envelopes as a real device would send them, and the skill's response envelope.

Shapes follow the Alexa Skills Kit request and response JSON reference: version "1.0", a
`session` (absent nowhere here: every request the console sends belongs to a session), a
`context.System`, and a `request` of type LaunchRequest, IntentRequest or SessionEndedRequest.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from skill.chat.errors import TransportError
from skill.chat.resolver import SlotFill

ENVELOPE_VERSION = "1.0"
API_ENDPOINT = "https://api.amazonalexa.com"
DEFAULT_APPLICATION_ID = "amzn1.ask.skill.footcoach-chat"
SESSION_END_REASONS = frozenset({"USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"})
REQUEST_TYPES = frozenset({"LaunchRequest", "IntentRequest", "SessionEndedRequest"})


@dataclass(frozen=True)
class Identity:
    """Who is talking, from where, to which skill: stable for one chat profile."""

    application_id: str
    user_id: str
    device_id: str


@dataclass
class Session:
    session_id: str
    new: bool = True
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SkillResponse:
    """The parts of a response envelope a listener would notice."""

    speech_ssml: str | None
    reprompt_ssml: str | None
    end_session: bool
    session_attributes: dict[str, Any]
    card_title: str | None = None
    card_text: str | None = None
    directive_types: tuple[str, ...] = ()


def identity_for_profile(profile: str, application_id: str = DEFAULT_APPLICATION_ID) -> Identity:
    """The same profile always gets the same user id, so progress persists between chats."""
    digest = hashlib.sha256(profile.encode("utf-8")).hexdigest()
    return Identity(
        application_id=application_id,
        user_id=f"amzn1.ask.account.chat-{digest}",
        device_id=f"amzn1.ask.device.chat-{digest[:40]}",
    )


def new_session() -> Session:
    return Session(session_id=f"amzn1.echo-api.session.{uuid.uuid4()}")


def alexa_timestamp(moment: datetime | None = None) -> str:
    """ISO 8601 in UTC with a Z, to the second, as Alexa sends it."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_base(request_type: str, locale: str, moment: datetime | None) -> dict[str, Any]:
    return {
        "type": request_type,
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": alexa_timestamp(moment),
        "locale": locale,
    }


def launch_request(locale: str, moment: datetime | None = None) -> dict[str, Any]:
    return _request_base("LaunchRequest", locale, moment)


def intent_request(locale: str, intent_name: str, slots: Sequence[SlotFill],
                   application_id: str, moment: datetime | None = None) -> dict[str, Any]:
    request = _request_base("IntentRequest", locale, moment)
    request["intent"] = {
        "name": intent_name,
        "confirmationStatus": "NONE",
        "slots": {slot.name: slot_json(slot, application_id) for slot in slots},
    }
    return request


def session_ended_request(locale: str, reason: str,
                          moment: datetime | None = None) -> dict[str, Any]:
    if reason not in SESSION_END_REASONS:
        raise ValueError(f"unknown session end reason {reason!r}")
    request = _request_base("SessionEndedRequest", locale, moment)
    request["reason"] = reason
    return request


def slot_json(slot: SlotFill, application_id: str) -> dict[str, Any]:
    if slot.spoken is None:
        return {"name": slot.name, "confirmationStatus": "NONE"}
    body: dict[str, Any] = {
        "name": slot.name,
        "value": slot.spoken,
        "confirmationStatus": "NONE",
        "source": "USER",
    }
    simple: dict[str, Any] = {"type": "Simple", "value": slot.spoken}
    if slot.status is not None:
        authority: dict[str, Any] = {
            "authority": f"amzn1.er-authority.echo-sdk.{application_id}.{slot.type}",
            "status": {"code": slot.status},
        }
        if slot.matches:
            authority["values"] = [
                {"value": {"name": match.name, "id": match.id}} for match in slot.matches
            ]
        resolutions = {"resolutionsPerAuthority": [authority]}
        body["resolutions"] = resolutions
        simple["resolutions"] = resolutions
    body["slotValue"] = simple
    return body


def envelope(identity: Identity, session: Session, request: Mapping[str, Any]) -> dict[str, Any]:
    application = {"applicationId": identity.application_id}
    user = {"userId": identity.user_id}
    return {
        "version": ENVELOPE_VERSION,
        "session": {
            "new": session.new,
            "sessionId": session.session_id,
            "application": dict(application),
            "attributes": dict(session.attributes),
            "user": dict(user),
        },
        "context": {
            "System": {
                "application": dict(application),
                "user": dict(user),
                "device": {"deviceId": identity.device_id, "supportedInterfaces": {}},
                "apiEndpoint": API_ENDPOINT,
            },
        },
        "request": dict(request),
    }


def _check_timestamp(value: Any) -> str | None:
    if not isinstance(value, str) or not value.endswith("Z"):
        return "request.timestamp must be an ISO 8601 string ending in Z"
    try:
        datetime.fromisoformat(value[:-1] + "+00:00")
    except ValueError:
        return f"request.timestamp {value!r} is not ISO 8601"
    return None


def _check_slot(name: str, slot: Any) -> list[str]:
    where = f"request.intent.slots.{name}"
    if not isinstance(slot, Mapping):
        return [f"{where} must be an object"]
    problems = []
    if slot.get("name") != name:
        problems.append(f"{where}.name must be {name!r}")
    if slot.get("confirmationStatus") not in {"NONE", "CONFIRMED", "DENIED"}:
        problems.append(f"{where}.confirmationStatus is missing or invalid")
    for authority in (slot.get("resolutions") or {}).get("resolutionsPerAuthority", []):
        code = (authority.get("status") or {}).get("code")
        if code not in {"ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH", "ER_ERROR_TIMEOUT",
                        "ER_ERROR_EXCEPTION"}:
            problems.append(f"{where}: resolution status {code!r} is invalid")
        if code == "ER_SUCCESS_MATCH" and not authority.get("values"):
            problems.append(f"{where}: ER_SUCCESS_MATCH without values")
        if not str(authority.get("authority", "")).startswith("amzn1.er-authority."):
            problems.append(f"{where}: authority must start with amzn1.er-authority.")
    return problems


def validate_request_envelope(candidate: Any) -> list[str]:
    """Problems that would make this differ from what Alexa sends; empty when well formed."""
    if not isinstance(candidate, Mapping):
        return ["envelope must be an object"]
    problems: list[str] = []
    if candidate.get("version") != ENVELOPE_VERSION:
        problems.append('version must be "1.0"')
    session = candidate.get("session")
    if not isinstance(session, Mapping):
        problems.append("session is missing")
    else:
        if not isinstance(session.get("new"), bool):
            problems.append("session.new must be a boolean")
        if not str(session.get("sessionId", "")).startswith("amzn1.echo-api.session."):
            problems.append("session.sessionId must start with amzn1.echo-api.session.")
        if not (session.get("application") or {}).get("applicationId"):
            problems.append("session.application.applicationId is missing")
        if not isinstance(session.get("attributes", {}), Mapping):
            problems.append("session.attributes must be an object")
        if not (session.get("user") or {}).get("userId"):
            problems.append("session.user.userId is missing")
    system = (candidate.get("context") or {}).get("System")
    if not isinstance(system, Mapping):
        problems.append("context.System is missing")
    else:
        for path in ("application.applicationId", "user.userId", "device.deviceId"):
            node: Any = system
            for part in path.split("."):
                node = node.get(part) if isinstance(node, Mapping) else None
            if not node:
                problems.append(f"context.System.{path} is missing")
        if not str(system.get("apiEndpoint", "")).startswith("https://"):
            problems.append("context.System.apiEndpoint must be an https URL")
        if isinstance(session, Mapping) and (session.get("user") or {}).get("userId") != (
                system.get("user") or {}).get("userId"):
            problems.append("session.user and context.System.user disagree")
    request = candidate.get("request")
    if not isinstance(request, Mapping):
        return [*problems, "request is missing"]
    request_type = request.get("type")
    if request_type not in REQUEST_TYPES:
        problems.append(f"request.type {request_type!r} is not one the console sends")
    if not str(request.get("requestId", "")).startswith("amzn1.echo-api.request."):
        problems.append("request.requestId must start with amzn1.echo-api.request.")
    timestamp_problem = _check_timestamp(request.get("timestamp"))
    if timestamp_problem:
        problems.append(timestamp_problem)
    if not isinstance(request.get("locale"), str) or "-" not in request.get("locale", ""):
        problems.append("request.locale must look like en-US")
    if request_type == "IntentRequest":
        intent = request.get("intent")
        if not isinstance(intent, Mapping) or not isinstance(intent.get("name"), str):
            problems.append("request.intent.name is missing")
        else:
            if intent.get("confirmationStatus") not in {"NONE", "CONFIRMED", "DENIED"}:
                problems.append("request.intent.confirmationStatus is missing or invalid")
            slots = intent.get("slots", {})
            if not isinstance(slots, Mapping):
                problems.append("request.intent.slots must be an object")
            else:
                for name, slot in slots.items():
                    problems.extend(_check_slot(name, slot))
    if request_type == "SessionEndedRequest" and request.get("reason") not in SESSION_END_REASONS:
        problems.append("request.reason must be a session end reason")
    return problems


def _speech_as_ssml(output_speech: Any) -> str | None:
    if not isinstance(output_speech, Mapping):
        return None
    if output_speech.get("type") == "SSML" and isinstance(output_speech.get("ssml"), str):
        return str(output_speech["ssml"])
    if isinstance(output_speech.get("text"), str):
        return f"<speak>{escape(output_speech['text'])}</speak>"
    return None


def parse_response_envelope(body: Any) -> SkillResponse:
    """Read a response envelope; TransportError when it is not one."""
    if not isinstance(body, Mapping) or not isinstance(body.get("response"), Mapping):
        raise TransportError("the skill's answer is not an Alexa response envelope")
    response = body["response"]
    attributes = body.get("sessionAttributes") or {}
    if not isinstance(attributes, Mapping):
        raise TransportError("sessionAttributes in the skill's answer is not an object")
    reprompt = response.get("reprompt")
    card = response.get("card") if isinstance(response.get("card"), Mapping) else {}
    directives = response.get("directives") or []
    # An absent shouldEndSession ends the session on a screenless Echo: the console is one.
    end_session = response.get("shouldEndSession")
    return SkillResponse(
        speech_ssml=_speech_as_ssml(response.get("outputSpeech")),
        reprompt_ssml=_speech_as_ssml(reprompt.get("outputSpeech"))
        if isinstance(reprompt, Mapping) else None,
        end_session=end_session is not False,
        session_attributes=dict(attributes),
        card_title=card.get("title") if isinstance(card.get("title"), str) else None,
        card_text=next((card[key] for key in ("content", "text")
                        if isinstance(card.get(key), str)), None),
        directive_types=tuple(str(d.get("type")) for d in directives if isinstance(d, Mapping)),
    )

"""Request envelopes in, response envelopes out, without ask-sdk's reflective (de)serialiser.

ask-sdk builds its model objects by walking type descriptions at run time, which costs more
than the whole rest of a turn (see bench/README.md). The three request types a custom skill
lives on are built here directly, into the very same model classes; anything else, and
anything not shaped exactly as Alexa sends it, returns ``None`` so that the caller falls back
to ask-sdk's own deserialiser (which then accepts it or rejects it, as before). Tests check
that both paths give equal objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ask_sdk_model.application import Application
from ask_sdk_model.context import Context
from ask_sdk_model.device import Device
from ask_sdk_model.dialog_state import DialogState
from ask_sdk_model.intent import Intent
from ask_sdk_model.intent_confirmation_status import IntentConfirmationStatus
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.interfaces.system.system_state import SystemState
from ask_sdk_model.launch_request import LaunchRequest
from ask_sdk_model.person import Person
from ask_sdk_model.request import Request
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_model.response import Response
from ask_sdk_model.response_envelope import ResponseEnvelope
from ask_sdk_model.session import Session
from ask_sdk_model.session_ended_reason import SessionEndedReason
from ask_sdk_model.session_ended_request import SessionEndedRequest
from ask_sdk_model.slot import Slot
from ask_sdk_model.slot_confirmation_status import SlotConfirmationStatus
from ask_sdk_model.slu.entityresolution.resolution import Resolution
from ask_sdk_model.slu.entityresolution.resolutions import Resolutions
from ask_sdk_model.slu.entityresolution.status import Status
from ask_sdk_model.slu.entityresolution.status_code import StatusCode
from ask_sdk_model.slu.entityresolution.value import Value
from ask_sdk_model.slu.entityresolution.value_wrapper import ValueWrapper
from ask_sdk_model.ui.reprompt import Reprompt
from ask_sdk_model.ui.ssml_output_speech import SsmlOutputSpeech
from ask_sdk_model.user import User


class Unusual(Exception):
    """The envelope is not shaped the way the fast path expects: use the general one."""


def fast_request_envelope(envelope: dict[str, Any]) -> RequestEnvelope | None:
    try:
        return RequestEnvelope(
            version=_text(envelope, "version"),
            session=_session(envelope.get("session")),
            context=_context(envelope.get("context")),
            request=_request(envelope.get("request")),
        )
    except Unusual:
        return None


def _only(data: Any, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(data, dict) or not allowed.issuperset(data):
        raise Unusual
    return data


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise Unusual
    return value


def _enum(enum: Any, value: Any) -> Any:
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError as error:
        raise Unusual from error


def _application(data: Any) -> Application | None:
    if data is None:
        return None
    return Application(application_id=_text(_only(data, _APPLICATION), "applicationId"))


def _user(data: Any) -> User | None:
    if data is None:
        return None
    return User(user_id=_text(_only(data, _USER), "userId"))


def _session(data: Any) -> Session | None:
    if data is None:
        return None
    data = _only(data, _SESSION)
    new, attributes = data.get("new"), data.get("attributes")
    if (new is not None and not isinstance(new, bool)) or (
        attributes is not None and not isinstance(attributes, dict)
    ):
        raise Unusual
    return Session(
        new=new,
        session_id=_text(data, "sessionId"),
        user=_user(data.get("user")),
        attributes=attributes,
        application=_application(data.get("application")),
    )


def _context(data: Any) -> Context | None:
    if data is None:
        return None
    system = _only(_only(data, _CONTEXT).get("System"), _SYSTEM)
    device = system.get("device")
    person = system.get("person")
    if device is not None:
        device = Device(device_id=_text(_only(device, _DEVICE), "deviceId"))
    if person is not None:
        person = Person(person_id=_text(_only(person, _PERSON), "personId"))
    return Context(
        system=SystemState(
            application=_application(system.get("application")),
            user=_user(system.get("user")),
            device=device,
            person=person,
            api_endpoint=_text(system, "apiEndpoint"),
        )
    )


def _timestamp(data: dict[str, Any]) -> datetime | None:
    value = _text(data, "timestamp")
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise Unusual from error


def _request(data: Any) -> Request | None:
    if not isinstance(data, dict):
        raise Unusual
    kind = data.get("type")
    if kind == "LaunchRequest":
        data = _only(data, _LAUNCH)
        return LaunchRequest(**_request_basics(data))
    if kind == "IntentRequest":
        data = _only(data, _INTENT_REQUEST)
        return IntentRequest(
            **_request_basics(data),
            dialog_state=_enum(DialogState, data.get("dialogState")),
            intent=_intent(data.get("intent")),
        )
    if kind == "SessionEndedRequest":
        data = _only(data, _SESSION_ENDED)
        return SessionEndedRequest(
            **_request_basics(data), reason=_enum(SessionEndedReason, data.get("reason"))
        )
    raise Unusual


def _request_basics(data: dict[str, Any]) -> dict[str, Any]:
    """What every request type carries: its id, timestamp and locale."""
    return {
        "request_id": _text(data, "requestId"),
        "timestamp": _timestamp(data),
        "locale": _text(data, "locale"),
    }


def _intent(data: Any) -> Intent | None:
    if data is None:
        return None
    data = _only(data, _INTENT)
    slots = data.get("slots")
    if slots is not None:
        if not isinstance(slots, dict):
            raise Unusual
        slots = {key: _slot(value) for key, value in slots.items()}
    return Intent(
        name=_text(data, "name"),
        slots=slots,
        confirmation_status=_enum(IntentConfirmationStatus, data.get("confirmationStatus")),
    )


def _slot(data: Any) -> Slot:
    data = _only(data, _SLOT)
    resolutions = data.get("resolutions")
    if resolutions is not None:
        per_authority = _only(resolutions, _RESOLUTIONS).get("resolutionsPerAuthority")
        if per_authority is not None:
            if not isinstance(per_authority, list):
                raise Unusual
            per_authority = [_resolution(item) for item in per_authority]
        resolutions = Resolutions(resolutions_per_authority=per_authority)
    return Slot(
        name=_text(data, "name"),
        value=_text(data, "value"),
        confirmation_status=_enum(SlotConfirmationStatus, data.get("confirmationStatus")),
        resolutions=resolutions,
    )


def _resolution(data: Any) -> Resolution:
    data = _only(data, _RESOLUTION)
    status = data.get("status")
    if status is not None:
        status = Status(code=_enum(StatusCode, _only(status, _STATUS).get("code")))
    values = data.get("values")
    if values is not None:
        if not isinstance(values, list):
            raise Unusual
        values = [_value(item) for item in values]
    return Resolution(authority=_text(data, "authority"), status=status, values=values)


def _value(data: Any) -> ValueWrapper:
    value = _only(data, _VALUE_WRAPPER).get("value")
    if value is None:
        return ValueWrapper(value=None)
    value = _only(value, _VALUE)
    return ValueWrapper(value=Value(name=_text(value, "name"), id=_text(value, "id")))


_APPLICATION = frozenset({"applicationId"})
_USER = frozenset({"userId"})
_PERSON = frozenset({"personId"})
_SESSION = frozenset({"new", "sessionId", "user", "attributes", "application"})
_CONTEXT = frozenset({"System"})
_SYSTEM = frozenset({"application", "user", "device", "person", "apiEndpoint"})
_DEVICE = frozenset({"deviceId"})  # supportedInterfaces: dropped by skill.needed_parts
_LAUNCH = frozenset({"type", "requestId", "timestamp", "locale"})
_INTENT_REQUEST = frozenset({"type", "requestId", "timestamp", "locale", "dialogState", "intent"})
_SESSION_ENDED = frozenset({"type", "requestId", "timestamp", "locale", "reason"})
_INTENT = frozenset({"name", "slots", "confirmationStatus"})
_SLOT = frozenset({"name", "value", "confirmationStatus", "resolutions"})
_RESOLUTIONS = frozenset({"resolutionsPerAuthority"})
_RESOLUTION = frozenset({"authority", "status", "values"})
_STATUS = frozenset({"code"})
_VALUE_WRAPPER = frozenset({"value"})
_VALUE = frozenset({"name", "id"})


def fast_response_dict(envelope: ResponseEnvelope) -> dict[str, Any] | None:
    """The response envelope as JSON-ready dict, for the responses this skill builds (speech,
    reprompt, end of session); ``None`` for anything else."""
    response = envelope.response
    if not isinstance(response, Response) or any(
        getattr(response, field) is not None for field in _OTHER_RESPONSE_FIELDS
    ):
        return None
    body: dict[str, Any] = {}
    if response.output_speech is not None:
        speech = _speech(response.output_speech)
        if speech is None:
            return None
        body["outputSpeech"] = speech
    if response.reprompt is not None:
        reprompt = response.reprompt
        speech = _speech(reprompt.output_speech) if isinstance(reprompt, Reprompt) else None
        if speech is None or reprompt.directives is not None:
            return None
        body["reprompt"] = {"outputSpeech": speech}
    if response.should_end_session is not None:
        body["shouldEndSession"] = response.should_end_session
    result: dict[str, Any] = {"response": body}
    for key, value in (
        ("version", envelope.version),
        ("sessionAttributes", envelope.session_attributes),
        ("userAgent", envelope.user_agent),
    ):
        if value is not None:
            result[key] = value
    return result


def _speech(speech: Any) -> dict[str, Any] | None:
    if not isinstance(speech, SsmlOutputSpeech) or speech.play_behavior is not None:
        return None
    return {"type": "SSML", "ssml": speech.ssml}


_OTHER_RESPONSE_FIELDS = (
    "card",
    "directives",
    "api_response",
    "can_fulfill_intent",
    "experimentation",
)

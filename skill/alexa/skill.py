"""The skill: every handler and interceptor registered in this one place."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_model.response_envelope import ResponseEnvelope

from skill.alexa import handlers
from skill.alexa.envelope import fast_request_envelope, fast_response_dict
from skill.alexa.runner import LoadRunnerInterceptor, SaveRunnerInterceptor, lift_carried
from skill.routine.catalog import Catalog
from skill.routine.engine import Coach

# Every custom and built-in intent the interaction models declare has a handler here.
INTENT_HANDLERS: tuple[type[handlers.CoachHandler], ...] = (
    handlers.StartRoutineIntentHandler,
    handlers.NextStepIntentHandler,
    handlers.RepsLeftIntentHandler,
    handlers.WhereAmIIntentHandler,
    handlers.TimeLeftIntentHandler,
    handlers.SkipExerciseIntentHandler,
    handlers.GoToExerciseIntentHandler,
    handlers.SlowerIntentHandler,
    handlers.FasterIntentHandler,
    handlers.ProgressReportIntentHandler,
    handlers.PreviousIntentHandler,
    handlers.RepeatIntentHandler,
    handlers.StartOverIntentHandler,
    handlers.PauseIntentHandler,
    handlers.ResumeIntentHandler,
    handlers.YesIntentHandler,
    handlers.NoIntentHandler,
    handlers.HelpIntentHandler,
    handlers.CancelOrStopIntentHandler,
)
HANDLED_INTENTS = frozenset(
    {name for handler in INTENT_HANDLERS for name in handler.intents} | {"AMAZON.FallbackIntent"}
)


def build_skill(
    store: Any, *, catalog: Catalog | None = None, clock: Callable[[], float] = time.time
) -> CustomSkill:
    coach = Coach(catalog or Catalog.builtin())
    builder = SkillBuilder()
    builder.add_request_handler(handlers.LaunchRequestHandler(coach, clock))
    for handler in INTENT_HANDLERS:
        builder.add_request_handler(handler(coach, clock))
    builder.add_request_handler(handlers.FallbackIntentHandler(coach, clock))
    builder.add_request_handler(handlers.SessionEndedRequestHandler())
    builder.add_request_handler(handlers.UnsupportedRequestHandler())
    builder.add_exception_handler(handlers.CatchAllExceptionHandler())
    builder.add_global_request_interceptor(LoadRunnerInterceptor(store, clock))
    builder.add_global_response_interceptor(SaveRunnerInterceptor(store, clock))
    skill: CustomSkill = builder.create()
    return skill


class EnvelopeSerializer(DefaultSerializer):
    """ask-sdk's serializer without its two largest costs per request (measured in bench/):
    building model objects for the parts of ``context`` no handler reads (viewports, display,
    audio player...), and dateutil's general-purpose timestamp parser."""

    def request_envelope(self, envelope: dict[str, Any]) -> RequestEnvelope:
        needed = needed_parts(envelope)
        fast = fast_request_envelope(needed)
        if fast is not None:
            return fast
        deserialize = getattr(self, "_DefaultSerializer__deserialize")  # noqa: B009 (private)
        request: RequestEnvelope = deserialize(needed, RequestEnvelope)
        return request

    def response_dict(self, envelope: ResponseEnvelope) -> dict[str, Any]:
        fast = fast_response_dict(envelope)
        if fast is not None:
            return fast
        result = self.serialize(envelope)
        assert isinstance(result, dict)
        return result

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        if isinstance(payload, str):
            try:
                moment = datetime.fromisoformat(payload)
            except ValueError:
                pass
            else:
                return moment.date() if obj_type is date else moment
        fallback = getattr(super(), "_DefaultSerializer__deserialize_datetime")  # noqa: B009
        return fallback(payload, obj_type)


SYSTEM_PARTS = ("application", "user", "person", "device", "apiEndpoint")


def needed_parts(envelope: dict[str, Any]) -> dict[str, Any]:
    """The envelope with only what the handlers read: ``context.System``'s identity parts."""
    context = envelope.get("context")
    system = context.get("System") if isinstance(context, dict) else None
    if not isinstance(system, dict):
        return envelope
    trimmed = {key: system[key] for key in SYSTEM_PARTS if key in system}
    device = trimmed.get("device")
    if isinstance(device, dict) and "supportedInterfaces" in device:
        trimmed["device"] = {
            key: value for key, value in device.items() if key != "supportedInterfaces"
        }
    return {**envelope, "context": {"System": trimmed}}


class SkillRunner:
    """Turns a request envelope (a dict, already verified) into a response envelope (a dict)."""

    def __init__(self, skill: CustomSkill) -> None:
        self.skill = skill
        self.serializer = EnvelopeSerializer()

    def __call__(self, envelope: dict[str, Any]) -> dict[str, Any]:
        envelope, carried = lift_carried(envelope)
        request = self.serializer.request_envelope(envelope)
        response = self.skill.invoke(request_envelope=request, context=carried)
        return self.serializer.response_dict(response)

"""The skill: every handler and interceptor registered in this one place."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast

from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import RESPONSE_FORMAT_VERSION
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_model.response_envelope import ResponseEnvelope
from ask_sdk_runtime.utils import UserAgentManager

from skill.alexa import handlers
from skill.alexa.envelope import fast_request_envelope, fast_response_dict
from skill.alexa.handlers import Ask, Command
from skill.alexa.runner import (
    LoadRunnerInterceptor,
    SaveRunnerInterceptor,
    WrittenStates,
    lift_carried,
)
from skill.routine.catalog import Catalog
from skill.routine.engine import Coach, Reply
from skill.routine.languages import LANGUAGES, language_of, localized_catalog, phrases
from skill.routine.state import RunnerState


def _start(coach: Coach, state: RunnerState, ask: Ask) -> Reply:
    routine, spoken = ask.slot("routine")
    if spoken and routine not in coach.catalog:
        # No resolution from Alexa (or not one of ours): match the words ourselves.
        routine = coach.catalog.find_routine(spoken)
        if routine is None:
            return coach.unknown_routine(state)
    return coach.start(state, routine, ask.now, fresh=ask.fresh)


def _exercise(method: Callable[..., Reply]) -> Command:
    def command(coach: Coach, state: RunnerState, ask: Ask) -> Reply:
        exercise, spoken = ask.slot("exercise")
        return method(coach, state, ask.now, exercise, spoken)

    return command


def _go_to(coach: Coach, state: RunnerState, ask: Ask) -> Reply:
    exercise, spoken = ask.slot("exercise")
    return coach.go_to(state, exercise, ask.now, spoken=spoken)


def _equipment(coach: Coach, state: RunnerState, ask: Ask) -> Reply:
    equipment, spoken = ask.slot("equipment")
    return coach.missing_equipment(state, ask.now, equipment or (spoken or "").lower() or None)


# The one routing table: intent name -> command. Every custom and built-in intent the
# interaction models declare is here.
ROUTES: dict[str, Command] = {
    handlers.LAUNCH: lambda c, s, a: c.launch(s, a.now),
    "StartRoutineIntent": _start,
    "NextStepIntent": lambda c, s, a: c.next(s, a.now, a.asked, fresh=a.fresh),
    "AMAZON.NextIntent": lambda c, s, a: c.next(s, a.now, a.asked, fresh=a.fresh),
    "RepsLeftIntent": lambda c, s, a: c.reps_left(s, a.now),
    "WhereAmIIntent": lambda c, s, a: c.where_am_i(s, a.now),
    "TimeLeftIntent": lambda c, s, a: c.time_left(s, a.now),
    "WhatsNextIntent": lambda c, s, a: c.whats_next(s, a.now),
    "HoldTimeIntent": lambda c, s, a: c.hold_time(s, a.now),
    "ExerciseInfoIntent": _exercise(Coach.exercise_info),
    "MissingEquipmentIntent": _equipment,
    "SkipExerciseIntent": _exercise(Coach.skip_exercise),
    "GoToExerciseIntent": _go_to,
    "SlowerIntent": lambda c, s, a: c.change_pace(s, faster=False, now=a.now),
    "FasterIntent": lambda c, s, a: c.change_pace(s, faster=True, now=a.now),
    "ProgressReportIntent": lambda c, s, a: c.progress_report(s, a.now),
    "AMAZON.PreviousIntent": lambda c, s, a: c.previous(s, a.now),
    "AMAZON.RepeatIntent": lambda c, s, a: c.repeat(s, a.now),
    "AMAZON.StartOverIntent": lambda c, s, a: c.start_over(s, a.now),
    "AMAZON.PauseIntent": lambda c, s, a: c.pause(s, a.now),
    "AMAZON.ResumeIntent": lambda c, s, a: c.resume(s, a.now, a.asked, fresh=a.fresh),
    "AMAZON.YesIntent": lambda c, s, a: c.yes(s, a.asked, a.now, fresh=a.fresh),
    "AMAZON.NoIntent": lambda c, s, a: c.no(s, a.asked, a.now),
    "AMAZON.HelpIntent": lambda c, s, a: c.help(s, a.now, asked=a.asked),
    "AMAZON.NavigateHomeIntent": lambda c, s, a: c.help(s, a.now, asked=a.asked),
    "AMAZON.CancelIntent": lambda c, s, a: c.stop(s, a.now),
    "AMAZON.StopIntent": lambda c, s, a: c.stop(s, a.now),
    # And any intent this skill does not know.
    handlers.FALLBACK: lambda c, s, a: c.help(s, a.now, sorry=True, asked=a.asked),
}
HANDLED_INTENTS = frozenset(name for name in ROUTES if name != handlers.LAUNCH)


def build_skill(
    store: Any, *, catalog: Catalog | None = None, clock: Callable[[], float] = time.time
) -> CustomSkill:
    builtin = catalog is None
    catalog = catalog or Catalog.builtin()
    # One coach per language, each with the routines' text in its language (read once here).
    coaches = {
        language: Coach(localized_catalog(catalog, language, strict=builtin), phrases(language))
        for language in LANGUAGES
    }
    builder = SkillBuilder()
    builder.add_request_handler(handlers.IntentHandler(coaches, ROUTES, clock))
    builder.add_request_handler(handlers.SessionEndedRequestHandler(coaches, clock))
    builder.add_request_handler(handlers.UnsupportedRequestHandler())
    builder.add_exception_handler(handlers.CatchAllExceptionHandler(coaches))

    def settle(state: RunnerState, device: str, now: float, locale: str | None) -> RunnerState:
        coach = coaches.get(language_of(locale)) or coaches["en"]
        return coach.settle_played_out(state, device, now)

    written = WrittenStates()  # what one turn carried on, the next one takes back
    builder.add_global_request_interceptor(LoadRunnerInterceptor(store, clock, settle, written))
    builder.add_global_response_interceptor(SaveRunnerInterceptor(store, clock, written=written))
    return LeanSkill(skill_configuration=builder.skill_configuration)


class LeanSkill(CustomSkill):
    """ask-sdk's CustomSkill, invoked without what this skill never configures: no API client
    (no service client factory per request), no response templates (no template factory), no
    persistence adapter, no skill id (the web layer checks it). The session attributes are
    copied one level deep instead of deep: every handler and interceptor only sets or removes
    top-level keys. The dispatch itself (interceptors, handler chain, exception handlers) is
    ask-sdk's."""

    def invoke(self, request_envelope: RequestEnvelope, context: Any) -> ResponseEnvelope:
        configured: tuple[Any, ...] = (
            self.api_client,
            self.persistence_adapter,
            self.loaders,
            self.skill_id,  # (checked by the web layer, skill.web.verification)
        )
        if any(configured):
            envelope: ResponseEnvelope = super().invoke(request_envelope, context)
            return envelope
        attributes = ShallowAttributes(request_envelope)
        handler_input = HandlerInput(
            request_envelope=request_envelope, attributes_manager=attributes, context=context
        )
        response = self.request_dispatcher.dispatch(handler_input=handler_input)
        return ResponseEnvelope(
            response=response,
            version=RESPONSE_FORMAT_VERSION,
            session_attributes=(
                attributes.session_attributes if request_envelope.session is not None else None
            ),
            user_agent=UserAgentManager.get_user_agent(),
        )


class ShallowAttributes(AttributesManager):
    """AttributesManager without a persistence tier, copying the session attributes one level
    deep (ask-sdk deep-copies them: the largest cost of building one, and not needed here)."""

    def __init__(self, request_envelope: RequestEnvelope) -> None:
        self._request_envelope = request_envelope
        self._persistence_adapter = cast(Any, None)
        self._persistence_attributes: dict[str, Any] = {}
        self._request_attributes: dict[str, Any] = {}
        session = request_envelope.session
        self._session_attributes: dict[str, Any] | None = (
            None if session is None else dict(session.attributes or {})
        )
        self._persistent_attributes_set = False


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

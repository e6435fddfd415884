"""ask-sdk request handlers: each translates one request into an engine command.

Handlers are thin: they read the slot, call the :class:`~skill.routine.engine.Coach` and turn
its :class:`~skill.routine.engine.Reply` into an Alexa response.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ask_sdk_core.dispatch_components.exception_components import AbstractExceptionHandler
from ask_sdk_core.dispatch_components.request_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils.predicate import is_request_type
from ask_sdk_core.utils.request_util import get_request_type
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.response import Response
from ask_sdk_model.session_ended_request import SessionEndedRequest
from ask_sdk_model.slu.entityresolution.status_code import StatusCode
from ask_sdk_model.ui.reprompt import Reprompt
from ask_sdk_model.ui.ssml_output_speech import SsmlOutputSpeech

from skill.alexa.runner import (
    REQUEST_KEY,
    SESSION_KEY,
    Carried,
    RunnerTurn,
    log_field,
    session_attributes,
    turn_of,
)
from skill.routine.engine import Coach, Question, Reply
from skill.routine.languages import language_of
from skill.routine.speech import text_ssml
from skill.routine.state import RunnerState

log = logging.getLogger(__name__)
Clock = Callable[[], float]
ASKED_KEY = "asked"
SERVED_KEY = "served"  # a block has played in this session: a set needs no get-ready lead-in
LAUNCH = "LaunchRequest"
FALLBACK = "AMAZON.FallbackIntent"


def respond(handler_input: HandlerInput, reply: Reply) -> Response:
    """Put the engine's reply on the response and remember the new state for saving."""
    turn_of(handler_input).state = reply.state
    attributes = session_attributes(handler_input)
    if reply.asked:
        attributes[ASKED_KEY] = reply.asked
    else:
        attributes.pop(ASKED_KEY, None)
    if reply.served:
        attributes[SERVED_KEY] = True
    # Built as ask-sdk's response builder builds it (speak, then ask or end the session),
    # without taking the engine's whole <speak> documents apart and putting them together
    # again: that was a fifth of a handler's time.
    reprompt = reply.reprompt
    return Response(
        output_speech=SsmlOutputSpeech(ssml=reply.speech),
        reprompt=None if reprompt is None else Reprompt(SsmlOutputSpeech(ssml=reprompt)),
        should_end_session=reprompt is None,
    )


def slot_value(handler_input: HandlerInput, name: str) -> tuple[str | None, str | None]:
    """A slot's value id as Alexa resolved it (None without a match), and the words said."""
    request = handler_input.request_envelope.request
    intent = request.intent if isinstance(request, IntentRequest) else None
    slot = (intent.slots or {}).get(name) if intent else None
    if slot is None or not slot.value:
        return None, None
    resolutions = slot.resolutions.resolutions_per_authority if slot.resolutions else None
    for authority in resolutions or []:
        if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH:
            for match in authority.values or []:
                if match.value and match.value.id:
                    return str(match.value.id), slot.value
    return None, slot.value


class Ask(NamedTuple):
    """One request as the coach sees it: the time, the question the last reply asked, whether
    this session has played a block yet, and the slots (resolved id, words said)."""

    now: float
    asked: Question | None
    fresh: bool
    slots: dict[str, tuple[str | None, str | None]]

    def slot(self, name: str) -> tuple[str | None, str | None]:
        return self.slots.get(name, (None, None))


Command = Callable[[Coach, RunnerState, Ask], Reply]


def coach_for(coaches: Mapping[str, Coach], handler_input: HandlerInput) -> Coach:
    """The coach speaking the request's language (English when there is no catalog for it)."""
    request = handler_input.request_envelope.request
    language = language_of(getattr(request, "locale", None))
    return coaches.get(language) or coaches["en"]


class IntentHandler(AbstractRequestHandler):
    """Every intent of the routing table: reads the request once and runs its command."""

    def __init__(
        self, coaches: Mapping[str, Coach], routes: Mapping[str, Command], clock: Clock = time.time
    ) -> None:
        self.coaches = coaches
        self.routes = routes
        self.clock = clock

    def command(self, handler_input: HandlerInput) -> Command | None:
        request = handler_input.request_envelope.request
        if isinstance(request, IntentRequest):
            name = request.intent.name if request.intent is not None else None
            return self.routes.get(name or FALLBACK) or self.routes.get(FALLBACK)
        if is_request_type("LaunchRequest")(handler_input):
            return self.routes.get(LAUNCH)
        return None

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return self.command(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        command = self.command(handler_input)
        assert command is not None
        state = turn_of(handler_input).state
        request = handler_input.request_envelope.request
        slots: dict[str, tuple[str | None, str | None]] = {}
        if isinstance(request, IntentRequest) and request.intent is not None:
            for name in request.intent.slots or {}:
                slots[name] = slot_value(handler_input, name)
        attributes = session_attributes(handler_input)
        asked = attributes.get(ASKED_KEY)
        ask = Ask(
            now=self.clock(),
            asked=asked if isinstance(asked, str) and len(asked) <= 80 else None,
            fresh=not attributes.get(SERVED_KEY),
            slots=slots,
        )
        reply = command(coach_for(self.coaches, handler_input), state, ask)
        return respond(handler_input, reply)


class SessionEndedRequestHandler(AbstractRequestHandler):
    """Says nothing; logs why the session ended. Progress is already saved each turn; a run
    whose last work has played out is recorded as finished now."""

    def __init__(self, coaches: Mapping[str, Coach] | None = None, clock: Clock = time.time):
        self.coaches = coaches
        self.clock = clock

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("SessionEndedRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        if isinstance(request, SessionEndedRequest):
            log.info(
                "session ended: reason=%s error=%s",
                log_field(getattr(request.reason, "value", request.reason)),
                log_field(getattr(request.error, "message", None)),
            )
        turn = handler_input.attributes_manager.request_attributes.get(REQUEST_KEY)
        if self.coaches and isinstance(turn, RunnerTurn):
            coach = coach_for(self.coaches, handler_input)
            turn.state = coach.session_ended(turn.state, self.clock())
        response: Response = handler_input.response_builder.response
        return response


class UnsupportedRequestHandler(AbstractRequestHandler):
    """Any other request type (display events, playback events): an empty answer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("unsupported request type %s", get_request_type(handler_input))
        response: Response = handler_input.response_builder.response
        return response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Logs the request id and the error, apologises, and leaves the runner's progress alone."""

    APOLOGY = "Sorry, something went wrong on my side. Your progress is safe. Please try again."

    def __init__(self, coaches: Mapping[str, Coach] | None = None) -> None:
        self.coaches = coaches

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request_id = getattr(handler_input.request_envelope.request, "request_id", None)
        log.error("request %s failed: %s", request_id, exception, exc_info=exception)
        attributes: dict[str, Any] = handler_input.attributes_manager.request_attributes
        turn = attributes.get("runner")
        if turn is not None:
            turn.state = turn.loaded  # keep what was there: nothing half-done is written
        carried = handler_input.context
        if isinstance(carried, Carried) and carried.record is not None:
            # The runner's record travels on unchanged to the next turn.
            session_attributes(handler_input)[SESSION_KEY] = carried.record
        apology, reprompt = self.APOLOGY, "What would you like to do?"
        if self.coaches:
            # In the request's language; the catalog lookups cannot fail the way a turn did.
            p = coach_for(self.coaches, handler_input).p
            apology, reprompt = p("sorry.failed"), p("ask.what")
        handler_input.response_builder.speak(text_ssml(apology)).ask(text_ssml(reprompt))
        response: Response = handler_input.response_builder.response
        return response

"""ask-sdk request handlers: each translates one request into an engine command.

Handlers are thin: they read the slot, call the :class:`~skill.routine.engine.Coach` and turn
its :class:`~skill.routine.engine.Reply` into an Alexa response.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, ClassVar

from ask_sdk_core.dispatch_components.exception_components import AbstractExceptionHandler
from ask_sdk_core.dispatch_components.request_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils.predicate import is_request_type
from ask_sdk_core.utils.request_util import get_request_type
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.response import Response
from ask_sdk_model.session_ended_request import SessionEndedRequest
from ask_sdk_model.slu.entityresolution.status_code import StatusCode

from skill.alexa.runner import SESSION_KEY, Carried, log_field, session_attributes, turn_of
from skill.routine.engine import Coach, Question, Reply
from skill.routine.speech import text_ssml
from skill.routine.state import RunnerState

log = logging.getLogger(__name__)
Clock = Callable[[], float]
ASKED_KEY = "asked"


def respond(handler_input: HandlerInput, reply: Reply) -> Response:
    """Put the engine's reply on the response and remember the new state for saving."""
    turn_of(handler_input).state = reply.state
    builder = handler_input.response_builder.speak(reply.speech)
    attributes = session_attributes(handler_input)
    if reply.asked:
        attributes[ASKED_KEY] = reply.asked
    else:
        attributes.pop(ASKED_KEY, None)
    if reply.reprompt is None:
        builder.set_should_end_session(True)
    else:
        builder.ask(reply.reprompt)
    response: Response = builder.response
    return response


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


class CoachHandler(AbstractRequestHandler):
    """A handler for some intents that calls the coach with the runner's state and the time."""

    intents: ClassVar[tuple[str, ...]] = ()

    def __init__(self, coach: Coach, clock: Clock = time.time) -> None:
        self.coach = coach
        self.clock = clock

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return (
            isinstance(request, IntentRequest)
            and request.intent is not None
            and request.intent.name in self.intents
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        state = turn_of(handler_input).state
        return respond(handler_input, self.act(handler_input, state, self.clock()))

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        raise NotImplementedError

    def asked(self, handler_input: HandlerInput) -> Question | None:
        value = session_attributes(handler_input).get(ASKED_KEY)
        return value if value in ("resume", "start") else None


class LaunchRequestHandler(CoachHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.launch(state, now)


class StartRoutineIntentHandler(CoachHandler):
    intents = ("StartRoutineIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        routine, spoken = slot_value(handler_input, "routine")
        if spoken and routine not in self.coach.catalog:
            # No resolution from Alexa (or not one of ours): match the words ourselves.
            routine = self.coach.catalog.find_routine(spoken)
            if routine is None:
                return self.coach.unknown_routine(state)
        return self.coach.start(state, routine, now)


class NextStepIntentHandler(CoachHandler):
    intents = ("NextStepIntent", "AMAZON.NextIntent")

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.next(state, now, self.asked(handler_input))


class RepsLeftIntentHandler(CoachHandler):
    intents = ("RepsLeftIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.reps_left(state, now)


class WhereAmIIntentHandler(CoachHandler):
    intents = ("WhereAmIIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.where_am_i(state, now)


class TimeLeftIntentHandler(CoachHandler):
    intents = ("TimeLeftIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.time_left(state, now)


class SkipExerciseIntentHandler(CoachHandler):
    intents = ("SkipExerciseIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.skip_exercise(state, now)


class GoToExerciseIntentHandler(CoachHandler):
    intents = ("GoToExerciseIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        exercise, spoken = slot_value(handler_input, "exercise")
        return self.coach.go_to(state, exercise, now, spoken=spoken)


class SlowerIntentHandler(CoachHandler):
    intents = ("SlowerIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.change_pace(state, faster=False, now=now)


class FasterIntentHandler(CoachHandler):
    intents = ("FasterIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.change_pace(state, faster=True, now=now)


class ProgressReportIntentHandler(CoachHandler):
    intents = ("ProgressReportIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.progress_report(state, now)


class PreviousIntentHandler(CoachHandler):
    intents = ("AMAZON.PreviousIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.previous(state, now)


class RepeatIntentHandler(CoachHandler):
    intents = ("AMAZON.RepeatIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.repeat(state, now)


class StartOverIntentHandler(CoachHandler):
    intents = ("AMAZON.StartOverIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.start_over(state, now)


class PauseIntentHandler(CoachHandler):
    intents = ("AMAZON.PauseIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.pause(state, now)


class ResumeIntentHandler(CoachHandler):
    intents = ("AMAZON.ResumeIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.resume(state, now, self.asked(handler_input))


class YesIntentHandler(CoachHandler):
    intents = ("AMAZON.YesIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.yes(state, self.asked(handler_input), now)


class NoIntentHandler(CoachHandler):
    intents = ("AMAZON.NoIntent",)

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.no(state, self.asked(handler_input), now)


class HelpIntentHandler(CoachHandler):
    intents = ("AMAZON.HelpIntent", "AMAZON.NavigateHomeIntent")

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.help(state, now)


class CancelOrStopIntentHandler(CoachHandler):
    intents = ("AMAZON.CancelIntent", "AMAZON.StopIntent")

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.stop(state, now)


class FallbackIntentHandler(CoachHandler):
    """AMAZON.FallbackIntent, and any intent this skill does not know."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("IntentRequest")(handler_input))

    def act(self, handler_input: HandlerInput, state: RunnerState, now: float) -> Reply:
        return self.coach.help(state, now, sorry=True)


class SessionEndedRequestHandler(AbstractRequestHandler):
    """Says nothing; logs why the session ended. Progress is already saved each turn."""

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
        reprompt = text_ssml("What would you like to do?")
        handler_input.response_builder.speak(text_ssml(self.APOLOGY)).ask(reprompt)
        response: Response = handler_input.response_builder.response
        return response

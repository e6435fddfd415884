"""respond() puts the engine's reply on the response exactly as ask-sdk's response builder
would (speak, then ask or end the session), for every route the skill has."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_model.response import Response
from ask_sdk_model.session import Session
from hypothesis import given, settings
from hypothesis import strategies as st
from routine.coaching import COACH, T0, examples, paces, routines, started

from skill.alexa.handlers import ASKED_KEY, SERVED_KEY, Ask, respond
from skill.alexa.runner import REQUEST_KEY, RunnerTurn
from skill.alexa.skill import ROUTES, ShallowAttributes
from skill.routine.engine import Reply
from skill.storage.records import RunnerRecord


def as_the_builder_builds(reply: Reply) -> Response:
    builder = ResponseFactory().speak(reply.speech)
    if reply.reprompt is None:
        builder.set_should_end_session(True)
    else:
        builder.ask(reply.reprompt)
    return builder.response


@settings(max_examples=examples(300), deadline=None)
@given(
    routine=routines,
    pace=paces,
    route=st.sampled_from(sorted(ROUTES)),
    seconds=st.floats(0, 900),
    begun=st.booleans(),
)
def test_a_reply_is_put_on_the_response_as_the_builder_puts_it(
    routine: str, pace: str, route: str, seconds: float, begun: bool
) -> None:
    state = started(routine, pace)
    if not begun:
        state = COACH.stop(state, T0 + 1).state
    reply = ROUTES[route](COACH, state, Ask(T0 + seconds, None, False, {}))
    envelope = RequestEnvelope(session=Session(new=False, attributes={ASKED_KEY: "x"}))
    attributes = ShallowAttributes(envelope)
    turn = RunnerTurn(RunnerRecord("runner", {}, 1, T0), state, state)
    attributes.request_attributes[REQUEST_KEY] = turn
    handler_input = HandlerInput(request_envelope=envelope, attributes_manager=attributes)

    response = respond(handler_input, reply)

    assert response == as_the_builder_builds(reply)
    assert response.should_end_session is (reply.reprompt is None)
    assert turn.state is reply.state
    session = attributes.session_attributes
    assert session is not None
    assert session.get(ASKED_KEY) == (reply.asked or None)
    assert session.get(SERVED_KEY) == (True if reply.served else None)

"""The runner's state around one request: read once per session, written once per changed turn.

A new session (or one-shot) reads the store once; later turns take the state from the session
attributes, where it travels with its store version. After the handler ran, a changed state is
saved; when the store is unavailable the runner still hears the answer, plus one sentence, and
the unsaved state travels on in the session attributes until a later turn saves it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ask_sdk_core.dispatch_components.request_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.response import Response
from ask_sdk_model.ui.ssml_output_speech import SsmlOutputSpeech

from skill.routine.state import RunnerState
from skill.storage.records import RunnerRecord, StoreError, StoreUnavailable, runner_key

log = logging.getLogger(__name__)

SESSION_KEY = "runner"
REQUEST_KEY = "runner"
MAX_VERSION = 2**53  # versions and clocks this service writes stay far below this
NOT_SAVED = "I couldn't save your progress just now; I'll try again on your next turn."


@dataclass
class RunnerTurn:
    """The runner's record as loaded, and the state the handler leaves behind."""

    record: RunnerRecord
    loaded: RunnerState
    state: RunnerState
    unsaved: bool = False  # an earlier turn's state still waits to be saved
    store_down: bool = False  # the read failed: don't make the runner wait for a write too

    @property
    def changed(self) -> bool:
        return self.unsaved or self.state != self.loaded


class UnknownRunner(ValueError):
    """The request names no user: there is nobody whose progress could be kept."""


@dataclass(frozen=True)
class Carried:
    """The runner record the previous turn left in the session attributes, lifted out of the
    envelope before ask-sdk deep-copies the attributes (it is the largest of them, and is
    replaced on every turn anyway); handed to the skill as its invocation context."""

    record: Any


def lift_carried(envelope: dict[str, Any]) -> tuple[dict[str, Any], Carried]:
    """The envelope without the carried runner record, and that record."""
    session = envelope.get("session")
    if not isinstance(session, dict):
        return envelope, Carried(None)
    attributes = session.get("attributes")
    if not isinstance(attributes, dict) or SESSION_KEY not in attributes:
        return envelope, Carried(None)
    rest = {key: value for key, value in attributes.items() if key != SESSION_KEY}
    return {**envelope, "session": {**session, "attributes": rest}}, Carried(
        attributes[SESSION_KEY]
    )


def identify(handler_input: HandlerInput) -> str:
    """The runner's store key: the recognised person if any, else the Alexa account."""
    envelope = handler_input.request_envelope
    system = envelope.context.system if envelope.context else None
    person = getattr(system, "person", None)
    person_id = getattr(person, "person_id", None)
    user = getattr(system, "user", None) or getattr(envelope.session, "user", None)
    user_id = getattr(user, "user_id", None)
    if not isinstance(user_id, str) or not user_id:
        raise UnknownRunner("the request has no user id")
    return runner_key(user_id, person_id if isinstance(person_id, str) else None)


def session_attributes(handler_input: HandlerInput) -> dict[str, Any]:
    """The session attributes (an empty dict stands in for a request without a session)."""
    manager = handler_input.attributes_manager
    if handler_input.request_envelope.session is None:
        return {}
    attributes = manager.session_attributes
    if attributes is None:
        attributes = manager.session_attributes = {}
    return attributes


def turn_of(handler_input: HandlerInput) -> RunnerTurn:
    turn = handler_input.attributes_manager.request_attributes[REQUEST_KEY]
    assert isinstance(turn, RunnerTurn)
    return turn


class LoadRunnerInterceptor(AbstractRequestInterceptor):
    def __init__(self, store: Any) -> None:
        self.store = store

    def process(self, handler_input: HandlerInput) -> None:
        key = identify(handler_input)
        session = handler_input.request_envelope.session
        context = handler_input.context
        carried = (
            context.record
            if isinstance(context, Carried)
            else session_attributes(handler_input).get(SESSION_KEY)
        )
        record = None
        unsaved = store_down = False
        if session is not None and not session.new and isinstance(carried, dict):
            record = record_from_session(key, carried)
            unsaved = record is not None and carried.get("unsaved") is True
        if record is None:
            try:
                record = self.store.load(key)
            except StoreError as error:
                log.warning("store unavailable at session start: %s", type(error).__name__)
                record = RunnerRecord(key=key, state={}, version=0, turn_at=0.0)
                store_down = True
        state = RunnerState.from_json(record.state)
        handler_input.attributes_manager.request_attributes[REQUEST_KEY] = RunnerTurn(
            record, state, state, unsaved, store_down
        )


class SaveRunnerInterceptor(AbstractResponseInterceptor):
    def __init__(self, store: Any, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        turn = handler_input.attributes_manager.request_attributes.get(REQUEST_KEY)
        if not isinstance(turn, RunnerTurn):
            return
        record = turn.record
        unsaved = False
        if turn.changed:
            wanted = RunnerRecord(
                key=record.key,
                state=turn.state.to_json(),
                version=record.version,
                turn_at=self.clock(),
            )
            try:
                if turn.store_down:
                    raise StoreUnavailable("the store did not answer the read of this turn")
                record = self.store.save(wanted)
            except (StoreError, ValueError, OverflowError) as error:
                log.warning("progress not saved: %s", type(error).__name__)
                record, unsaved = wanted, True
                add_sentence(response, NOT_SAVED)
        session_attributes(handler_input)[SESSION_KEY] = {
            "version": record.version,
            "turn_at": record.turn_at,
            "state": record.state,
            "unsaved": unsaved,
        }


def record_from_session(key: str, carried: dict[str, Any]) -> RunnerRecord | None:
    version, turn_at, state = carried.get("version"), carried.get("turn_at"), carried.get("state")
    if (
        isinstance(version, bool)
        or not isinstance(version, int)
        or not 0 <= version <= MAX_VERSION
        or isinstance(turn_at, bool)
        or not isinstance(turn_at, int | float)
        or not 0 <= turn_at <= MAX_VERSION
        or not isinstance(state, dict)
    ):
        return None  # not what this service wrote: read the store instead
    return RunnerRecord(key=key, state=state, version=version, turn_at=float(turn_at))


def add_sentence(response: Response, sentence: str) -> None:
    speech = response.output_speech
    if isinstance(speech, SsmlOutputSpeech) and speech.ssml and speech.ssml.endswith("</speak>"):
        speech.ssml = speech.ssml[: -len("</speak>")] + f" {sentence}</speak>"
    else:
        response.output_speech = SsmlOutputSpeech(ssml=f"<speak>{sentence}</speak>")

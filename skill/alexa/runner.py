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

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import SsmlOutputSpeech

from skill.routine.state import RunnerState
from skill.storage.records import RunnerRecord, StoreError, runner_key

log = logging.getLogger(__name__)

SESSION_KEY = "runner"
REQUEST_KEY = "runner"
NOT_SAVED = "I couldn't save your progress just now; I'll try again on your next turn."


@dataclass
class RunnerTurn:
    """The runner's record as loaded, and the state the handler leaves behind."""

    record: RunnerRecord
    loaded: RunnerState
    state: RunnerState
    unsaved: bool = False  # an earlier turn's state still waits to be saved

    @property
    def changed(self) -> bool:
        return self.unsaved or self.state != self.loaded


def identify(handler_input: HandlerInput) -> str:
    system = handler_input.request_envelope.context.system
    person = getattr(system, "person", None)
    person_id = getattr(person, "person_id", None) if person else None
    user = system.user if system.user else handler_input.request_envelope.session.user
    return runner_key(user.user_id, person_id)


def turn_of(handler_input: HandlerInput) -> RunnerTurn:
    turn: RunnerTurn = handler_input.attributes_manager.request_attributes[REQUEST_KEY]
    return turn


class LoadRunnerInterceptor(AbstractRequestInterceptor):  # type: ignore[misc]
    def __init__(self, store: Any) -> None:
        self.store = store

    def process(self, handler_input: HandlerInput) -> None:
        key = identify(handler_input)
        session = handler_input.request_envelope.session
        carried = handler_input.attributes_manager.session_attributes.get(SESSION_KEY)
        record = None
        unsaved = False
        if session is not None and not session.new and isinstance(carried, dict):
            record = record_from_session(key, carried)
            unsaved = bool(carried.get("unsaved"))
        if record is None:
            try:
                record = self.store.load(key)
            except StoreError as error:
                log.warning("store unavailable at session start: %s", type(error).__name__)
                record = RunnerRecord(key=key, state={}, version=0, turn_at=0.0)
                unsaved = False
        state = RunnerState.from_json(record.state)
        handler_input.attributes_manager.request_attributes[REQUEST_KEY] = RunnerTurn(
            record, state, state, unsaved
        )


class SaveRunnerInterceptor(AbstractResponseInterceptor):  # type: ignore[misc]
    def __init__(self, store: Any, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        turn: RunnerTurn | None = handler_input.attributes_manager.request_attributes.get(
            REQUEST_KEY
        )
        if turn is None:
            return
        record = turn.record
        unsaved = False
        if turn.changed:
            wanted = RunnerRecord(
                key=record.key, state=turn.state.to_json(), version=record.version,
                turn_at=self.clock(),
            )
            try:
                record = self.store.save(wanted)
            except StoreError as error:
                log.warning("progress not saved: %s", type(error).__name__)
                record, unsaved = wanted, True
                add_sentence(response, NOT_SAVED)
        attributes = handler_input.attributes_manager.session_attributes
        attributes[SESSION_KEY] = {
            "version": record.version,
            "turn_at": record.turn_at,
            "state": RunnerState.from_json(record.state).to_json() if unsaved else record.state,
            "unsaved": unsaved,
        }


def record_from_session(key: str, carried: dict[str, Any]) -> RunnerRecord | None:
    version, turn_at, state = carried.get("version"), carried.get("turn_at"), carried.get("state")
    if (
        isinstance(version, bool)
        or not isinstance(version, int)
        or not isinstance(turn_at, int | float)
        or not isinstance(state, dict)
    ):
        return None
    return RunnerRecord(key=key, state=state, version=version, turn_at=float(turn_at))


def add_sentence(response: Response, sentence: str) -> None:
    speech = response.output_speech
    if isinstance(speech, SsmlOutputSpeech) and speech.ssml.endswith("</speak>"):
        speech.ssml = speech.ssml[: -len("</speak>")] + f" {sentence}</speak>"
    else:
        response.output_speech = SsmlOutputSpeech(ssml=f"<speak>{sentence}</speak>")

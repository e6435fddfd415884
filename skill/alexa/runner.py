"""The runner's state around one request: read once per session, written once per changed turn.

A new session (or one-shot) reads the store once; later turns take the state from the session
attributes, where it travels with its store version. After the handler ran, a changed state is
saved; when the store is unavailable the runner still hears the answer, plus one sentence, and
the unsaved state travels on in the session attributes until a later turn saves it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ask_sdk_core.dispatch_components.request_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.response import Response
from ask_sdk_model.session_ended_request import SessionEndedRequest
from ask_sdk_model.ui.ssml_output_speech import SsmlOutputSpeech

from skill import strict_json
from skill.routine.state import (
    MAX_STATE_BYTES,
    Encoded,
    RunnerState,
    after_turn,
    encode_json,
    reads_back,
)
from skill.storage.records import (
    RunnerRecord,
    StoreConflict,
    StoreError,
    StoreUnavailable,
    runner_key,
)

log = logging.getLogger(__name__)

SESSION_KEY = "runner"
REQUEST_KEY = "runner"
MAX_VERSION = 2**53  # versions and clocks this service writes stay far below this
SAVE_BUDGET_S = 3.0  # a session-ending save is retried this long from the request's start
RETRY_PAUSE_S = 0.1  # doubled after each failed attempt, at most 0.8 s

# Everything the runner hears about the store, in one place (plain text: no SSML markup).
STORE_SENTENCES = {
    "unknown": (
        "I can't reach your saved progress right now; "
        "we can start fresh and I'll keep today's work."
    ),
    "not_saved": "I couldn't save your progress just now; I'll keep trying as we go.",
    "lost": "I couldn't save your progress just now, so today's session may not be kept. Sorry.",
}


@dataclass
class RunnerTurn:
    """The runner's record as loaded, and the state the handler leaves behind."""

    record: RunnerRecord
    loaded: RunnerState
    state: RunnerState
    unsaved: bool = False  # an earlier turn's state still waits to be saved
    unknown: bool = False  # the stored record could not be read: what it holds is unknown
    told: bool = False  # the runner already heard that the store can't be reached
    started: float = field(default_factory=time.monotonic)  # when the request began
    read_failed: bool = False  # this very request could not read the store
    # How ``loaded`` serialises, when this turn already knows (it is the carried document).
    encoded: Encoded | None = None
    device: str = ""  # (a hash of) the device the request comes from

    @property
    def changed(self) -> bool:
        return self.unsaved or self.state != self.loaded


class UnknownRunner(ValueError):
    """The request names no user: there is nobody whose progress could be kept."""


class Carried(NamedTuple):
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


def identify(handler_input: HandlerInput) -> tuple[str, str]:
    """The runner's store key: the recognised person if any, else the Alexa account (from
    ``context.System.user``, or the session's user when the context names none); and a short
    hash of the device the request comes from ("" when it names none)."""
    envelope = handler_input.request_envelope
    system = envelope.context.system if envelope.context else None
    device_id = getattr(getattr(system, "device", None), "device_id", None)
    device = hashed_device(device_id) if isinstance(device_id, str) and device_id else ""
    person = getattr(system, "person", None)
    person_id = getattr(person, "person_id", None)
    user_id = None
    for user in (getattr(system, "user", None), getattr(envelope.session, "user", None)):
        candidate = getattr(user, "user_id", None)
        if isinstance(candidate, str) and candidate:
            user_id = candidate
            break
    if user_id is None:
        raise UnknownRunner("the request has no user id")
    return runner_key(user_id, person_id if isinstance(person_id, str) else None), device


@functools.lru_cache(maxsize=4096)
def hashed_device(device_id: str) -> str:
    return hashlib.sha256(b"device:" + device_id.encode("utf-8")).hexdigest()[:16]


def log_field(value: Any, limit: int = 200) -> str:
    """A value from a request, safe to put in a log line: one line, printable, bounded."""
    text = value if isinstance(value, str) else repr(value)
    text = text[: limit + 1]
    safe = "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)
    return safe[:limit] + ("..." if len(text) > limit else "")


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


class WrittenStates:
    """The last state this process left in each runner's session attributes, with the very
    document and JSON text it carried (bounded; least recently written runners go first), when
    reading that document is known to give that state back (skill.routine.state.reads_back).

    The next turn of that session usually brings the text back: when it is the very text
    written here, character for character, the state is taken from here instead of being read
    and checked again (RunnerState.from_json). So is a session start's, when the store still
    holds that text (SQLite keeps the text it read: RunnerRecord.read_from). Any other text a
    client sends or a store holds, or a turn that another process answered, is read and
    checked as before.

    The documents are the ones put in the answers' session attributes, not copies: an answer
    is serialised as it is (skill.app), never changed in place.
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self.recalled = 0  # turns that took their state from here (for tests and benchmarks)
        self._entries: dict[str, tuple[Encoded, RunnerState]] = {}
        self._lock = threading.Lock()

    def remember(self, key: str, encoded: Encoded, state: RunnerState) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (encoded, state)
            while len(self._entries) > self.size:
                del self._entries[next(iter(self._entries))]

    def recall(self, key: str, text: str) -> tuple[Encoded, RunnerState] | None:
        """What was written for ``key`` (encoded) and its state, if ``text`` is its text."""
        entry = self._entries.get(key)
        if entry is None or entry[0].text != text:
            return None
        if CHECK_RECALLED and not _recalled_as_read(entry[1], entry[0]):
            return None  # (tests) reading the document would have given something else
        self.recalled += 1
        return entry


# Tests set this: every recalled state is compared with a full read of its document, and any
# difference is listed in RECALL_MISMATCHES (and the full read is used).
CHECK_RECALLED = False
RECALL_MISMATCHES: list[tuple[dict[str, Any], RunnerState, RunnerState]] = []


def _recalled_as_read(recalled: RunnerState, encoded: Encoded) -> bool:
    document = state_document(encoded.text)
    read = RunnerState.from_json(document) if document is not None else RunnerState()
    if document == encoded.document and read == recalled and read.to_json() == document:
        return True
    RECALL_MISMATCHES.append((encoded.document, recalled, read))
    return False


# (state, device, now, request locale) -> the state with a run another device played out to its
# end recorded as finished (Coach.settle_played_out, in the request's language).
Settle = Callable[[RunnerState, str, float, str | None], RunnerState]


class LoadRunnerInterceptor(AbstractRequestInterceptor):
    def __init__(
        self,
        store: Any,
        clock: Callable[[], float] = time.time,
        settle: Settle | None = None,
        written: WrittenStates | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.settle = settle
        self.written = written if written is not None else WrittenStates()

    def process(self, handler_input: HandlerInput) -> None:
        started = time.monotonic()
        key, device = identify(handler_input)
        session = handler_input.request_envelope.session
        context = handler_input.context
        carried = (
            context.record
            if isinstance(context, Carried)
            else session_attributes(handler_input).get(SESSION_KEY)
        )
        record = None
        encoded: Encoded | None = None
        unsaved = unknown = told = read_failed = False
        if session is not None and not session.new and isinstance(carried, dict):
            # A carried record this service could not have written is dropped for the
            # stored one: the store still holds everything saved so far.
            found = carried_record(carried)
            if found is not None:
                version, turn_at, text = found
                recalled = self.written.recall(key, text)
                document: dict[str, Any] | None
                if recalled is not None:
                    encoded, loaded = recalled  # what this process wrote, as it wrote it
                    state, document = loaded, encoded.document
                else:
                    document = state_document(text)
                    if document is not None:
                        state = loaded = RunnerState.from_json(document)
                        encoded = written_encoding(state, document, text)
                        if encoded is None:
                            # Not a state this service wrote (reading it dropped something):
                            # saving it on its version could erase what is stored, so read
                            # the store instead.
                            document = None
                if document is not None:
                    record = RunnerRecord(key, document, version, turn_at, text)
            if record is not None:
                unsaved = carried.get("unsaved") is True
                unknown = carried.get("unknown") is True and record.version == 0
                told = carried.get("told") is True
        if record is None:
            try:
                record = self.store.load(key)
            except StoreError as error:
                log.warning("store unavailable at session start: %s", type(error).__name__)
                record = RunnerRecord(key=key, state={}, version=0, turn_at=0.0)
                unknown = read_failed = True
            # A new session is on the most recently active run; one last moved on another
            # device goes on here as a run of this device's own (RunnerState.latest), unless it
            # has played out to its end: then it is recorded as finished, under its own id.
            now = self.clock()
            # The stored text this process wrote last for this runner (a session that ended
            # here, the store unchanged since): its state is taken back instead of read.
            taken_back = None
            if record.read_from is not None:
                taken_back = self.written.recall(key, record.read_from)
            if taken_back is not None:
                encoded, read = taken_back
            else:
                read = RunnerState.from_json(record.state)
            stored = read.latest()
            loaded = state = stored.latest(device, now)
            if loaded is not read:
                encoded = None
            elif encoded is None:
                # The stored document as it is (the usual session start): the session's next
                # turn can take its state back without reading it again (WrittenStates).
                encoded = written_encoding(read, record.state, record.read_from)
            if self.settle is not None:
                locale = getattr(handler_input.request_envelope.request, "locale", None)
                settled = self.settle(stored, device, now, locale)
                if settled is not stored and settled != stored:
                    # Saved with this turn whatever the turn does (loaded differs from state).
                    state = settled.latest(device, now)
        handler_input.attributes_manager.request_attributes[REQUEST_KEY] = RunnerTurn(
            record, loaded, state, unsaved, unknown, told, started, read_failed, encoded, device
        )


class SaveRunnerInterceptor(AbstractResponseInterceptor):
    def __init__(
        self,
        store: Any,
        clock: Callable[[], float] = time.time,
        budget_s: float = SAVE_BUDGET_S,
        written: WrittenStates | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.budget_s = budget_s
        self.written = written if written is not None else WrittenStates()

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        turn = handler_input.attributes_manager.request_attributes.get(REQUEST_KEY)
        if not isinstance(turn, RunnerTurn):
            return
        request = handler_input.request_envelope.request
        session_over = isinstance(request, SessionEndedRequest)
        ending = session_over or response.should_end_session is True
        record = turn.record
        carried_state: dict[str, Any] | None = None  # the record's own, once one is saved
        unsaved, told = False, turn.told
        say: list[str] = []
        if turn.unknown and not told:
            say.append(STORE_SENTENCES["unknown"])
            told = True
        now = self.clock()
        state = after_turn(turn.loaded, turn.state, now, turn.device)
        encoded = turn.encoded if state is turn.loaded else None
        if encoded is None:
            encoded = state.encode(like=turn.encoded)
        if not (turn.unsaved or (state is not turn.loaded and state != turn.loaded)):
            # Nothing to save: the state as this session sees it travels on, as this service
            # writes it (so the next turn can tell it from one it did not write).
            carried_state = encoded.document
        else:
            wanted = RunnerRecord(
                key=record.key,
                state=encoded.document,
                version=record.version,
                turn_at=now,
                encoded=encoded.text,
            )
            try:
                if turn.read_failed and not ending:
                    # The read just failed: don't make the runner wait for a write too.
                    raise StoreUnavailable("the store did not answer the read of this turn")
                # Only a turn that ends the session waits for the store to come back: any
                # other turn's state travels on and the next turn saves it.
                deadline = turn.started + (self.budget_s if ending else 0.0)
                record = save_within(self.store, wanted, deadline)
            except (StoreError, ValueError, OverflowError) as error:
                record, unsaved = wanted, True
                if ending:
                    log.error(
                        "progress lost at the end of a session: %s (%s)",
                        type(error).__name__,
                        "a completion"
                        if state.total_completed() != turn.loaded.total_completed()
                        else "a turn",
                    )
                    say.append(STORE_SENTENCES["lost"])
                else:
                    log.warning("progress not saved: %s", type(error).__name__)
                    if not turn.unsaved and not turn.unknown:
                        say.append(STORE_SENTENCES["not_saved"])
        if say and not session_over:  # a SessionEndedRequest's answer is never spoken
            add_sentences(response, say, before=turn.read_failed)
        carried = record.state if carried_state is None else carried_state
        session_attributes(handler_input)[SESSION_KEY] = {
            "version": record.version,
            "turn_at": record.turn_at,
            # As the text the store holds: Alexa carries it back byte for byte, so the next
            # turn tells it from one this service wrote without reading it (WrittenStates).
            "state": encoded.text if carried is encoded.document else encode_json(carried),
            "unsaved": unsaved,
            "unknown": turn.unknown and record.version == 0,
            "told": told,
        }
        if (
            carried is encoded.document
            and encoded.whole
            and turn.encoded is not None  # turn.loaded reads back from its document
            and reads_back(state, turn.loaded)
        ):
            # Anything else (a merged record, a shrunk state, a new session's state, a turn
            # that did more than move the progress on) is read and checked by the next turn.
            self.written.remember(record.key, encoded, state)


def save_within(store: Any, record: RunnerRecord, deadline: float) -> RunnerRecord:
    """Save, trying again while the store is unavailable or contended until ``deadline``
    (time.monotonic): at least one attempt, and none started after the deadline."""
    pause = RETRY_PAUSE_S
    while True:
        try:
            saved: RunnerRecord = store.save(record)
            return saved
        except (StoreUnavailable, StoreConflict):
            if time.monotonic() + pause >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.8)


def carried_record(carried: dict[str, Any]) -> tuple[int, float, str] | None:
    """The version, time and state text of a carried record, if it has the form this service
    writes (the text is read later, only when it is not the one this process wrote)."""
    version, turn_at, text = carried.get("version"), carried.get("turn_at"), carried.get("state")
    if (
        isinstance(version, bool)
        or not isinstance(version, int)
        or not 0 <= version <= MAX_VERSION
        or isinstance(turn_at, bool)
        or not isinstance(turn_at, int | float)
        or not 0 <= turn_at <= MAX_VERSION
        or not isinstance(text, str)
        or len(text) > MAX_STATE_BYTES
    ):
        return None  # not what this service wrote: read the store instead
    return version, float(turn_at), text


def written_encoding(
    state: RunnerState, document: dict[str, Any], text: str | None
) -> Encoded | None:
    """The encoding of ``state``, read from ``document`` (and ``text``), when it gives that
    document back: a state as this service writes it. None when reading dropped or changed
    something."""
    encoded = state.encode()
    return encoded if encoded.text == text or encoded.document == document else None


def state_document(text: str) -> dict[str, Any] | None:
    """The document a carried state's text holds; None for text this service could not have
    written (not JSON, not an object, NaN or infinities, nested past any state's depth)."""
    try:
        document = strict_json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or strict_json.nested_too_deep(text, document):
        return None
    return document


def add_sentences(response: Response, sentences: list[str], *, before: bool = False) -> None:
    """Add plain sentences (no markup) to the response's speech, at its end or its start."""
    text = " ".join(sentences)
    speech = response.output_speech
    ssml = speech.ssml if isinstance(speech, SsmlOutputSpeech) else None
    if not (ssml and ssml.startswith("<speak>") and ssml.endswith("</speak>")):
        ssml = f"<speak>{text}</speak>"
    elif before:
        ssml = f"<speak>{text} " + ssml[len("<speak>") :]
    else:
        ssml = ssml[: -len("</speak>")] + f" {text}</speak>"
    response.output_speech = SsmlOutputSpeech(ssml=ssml)

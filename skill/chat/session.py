"""One runner's conversation with the skill: sessions opened, carried and closed like Alexa,
on a timeline that is either real time or a virtual clock that plays each response like an Echo.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from skill.chat import envelopes
from skill.chat.envelopes import Identity, Session, SkillResponse
from skill.chat.errors import TransportError
from skill.chat.resolver import SlotFill
from skill.chat.speech import check_rate, playback_seconds
from skill.chat.transport import Transport

# How long Alexa keeps the microphone open after a response, and again after its reprompt.
MIC_OPEN_SECONDS = 8.0
DEFAULT_REACTION_SECONDS = 2.0


class Timeline(Protocol):
    """The console's "now" (request timestamps, and the in-process skill's CLOCK)."""

    def __call__(self) -> float:
        """Seconds since the epoch."""

    def played(self, ssml: str | None) -> float:
        """A response (or reprompt) starts playing now; returns its playback seconds."""

    def respond(self) -> None:
        """The runner speaks: after the playback, plus a reaction."""

    def barge_in(self, seconds: float) -> bool:
        """The runner speaks ``seconds`` into the playback; False when it had ended by then."""

    def idle(self, seconds: float) -> None:
        """Nobody speaks for ``seconds`` after the playback ended."""


class RealTimeline:
    """Real time: whatever waiting there is, the player does (or nobody does)."""

    def __init__(self, rate: float = 1.0, language: str = "en") -> None:
        check_rate(rate)
        self.rate = rate
        self.language = language

    def __call__(self) -> float:
        return time.time()

    def played(self, ssml: str | None) -> float:
        return playback_seconds(ssml, self.rate, self.language) if ssml else 0.0

    def respond(self) -> None:
        return None

    def barge_in(self, seconds: float) -> bool:
        return True

    def idle(self, seconds: float) -> None:
        return None


class VirtualTimeline:
    """Time as an Echo lives it, without the wait: each response plays for its estimated time
    at ``rate`` (words over the rate, breaks exact) and the runner answers ``reaction`` seconds
    after it ends. Starts at the real time; only moves forward."""

    def __init__(self, start: float | None = None, *, rate: float = 1.0,
                 reaction: float = DEFAULT_REACTION_SECONDS, language: str = "en") -> None:
        check_rate(rate)
        self.language = language  # whose voice's speaking-rate estimate the playback takes
        if not (math.isfinite(reaction) and reaction >= 0):
            raise ValueError(f"reaction must be zero or more seconds, not {reaction!r}")
        self.rate = rate
        self.reaction = reaction
        self.now = time.time() if start is None else float(start)
        self.started_at = self.now  # when the last playback started
        self.free_at = self.now     # when it ended (or will end, or was cut short)
        self._barged_in = False

    def __call__(self) -> float:
        return self.now

    def played(self, ssml: str | None) -> float:
        seconds = playback_seconds(ssml, self.rate, self.language) if ssml else 0.0
        self.started_at, self.free_at = self.now, self.now + seconds
        self._barged_in = False
        return seconds

    def respond(self) -> None:
        """The runner speaks (again idempotent until the next playback); after a barge-in the
        moment is the barge-in's."""
        if not self._barged_in:
            self.idle(self.reaction)

    def barge_in(self, seconds: float) -> bool:
        moment = self.started_at + max(0.0, seconds)
        if moment >= self.free_at:
            self.idle(moment - self.free_at)
            return False
        self.now = max(self.now, moment)
        self.free_at = self.now
        self._barged_in = True
        return True

    def idle(self, seconds: float) -> None:
        self.now = max(self.now, self.free_at + max(0.0, seconds))


class Conversation:
    """Builds each request envelope, sends it, and follows the session the skill keeps open."""

    def __init__(self, identity: Identity, locale: str, transport: Transport,
                 clock: Callable[[], float] = time.time,
                 on_exchange: Callable[[Mapping[str, Any], Any], None] | None = None) -> None:
        self.identity = identity
        self.locale = locale
        self.transport = transport
        self._clock = clock
        self._on_exchange = on_exchange
        self.session: Session | None = None
        self.last_response: SkillResponse | None = None

    def _moment(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    @property
    def is_open(self) -> bool:
        return self.session is not None

    def launch(self) -> SkillResponse:
        """"Alexa, open foot coach": always a new session."""
        self.session = None
        return self._exchange(envelopes.launch_request(self.locale, self._moment()))

    def intent(self, name: str, slots: Sequence[SlotFill],
               new_session: bool = False) -> SkillResponse:
        """An IntentRequest in the open session, or as a one-shot when none is open."""
        if new_session:
            self.session = None
        request = envelopes.intent_request(self.locale, name, slots,
                                           self.identity.application_id, self._moment())
        return self._exchange(request)

    def end(self, reason: str = "USER_INITIATED") -> SkillResponse | None:
        """Send SessionEndedRequest if a session is open; the skill's answer is never spoken."""
        if self.session is None:
            return None
        request = envelopes.session_ended_request(self.locale, reason, self._moment())
        try:
            return self._exchange(request)
        finally:
            self.session = None

    def _exchange(self, request: Mapping[str, Any]) -> SkillResponse:
        session = self.session or envelopes.new_session()
        body = envelopes.envelope(self.identity, session, request)
        try:
            answer = self.transport.send(body)
            if self._on_exchange is not None:
                self._on_exchange(body, answer)
            response = envelopes.parse_response_envelope(answer)
        except TransportError:
            # Alexa closes the session when a skill fails to answer properly.
            self.session = None
            raise
        self.last_response = response
        if response.end_session or request["type"] == "SessionEndedRequest":
            self.session = None
        else:
            session.new = False
            session.attributes = dict(response.session_attributes)
            self.session = session
        return response

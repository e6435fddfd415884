"""One runner's conversation with the skill: sessions opened, carried and closed like Alexa."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from skill.chat import envelopes
from skill.chat.envelopes import Identity, Session, SkillResponse
from skill.chat.errors import TransportError
from skill.chat.resolver import SlotFill
from skill.chat.transport import Transport


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Conversation:
    """Builds each request envelope, sends it, and follows the session the skill keeps open."""

    def __init__(self, identity: Identity, locale: str, transport: Transport,
                 clock: Callable[[], datetime] = _utc_now,
                 on_exchange: Callable[[Mapping[str, Any], Any], None] | None = None) -> None:
        self.identity = identity
        self.locale = locale
        self.transport = transport
        self._clock = clock
        self._on_exchange = on_exchange
        self.session: Session | None = None
        self.last_response: SkillResponse | None = None

    @property
    def is_open(self) -> bool:
        return self.session is not None

    def launch(self) -> SkillResponse:
        """"Alexa, open foot coach": always a new session."""
        self.session = None
        return self._exchange(envelopes.launch_request(self.locale, self._clock()))

    def intent(self, name: str, slots: Sequence[SlotFill],
               new_session: bool = False) -> SkillResponse:
        """An IntentRequest in the open session, or as a one-shot when none is open."""
        if new_session:
            self.session = None
        request = envelopes.intent_request(self.locale, name, slots,
                                           self.identity.application_id, self._clock())
        return self._exchange(request)

    def end(self, reason: str = "USER_INITIATED") -> SkillResponse | None:
        """Send SessionEndedRequest if a session is open; the skill's answer is never spoken."""
        if self.session is None:
            return None
        request = envelopes.session_ended_request(self.locale, reason, self._clock())
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

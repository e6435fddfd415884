"""A simulated Echo: plays each response on a fake clock, the way a runner's device would.

The skill estimates how long its speech takes (skill.routine.cues: 150 words a minute, stretched
by ``<prosody rate>``); a real Alexa voice speaks at some rate the skill does not know. This
device plays every response in ``estimate / rate`` seconds for the words and exactly the
``<break>`` time for the silences, on a :class:`FakeClock` that the app under test also reads
(``create_app({"CLOCK": clock, ...})``). The runner answers ``after`` seconds after the playback
ends, or barges in ``barge_in`` seconds into it; what the runner heard is kept on each turn.

Sessions follow Alexa's rules:
- ``shouldEndSession: false`` opens the microphone for about 8 s after the playback; if the
  runner says nothing, the reprompt plays, the microphone opens for 8 s more, and then the session
  ends with a SessionEndedRequest (reason EXCEEDED_MAX_REPROMPTS).
- A response that ends the session (``shouldEndSession`` true or absent) gets no
  SessionEndedRequest; anything said afterwards, even while it is still playing, is a one-shot
  ("Alexa, ask foot coach ...") in a new session, without session attributes.
- Session attributes travel from each response to the next request of the same session.

The request timestamp is the fake clock's time: build the app with :func:`make_app` (or give
``create_app`` a ``VERIFIER`` on the same clock), or the service rejects requests as too old.

Usage: tests under tests/device/ get the ``echo_factory`` fixture (tests/device/conftest.py)::

    echo = echo_factory(rate=0.8)          # all echoes of one test share the app and clock
    echo.launch()
    echo.say("AMAZON.YesIntent", after=3.0)
    turn = echo.say("RepsLeftIntent", barge_in=30.0)
    echo.turns[-2].heard_text              # what the runner heard before asking

Elsewhere: ``from device.echo import Echo, FakeClock, make_app`` (tests/ is on sys.path), then
``Echo(make_app(clock, store_url).test_client(), clock, rate=1.25)``.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from xml.sax.saxutils import escape

from flask import Flask
from flask.testing import FlaskClient

from skill.chat import envelopes
from skill.chat.envelopes import Identity, Session
from skill.chat.speech import (
    Speech,
    check_rate,
    heard_until,
    playback_seconds,
    ssml_segments,
)
from skill.routine.languages import language_of

# 2026-03-02 07:00:00 UTC, a Monday morning: a fixed start keeps runs reproducible.
DEFAULT_START = 1_772_434_800.0
# How long Alexa keeps the microphone open after a response (and after its reprompt).
MIC_OPEN_SECONDS = 8.0
DEFAULT_AFTER = 2.0
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-footcoach000"

TurnKind = Literal["response", "reprompt", "ended"]


class EchoError(AssertionError):
    """The skill did not answer as Alexa requires (HTTP error, no response envelope)."""


class FakeClock:
    """Seconds since the epoch that only move when told to; pass it as the app's CLOCK."""

    def __init__(self, start: float = DEFAULT_START) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        if seconds < 0 or not math.isfinite(seconds):
            raise ValueError(f"the clock only moves forward, not by {seconds!r} s")
        self.now += seconds
        return self.now

    def advance_to(self, moment: float) -> float:
        """Move to ``moment``; a moment already past leaves the clock where it is."""
        self.now = max(self.now, float(moment))
        return self.now

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)


# -- playback arithmetic (shared with the console: skill/chat/speech.py) -----------------------

__all__ = [
    "Echo",
    "EchoError",
    "FakeClock",
    "Turn",
    "heard_until",
    "make_app",
    "playback_seconds",
    "spoken_text",
]


def spoken_text(ssml: str) -> str:
    """The words of ``ssml``, without markup or pauses."""
    return " ".join(s.text for s in ssml_segments(ssml) if isinstance(s, Speech))


# -- turns ------------------------------------------------------------------------------------


@dataclass
class Turn:
    """One thing the device played (or one SessionEndedRequest it sent).

    ``kind`` is "response" (the skill's answer to ``request``), "reprompt" (the reprompt of the
    previous response, played because the runner said nothing; ``request`` is empty) or "ended"
    (a SessionEndedRequest the device sent; nothing is played).
    """

    kind: TurnKind
    request: dict[str, Any]
    response: dict[str, Any]
    ssml: str
    started_at: float
    duration: float
    rate: float
    status: int = 200
    language: str = "en"  # whose voice plays it: the skill's estimate in that language
    interrupted_at: float | None = None  # seconds into the playback, on a barge-in
    heard_text: str = field(default="")

    def __post_init__(self) -> None:
        if not self.heard_text and self.interrupted_at is None:
            self.heard_text = self.text

    @property
    def text(self) -> str:
        return spoken_text(self.ssml)

    @property
    def reprompt_ssml(self) -> str | None:
        reprompt = self.response.get("response", {}).get("reprompt")
        if not isinstance(reprompt, Mapping):
            return None
        speech = reprompt.get("outputSpeech") or {}
        return str(speech.get("ssml") or speech.get("text") or "") or None

    @property
    def reprompt_text(self) -> str | None:
        ssml = self.reprompt_ssml
        return None if ssml is None else spoken_text(ssml)

    @property
    def ends_session(self) -> bool:
        """Alexa ends the session unless the response says ``shouldEndSession: false``."""
        if self.kind == "ended":
            return True
        return self.response.get("response", {}).get("shouldEndSession") is not False

    @property
    def ended_at(self) -> float:
        """When the playback stopped: its end, or the moment the runner barged in."""
        played = self.duration if self.interrupted_at is None else self.interrupted_at
        return self.started_at + played

    @property
    def request_type(self) -> str | None:
        value = self.request.get("request", {}).get("type")
        return value if isinstance(value, str) else None

    @property
    def intent(self) -> str | None:
        value = self.request.get("request", {}).get("intent", {}).get("name")
        return value if isinstance(value, str) else None

    @property
    def session_id(self) -> str | None:
        value = self.request.get("session", {}).get("sessionId")
        return value if isinstance(value, str) else None

    @property
    def new_session(self) -> bool:
        return bool(self.request.get("session", {}).get("new"))

    @property
    def session_attributes(self) -> dict[str, Any]:
        return dict(self.response.get("sessionAttributes") or {})

    def cut(self, seconds: float) -> None:
        """The runner barged in ``seconds`` into this playback."""
        self.interrupted_at = seconds
        self.heard_text = heard_until(self.ssml, seconds, self.rate, self.language)


# -- the device -------------------------------------------------------------------------------


def slot_json(name: str, value: str) -> dict[str, Any]:
    """A slot as Alexa sends it. ``value`` is "spoken|id" (Alexa resolved it to ``id``) or
    "spoken" (no match in the slot type: the skill resolves the words itself)."""
    spoken, _, value_id = value.partition("|")
    authority: dict[str, Any] = {
        "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{name}",
        "status": {"code": "ER_SUCCESS_MATCH" if value_id else "ER_SUCCESS_NO_MATCH"},
    }
    if value_id:
        authority["values"] = [{"value": {"name": spoken, "id": value_id}}]
    resolutions = {"resolutionsPerAuthority": [authority]}
    return {
        "name": name,
        "value": spoken,
        "confirmationStatus": "NONE",
        "source": "USER",
        "resolutions": resolutions,
        "slotValue": {"type": "Simple", "value": spoken, "resolutions": resolutions},
    }


class Echo:
    """One Echo device of one runner, talking to the app behind ``client`` on ``clock``."""

    def __init__(
        self,
        client: FlaskClient,
        clock: FakeClock,
        *,
        rate: float = 1.0,
        user_id: str | None = None,
        device_id: str | None = None,
        person_id: str | None = None,
        locale: str = "en-US",
        mic_seconds: float = MIC_OPEN_SECONDS,
    ) -> None:
        check_rate(rate)
        self.client = client
        self.clock = clock
        self.rate = rate
        self.identity = Identity(
            application_id=SKILL_ID,
            user_id=user_id or f"amzn1.ask.account.{uuid.uuid4().hex}",
            device_id=device_id or f"amzn1.ask.device.{uuid.uuid4().hex}",
        )
        self.person_id = person_id
        self.locale = locale
        # The voice of the locale speaks at the skill's estimate for its language.
        self.language = language_of(locale)
        self.mic_seconds = mic_seconds
        self.turns: list[Turn] = []
        self.session: Session | None = None
        # The response the open session is waiting on, and whether its reprompt has played.
        self._waiting: Turn | None = None
        self._reprompted = False
        # The last thing played (response or reprompt), and when the device fell silent.
        self._playing: Turn | None = None
        self._free_at = clock()

    # -- what the runner does -----------------------------------------------------------------

    @property
    def last(self) -> Turn | None:
        """The last response or reprompt played."""
        return self._playing

    @property
    def playing(self) -> Turn | None:
        """The last response or reprompt, if nothing has happened since (no barge-in, no
        SessionEndedRequest, no wait past it): the playback a barge-in can cut into."""
        turn = self._playing
        if turn is None or turn.interrupted_at is not None or self.turns[-1] is not turn:
            return None
        if self.clock() > turn.started_at + turn.duration:
            return None
        return turn

    @property
    def session_open(self) -> bool:
        return self.session is not None

    def launch(self, *, after: float = DEFAULT_AFTER, barge_in: float | None = None) -> Turn:
        """ "Alexa, open foot coach": always a new session (an open one is ended first)."""
        moment, in_session = self._moment(after, barge_in)
        if in_session:
            self._end(moment, "USER_INITIATED")
        return self._send(envelopes.launch_request(self.locale, self._datetime(moment)), moment)

    def say(
        self,
        intent: str,
        slots: Mapping[str, str] | None = None,
        *,
        after: float = DEFAULT_AFTER,
        barge_in: float | None = None,
    ) -> Turn:
        """The runner says something that resolves to ``intent`` (slot values "spoken|id" or
        "spoken"), ``after`` seconds after the playback ended or ``barge_in`` seconds into it.
        With no session open it is a one-shot in a new session."""
        moment, _ = self._moment(after, barge_in)
        request = self._request_base("IntentRequest", moment)
        request["dialogState"] = "COMPLETED"
        request["intent"] = {
            "name": intent,
            "confirmationStatus": "NONE",
            "slots": {name: slot_json(name, value) for name, value in (slots or {}).items()},
        }
        return self._send(request, moment)

    def reprompt(self) -> Turn | None:
        """The runner stays silent through the first microphone window: the reprompt plays and
        the microphone opens once more. None (nothing happens) without an open session or when
        the reprompt has played already or there is none; see :meth:`silence`."""
        if self.session is None or self._waiting is None or self._reprompted:
            return None
        ssml = self._waiting.reprompt_ssml
        if ssml is None:
            return None
        return self._play_reprompt(ssml)

    def silence(self) -> Turn | None:
        """The runner says nothing at all: the reprompt plays after ~8 s (if there is one and it
        has not played yet), then after ~8 s more the session ends (SessionEndedRequest,
        EXCEEDED_MAX_REPROMPTS). Returns the reprompt played, if any; None without a session."""
        if self.session is None:
            return None
        played = self.reprompt()
        self._end(self._free_at + self.mic_seconds, "EXCEEDED_MAX_REPROMPTS")
        return played

    def stop_session(self, *, after: float = 0.0, reason: str = "USER_INITIATED") -> Turn | None:
        """The session is closed from the device's side (the runner walks away, says "exit"):
        a SessionEndedRequest ``after`` seconds after the playback. None if none is open."""
        if self.session is None:
            return None
        return self._end(self._free_at + after, reason)

    def wait(self, seconds: float) -> None:
        """The device stays idle ``seconds`` after its last playback (e.g. a day between runs):
        an open session runs out as it would (reprompt, then SessionEndedRequest)."""
        target = self._free_at + seconds
        while self.session is not None:
            deadline = self._free_at + self.mic_seconds
            if target <= deadline:
                break
            if self.reprompt() is None:
                self._end(deadline, "EXCEEDED_MAX_REPROMPTS")
        self.clock.advance_to(target)

    # -- timing -------------------------------------------------------------------------------

    def _moment(self, after: float, barge_in: float | None) -> tuple[float, bool]:
        """When the runner's request reaches the skill, and whether it belongs to the open
        session; a session that times out first is ended (reprompt, SessionEndedRequest)."""
        if barge_in is not None:
            if barge_in < 0 or not math.isfinite(barge_in):
                raise ValueError(f"barge_in must be a moment in the playback, not {barge_in!r}")
            playing = self.playing
            if playing is None:
                raise ValueError("nothing is playing to barge in on")
            if playing.started_at + barge_in < self.clock():
                raise ValueError(f"{barge_in} s into the playback is already past")
            if barge_in < playing.duration:
                playing.cut(barge_in)
                return playing.started_at + barge_in, self.session is not None
            # Past the end of the playback: the same as answering that long after it.
            after = barge_in - playing.duration
        if after < 0 or not math.isfinite(after):
            raise ValueError(f"after must be zero or more seconds, not {after!r}")
        # The clock may have been moved on by the test (time passed with the device idle).
        start = max(self._free_at, self.clock())
        moment = start + after
        while self.session is not None:
            deadline = self._free_at + self.mic_seconds
            if moment <= deadline:
                return moment, True
            ssml = self._waiting.reprompt_ssml if self._waiting is not None else None
            if ssml is not None and not self._reprompted:
                reprompt = self._play_reprompt(ssml)
                if moment < reprompt.started_at + reprompt.duration:
                    reprompt.cut(moment - reprompt.started_at)
                    self._free_at = moment
                    return moment, True
                continue
            self._end(deadline, "EXCEEDED_MAX_REPROMPTS")
        return moment, False

    def _datetime(self, moment: float) -> datetime:
        return datetime.fromtimestamp(moment, UTC)

    # -- requests -----------------------------------------------------------------------------

    def _request_base(self, request_type: str, moment: float) -> dict[str, Any]:
        return {
            "type": request_type,
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": envelopes.alexa_timestamp(self._datetime(moment)),
            "locale": self.locale,
        }

    def _envelope(self, session: Session, request: Mapping[str, Any]) -> dict[str, Any]:
        body = envelopes.envelope(self.identity, session, request)
        if self.person_id:
            body["context"]["System"]["person"] = {"personId": self.person_id}
        problems = envelopes.validate_request_envelope(body)
        assert not problems, problems  # the simulator itself must send what Alexa sends
        return body

    def _post(self, body: dict[str, Any], moment: float) -> tuple[int, dict[str, Any]]:
        self.clock.advance_to(moment)
        answer = self.client.post("/alexa", json=body)
        payload = answer.get_json(silent=True)
        if answer.status_code != 200 or not isinstance(payload, dict):
            hint = ""
            if "timestamp" in answer.get_data(as_text=True):
                hint = (
                    " (build the app with tests/device/echo.make_app: its verifier must "
                    "read the fake clock)"
                )
            raise EchoError(
                f"HTTP {answer.status_code} for {body['request']['type']}: "
                f"{answer.get_data(as_text=True)[:300]}{hint}"
            )
        return answer.status_code, payload

    def _send(self, request: dict[str, Any], moment: float) -> Turn:
        session = self.session or Session(session_id=f"amzn1.echo-api.session.{uuid.uuid4()}")
        body = self._envelope(session, request)
        status, payload = self._post(body, moment)
        response = payload.get("response")
        if not isinstance(response, Mapping):
            raise EchoError(f"no response in the skill's answer: {payload!r:.300}")
        speech = response.get("outputSpeech") or {}
        ssml = str(speech.get("ssml") or "")
        if not ssml and speech.get("text"):
            ssml = f"<speak>{escape(str(speech['text']))}</speak>"
        turn = Turn(
            kind="response",
            request=body,
            response=payload,
            ssml=ssml,
            started_at=moment,
            duration=playback_seconds(ssml, self.rate, self.language) if ssml else 0.0,
            rate=self.rate,
            language=self.language,
            status=status,
        )
        self.turns.append(turn)
        self._playing = turn
        self._free_at = turn.started_at + turn.duration
        if turn.ends_session:
            self.session, self._waiting = None, None
        else:
            session.new = False
            session.attributes = dict(payload.get("sessionAttributes") or {})
            self.session, self._waiting, self._reprompted = session, turn, False
        return turn

    def _play_reprompt(self, ssml: str) -> Turn:
        assert self._waiting is not None
        moment = self._free_at + self.mic_seconds
        turn = Turn(
            kind="reprompt",
            request={},
            response=self._waiting.response,
            ssml=ssml,
            started_at=moment,
            duration=playback_seconds(ssml, self.rate, self.language),
            rate=self.rate,
            language=self.language,
        )
        self.turns.append(turn)
        self._playing, self._reprompted = turn, True
        self._free_at = turn.started_at + turn.duration
        self.clock.advance_to(moment)
        return turn

    def _end(self, moment: float, reason: str) -> Turn | None:
        """Send SessionEndedRequest for the open session at ``moment`` (never before now)."""
        session = self.session
        if session is None:
            return None
        moment = max(moment, self.clock())
        request = self._request_base("SessionEndedRequest", moment)
        request["reason"] = reason
        body = self._envelope(session, request)
        self.session, self._waiting = None, None
        status, payload = self._post(body, moment)
        turn = Turn("ended", body, payload, "", moment, 0.0, self.rate, status)
        self.turns.append(turn)
        self._free_at = max(self._free_at, moment)
        return turn


# -- the app under test -----------------------------------------------------------------------


def make_app(clock: Callable[[], float], store_url: str, **config: Any) -> Flask:
    """The real app on ``clock``: the coach's CLOCK and the request verifier's "now" are both
    the fake clock (signatures off, any skill id), so timestamps from the device are current."""
    from skill.app import create_app
    from skill.web.verification import RequestVerifier

    verifier = RequestVerifier(
        skill_id=None,
        verify_signatures=False,
        clock=lambda: datetime.fromtimestamp(clock(), UTC),
    )
    settings: dict[str, Any] = {
        "STORE_URL": store_url,
        "VERIFY_SIGNATURES": False,
        "SKILL_ID": None,
        "CLOCK": clock,
        "VERIFIER": verifier,
    }
    settings.update(config)
    return create_app(settings)

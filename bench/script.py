"""What the simulated runners say: one envelope template and a cycle of sessions.

The same definitions drive wrk (bench/alexa.lua fills the template's slots) and the in-process
runner below, so the load test and the micro-benchmarks post the same bodies.

A runner cycles through SESSIONS, starting at an offset given by its index so that runners are
spread over the cycle: a first visit that starts the foot routine and stops, a one-shot
"how many reps are left" that then times out, a return visit that resumes and goes on to the
end of the routine, the same again on the quick routine. A session's ``loop`` repeats until the
skill ends the session or, in the loop, the routine is over (the runner heard the coach say so:
the carried state has no routine in progress) and the runner walks away; bounded by
MAX_TURNS_PER_SESSION.

Every turn reaches the skill after the previous answer has played out (see bench/README.md,
"Time on the server"): in process the caller advances the app's fake CLOCK, under wrk the bench
service runs on bench/counting_app.py's fast clock.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Server time runs this much faster than real time in the benchmark: a tenth of a millisecond
# between two turns of a runner (less than any round trip) is 1,000 s on the coach's clock,
# longer than any block plays, so every turn comes after the previous answer has played out.
CLOCK_SPEED = 10_000_000.0
CLOCK_BASE_ENV = "FOOTCOACH_BENCH_CLOCK_BASE"  # shared by the workers of one bench service

BENCH_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-00000be4c400"
MAX_TURNS_PER_SESSION = 60
LOCALES = ("en-US", "en-GB", "en-US", "en-AU", "en-US", "en-CA", "en-IN")

# Alexa sends an apiAccessToken (a JWT of ~900 characters) with every request; a fixed
# stand-in of the same size keeps the bodies the size of real ones.
_ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ." + "A" * 820 + ".sig"

# Slots: @NEW@ (true/false), @SESSION@, @USER@, @PERSON@ ("" or a "person" member with its
# comma), @DEVICE@, @ATTRS@ (a JSON object), @REQID@, @TS@, @LOCALE@, @REQUEST@ (the members
# of the request object after requestId, timestamp and locale).
ENVELOPE_TEMPLATE = (
    '{"version":"1.0",'
    '"session":{"new":@NEW@,"sessionId":"amzn1.echo-api.session.@SESSION@",'
    f'"application":{{"applicationId":"{BENCH_SKILL_ID}"}},'
    '"attributes":@ATTRS@,"user":{"userId":"amzn1.ask.account.@USER@"}},'
    '"context":{"System":{@PERSON@'
    f'"application":{{"applicationId":"{BENCH_SKILL_ID}"}},'
    '"user":{"userId":"amzn1.ask.account.@USER@"},'
    '"device":{"deviceId":"amzn1.ask.device.@DEVICE@",'
    '"supportedInterfaces":{"AudioPlayer":{}}},'
    '"apiEndpoint":"https://api.amazonalexa.com",'
    f'"apiAccessToken":"{_ACCESS_TOKEN}"}},'
    '"AudioPlayer":{"playerActivity":"IDLE"}},'
    '"request":{"requestId":"amzn1.echo-api.request.@REQID@","timestamp":"@TS@",'
    '"locale":"@LOCALE@",@REQUEST@}}'
)


def _fragment(request: dict[str, Any]) -> str:
    """The request members as the text between braces (compact JSON, as Alexa sends)."""
    return json.dumps(request, separators=(",", ":"))[1:-1]


def _intent(name: str, **slots: str) -> str:
    intent: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if slots:
        intent["slots"] = {key: _slot(key, value) for key, value in slots.items()}
    return _fragment({"type": "IntentRequest", "dialogState": "COMPLETED", "intent": intent})


def _slot(name: str, value_id: str) -> dict[str, Any]:
    authority = "amzn1.er-authority.echo-sdk.footcoach.RoutineName"
    return {
        "name": name,
        "value": value_id,
        "confirmationStatus": "NONE",
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": authority,
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": value_id, "id": value_id}}],
                }
            ]
        },
    }


LAUNCH = _fragment({"type": "LaunchRequest"})
NEXT = _intent("NextStepIntent")
REPS_LEFT = _intent("RepsLeftIntent")
REPEAT = _intent("AMAZON.RepeatIntent")
YES = _intent("AMAZON.YesIntent")
STOP = _intent("AMAZON.StopIntent")
TIMED_OUT = _fragment({"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"})


@dataclass(frozen=True)
class Session:
    steps: tuple[str, ...]
    loop: tuple[str, ...] = ()

    def step(self, turn: int) -> str:
        """The request fragment of the session's turn ``turn`` (0-based)."""
        if turn < len(self.steps):
            return self.steps[turn]
        return self.loop[(turn - len(self.steps)) % len(self.loop)]

    def as_arg(self) -> str:
        """One command-line argument for alexa.lua: steps, a LOOP line, the loop's steps."""
        return "\n".join([*self.steps, "LOOP", *self.loop])


SESSIONS: tuple[Session, ...] = (
    Session((LAUNCH, _intent("StartRoutineIntent", routine="foot"), NEXT, REPS_LEFT, NEXT,
             REPEAT, NEXT, REPS_LEFT, STOP)),
    Session((REPS_LEFT, NEXT, TIMED_OUT)),
    Session((LAUNCH, YES), loop=(NEXT, NEXT, REPS_LEFT, NEXT, REPEAT)),
    Session((LAUNCH, _intent("StartRoutineIntent", routine="quick"), NEXT, NEXT, REPS_LEFT,
             REPEAT, STOP)),
    Session((LAUNCH, YES), loop=(NEXT, REPS_LEFT, NEXT, NEXT)),
)  # fmt: skip


def fast_clock(base: float | None = None, speed: float = CLOCK_SPEED) -> Callable[[], float]:
    """The bench's CLOCK for the skill: ``base + (now - base) * speed``, in epoch seconds.
    ``base`` (default: $FOOTCOACH_BENCH_CLOCK_BASE, else now) must be the same in every worker
    of a service so that they agree on the time whichever one answers a runner's turn."""
    if base is None:
        base = float(os.environ.get(CLOCK_BASE_ENV) or time.time())
    start = base

    def clock() -> float:
        return start + (time.time() - start) * speed

    return clock


def fill(template: str, values: dict[str, str]) -> str:
    text = template
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def expects_speech(fragment: str) -> bool:
    return '"SessionEndedRequest"' not in fragment


# The coach records a routine as finished once its last block has played out, whatever the
# runner says next; the carried state then holds no routine in progress.
# The state is carried as its JSON text (ROUTINE_OVER, escaped, in the answer's text), or as
# an object by a skill that carried it so (the tree before issue 9, for comparisons).
ROUTINE_OVER = '"progress":null'


def routine_over(response: dict[str, Any]) -> bool:
    """Whether the answer's session attributes carry no routine in progress (as alexa.lua
    checks the answer's text for ROUTINE_OVER)."""
    runner = (response.get("sessionAttributes") or {}).get("runner") or {}
    state = runner.get("state") if isinstance(runner, dict) else None
    if isinstance(state, str):
        return state.startswith("{" + ROUTINE_OVER)
    return isinstance(state, dict) and "progress" in state and state["progress"] is None


@dataclass
class ScriptedRunner:
    """One runner on one device going through SESSIONS, in process (mirrors alexa.lua)."""

    index: int
    tag: str = "inproc"
    session_index: int = field(init=False)
    turn: int = 0
    session_id: str | None = None
    attributes: str = "{}"

    def __post_init__(self) -> None:
        self.session_index = self.index % len(SESSIONS)

    @property
    def user(self) -> str:
        return f"BENCH{self.tag}R{self.index:06d}"

    def body(self) -> bytes:
        fragment = SESSIONS[self.session_index].step(self.turn)
        new = self.session_id is None
        if new:
            self.session_id, self.attributes = str(uuid.uuid4()), "{}"
        person = f'"person":{{"personId":"amzn1.ask.person.P{self.index}"}},'
        values = {
            "NEW": "true" if new else "false",
            "SESSION": str(self.session_id),
            "USER": self.user,
            "PERSON": person if self.index % 3 == 0 else "",
            "DEVICE": f"D{self.index:06d}",
            "ATTRS": self.attributes,
            "REQID": str(uuid.uuid4()),
            "TS": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "LOCALE": LOCALES[self.index % len(LOCALES)],
            "REQUEST": fragment,
        }
        return fill(ENVELOPE_TEMPLATE, values).encode()

    def envelope(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.body())
        return result

    def answered(self, response: dict[str, Any]) -> None:
        """Take the skill's response envelope: carry the session on, or start the next one."""
        fragment = SESSIONS[self.session_index].step(self.turn)
        session = SESSIONS[self.session_index]
        ended = (
            not expects_speech(fragment)
            or bool(response.get("response", {}).get("shouldEndSession"))
            or (not session.loop and self.turn + 1 >= len(session.steps))
            or (self.turn >= len(session.steps) and routine_over(response))
            or self.turn + 1 >= MAX_TURNS_PER_SESSION
        )
        if ended:
            self.session_index = (self.session_index + 1) % len(SESSIONS)
            self.turn, self.session_id, self.attributes = 0, None, "{}"
        else:
            self.turn += 1
            attributes = response.get("sessionAttributes") or {}
            self.attributes = json.dumps(attributes, separators=(",", ":"))

"""A test-side Alexa: builds request envelopes like a device's, posts them over real HTTP
(optionally signed), and carries session attributes from one turn to the next."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from skill.chat.speech import playback_seconds

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-footcoach000"


def carried_state(attributes: dict[str, Any]) -> dict[str, Any]:
    """The runner state session attributes carry (as the JSON text the store holds)."""
    state = json.loads(attributes["runner"]["state"])
    assert isinstance(state, dict)
    return state


def with_carried_state(attributes: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``attributes`` carrying ``state`` instead."""
    runner = {**attributes["runner"], "state": json.dumps(state, separators=(",", ":"))}
    return {**attributes, "runner": runner}


@dataclass
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def speech(self) -> str:
        ssml = self.body.get("response", {}).get("outputSpeech", {}).get("ssml", "")
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", ssml)).replace("&apos;", "'").strip()

    @property
    def ssml(self) -> str:
        return str(self.body.get("response", {}).get("outputSpeech", {}).get("ssml", ""))

    @property
    def ends_session(self) -> bool:
        return bool(self.body.get("response", {}).get("shouldEndSession"))

    @property
    def reprompt(self) -> str | None:
        reprompt = self.body.get("response", {}).get("reprompt")
        return None if reprompt is None else str(reprompt["outputSpeech"]["ssml"])


def post(
    url: str, body: bytes, headers: dict[str, str] | None = None, timeout: float = 10
) -> Answer:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, json.loads(response.read() or b"{}"))
    except urllib.error.HTTPError as error:
        payload = error.read()
        return Answer(error.code, json.loads(payload) if payload else {})


def get(url: str, timeout: float = 5) -> Answer:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return Answer(response.status, json.loads(response.read() or b"{}"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, json.loads(error.read() or b"{}"))


@dataclass
class Echo:
    """One device of one runner talking to the skill at ``url``."""

    url: str
    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.{uuid.uuid4().hex}")
    person_id: str | None = None
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.{uuid.uuid4().hex}")
    skill_id: str = SKILL_ID
    sign: Callable[[bytes], dict[str, str]] | None = None
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    new: bool = True
    # A device plays each answer before the runner speaks again: with ``advance`` (e.g. the
    # app's fake CLOCK's ``advance``), every request first moves the server's clock on by the
    # last answer's playback at the skill's speaking-rate estimate plus ``reaction`` seconds.
    advance: Callable[[float], object] | None = None
    reaction: float = 2.0
    last: Answer | None = None

    def envelope(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.session_id is None:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.new, self.attributes = True, {}
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        system: dict[str, Any] = {
            "application": application,
            "user": user,
            "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
            "apiEndpoint": "https://api.amazonalexa.com",
        }
        if self.person_id:
            system["person"] = {"personId": self.person_id}
        return {
            "version": "1.0",
            "session": {
                "new": self.new,
                "sessionId": self.session_id,
                "application": application,
                "attributes": self.attributes,
                "user": user,
            },
            "context": {"System": system},
            "request": {
                "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "locale": "en-US",
                **request,
            },
        }

    def send(self, request: dict[str, Any]) -> Answer:
        if self.advance is not None and self.last is not None:
            self.advance(playback_seconds(self.last.ssml) + self.reaction if self.last.ssml else 0)
        body = json.dumps(self.envelope(request), separators=(",", ":")).encode()
        answer = post(self.url, body, self.sign(body) if self.sign else None)
        self.last = answer
        if answer.status == 200:
            self.new = False
            self.attributes = answer.body.get("sessionAttributes") or {}
            if answer.ends_session or request["type"] == "SessionEndedRequest":
                self.session_id = None
        return answer

    def launch(self) -> Answer:
        return self.send({"type": "LaunchRequest"})

    def intent(self, name: str, **slots: str) -> Answer:
        intent: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if slots:
            intent["slots"] = {key: slot(key, value) for key, value in slots.items()}
        return self.send({"type": "IntentRequest", "dialogState": "COMPLETED", "intent": intent})

    def one_shot(self, name: str, **slots: str) -> Answer:
        """ "Alexa, ask foot coach ..." : a new session that starts with an intent."""
        self.session_id = None
        return self.intent(name, **slots)

    def end_session(self, reason: str = "EXCEEDED_MAX_REPROMPTS") -> Answer:
        answer = self.send({"type": "SessionEndedRequest", "reason": reason})
        self.session_id = None
        return answer


def slot(name: str, value: str) -> dict[str, Any]:
    """A slot as Alexa sends it after entity resolution: ``value`` is "spoken|id" or "spoken"."""
    spoken, _, value_id = value.partition("|")
    if value_id:
        status = {"code": "ER_SUCCESS_MATCH"}
        values = [{"value": {"name": spoken, "id": value_id}}]
    else:
        status, values = {"code": "ER_SUCCESS_NO_MATCH"}, []
    authority = "amzn1.er-authority.echo-sdk.footcoach.Type"
    resolution = {"authority": authority, "status": status}
    if values:
        resolution["values"] = values
    return {
        "name": name,
        "value": spoken,
        "confirmationStatus": "NONE",
        "resolutions": {"resolutionsPerAuthority": [resolution]},
    }

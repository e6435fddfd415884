"""A tiny skill endpoint on loopback: records every envelope, answers with scripted speech."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, dict[str, Any]]


def speech(ssml: str, *, end: bool, reprompt: str | None = None,
           attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"outputSpeech": {"type": "SSML", "ssml": ssml},
                                "shouldEndSession": end}
    if reprompt:
        response["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": reprompt}}
    return {"version": "1.0", "sessionAttributes": attributes or {}, "response": response}


def default_answer(envelope: dict[str, Any]) -> Answer:
    """A skill that counts turns in its session attributes and keeps the session open."""
    request = envelope["request"]
    turn = int(envelope["session"].get("attributes", {}).get("turn", 0)) + 1
    if request["type"] == "SessionEndedRequest":
        return 200, {"version": "1.0", "response": {}}
    if request["type"] == "LaunchRequest":
        return 200, speech("<speak>Welcome. Ready?</speak>", end=False,
                           reprompt="<speak>Are you ready?</speak>", attributes={"turn": turn})
    name = request["intent"]["name"]
    if name == "AMAZON.StopIntent":
        return 200, speech("<speak>Goodbye.</speak>", end=True)
    if name == "GoToExerciseIntent":
        return 200, speech('<speak>Hold.<break time="10s"/><break time="10s"/>Relax.</speak>',
                           end=False, reprompt="<speak>Say next.</speak>",
                           attributes={"turn": turn})
    if name == "ShortHoldIntent":
        return 200, speech('<speak>Hold.<break time="1200ms"/>Relax.</speak>', end=False,
                           attributes={"turn": turn})
    return 200, speech(f"<speak>You said {name}.</speak>", end=False,
                       reprompt="<speak>Anything else?</speak>", attributes={"turn": turn})


class StubSkill:
    def __init__(self, answer: Callable[[dict[str, Any]], Answer] = default_answer) -> None:
        self.answer = answer
        self.envelopes: list[dict[str, Any]] = []
        self.arrivals: list[float] = []
        self.url = ""

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                envelope = json.loads(body)
                stub.arrivals.append(time.monotonic())
                stub.envelopes.append(envelope)
                status, answer = stub.answer(envelope)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    @contextmanager
    def running(self) -> Iterator[StubSkill]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}/alexa"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join()

    def kinds(self) -> list[str]:
        """Each request as `Type` or `IntentRequest:Name`, with * on new sessions."""
        shown = []
        for envelope in self.envelopes:
            request = envelope["request"]
            kind = request["type"]
            if kind == "IntentRequest":
                kind += ":" + request["intent"]["name"]
            if kind == "SessionEndedRequest":
                kind += ":" + request["reason"]
            shown.append(("*" if envelope["session"]["new"] else "") + kind)
        return shown

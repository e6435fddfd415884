"""Privacy: at the default log level, neither the in-process app nor `footcoach serve` logs a raw
user, person or device id, nor any piece of a request body, whatever happens: a conversation,
a store that fails, requests that are rejected, a request that makes a handler fail."""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from alexa_client import SKILL_ID, Answer, Echo, post
from servers import ServiceProcess, serve_in_thread
from signing import make_pki, make_verifier, sign_headers

from skill.app import create_app
from skill.storage.records import runner_key
from skill.storage.sqlite import SQLiteStore

Signer = Callable[[bytes], dict[str, str]]


@dataclass
class Secrets:
    """What a runner's requests carry that must never reach a log."""

    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.PRIVATE{uuid.uuid4().hex}")
    person_id: str = field(default_factory=lambda: f"amzn1.ask.person.PRIVATE{uuid.uuid4().hex}")
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.PRIVATE{uuid.uuid4().hex}")
    spoken: str = field(default_factory=lambda: f"zumba{uuid.uuid4().hex[:12]}")
    bodies: list[bytes] = field(default_factory=list)

    def echo(self, url: str, sign: Signer | None = None, skill_id: str = SKILL_ID) -> Echo:
        """The runner's Echo; every body it sends is remembered, and signed if `sign` is given."""

        def remember_and_sign(body: bytes) -> dict[str, str]:
            self.remember(body)
            return sign(body) if sign else {}

        return Echo(
            url,
            user_id=self.user_id,
            person_id=self.person_id,
            device_id=self.device_id,
            skill_id=skill_id,
            sign=remember_and_sign,
        )

    def remember(self, body: bytes) -> bytes:
        self.bodies.append(body)
        return body

    def snippets(self) -> list[str]:
        """The ids, their hash-free pieces, and distinctive pieces of every body sent."""
        pieces = [self.user_id, self.person_id, self.device_id, self.spoken]
        pieces += [piece.rsplit(".", 1)[-1] for piece in pieces[:3]]  # the bare id part
        for body in self.bodies:
            text = body.decode("utf-8", "replace")
            pieces += [text[:40], text[-40:]]
            envelope = safe_json(text)
            if isinstance(envelope, dict) and isinstance(envelope.get("session"), dict):
                pieces.append(str(envelope["session"].get("sessionId")))
        return [piece for piece in pieces if len(piece) >= 12]


def safe_json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def assert_nothing_private(log: str, secrets: Secrets) -> None:
    assert log.strip(), "the log captured something"
    for piece in secrets.snippets():
        assert piece not in log, f"{piece!r} is in the log"
    assert '"userId"' not in log and "'userId'" not in log and "user_id=" not in log


def converse(url: str, secrets: Secrets, sign: Signer | None = None) -> list[Answer]:
    """A conversation that goes through a routine, a stop, a one-shot and unknown input."""
    echo = secrets.echo(url, sign)
    answers = [
        echo.launch(),
        echo.intent("AMAZON.YesIntent"),
        echo.intent("NextStepIntent"),
        echo.intent("RepsLeftIntent"),
        echo.intent("GoToExerciseIntent", exercise=secrets.spoken),
        echo.intent("StartRoutineIntent", routine=secrets.spoken),
        echo.intent("SomethingNobodyDeclared"),
        echo.send({"type": "IntentRequest"}),  # no intent at all: spoken help
        anonymous(echo, sign),  # no user id anywhere: the handler fails, the runner hears sorry
        echo.intent("AMAZON.StopIntent"),
        echo.one_shot("NextStepIntent"),
        echo.end_session("ERROR"),
        echo.send({"type": "AudioPlayer.PlaybackStarted"}),
    ]
    assert [answer.status for answer in answers] == [200] * len(answers)
    return answers


def anonymous(echo: Echo, sign: Signer | None) -> Answer:
    envelope = echo.envelope(
        {
            "type": "IntentRequest",
            "intent": {"name": "NextStepIntent", "confirmationStatus": "NONE"},
        }
    )
    del envelope["session"]["user"], envelope["context"]["System"]["user"]
    body = json.dumps(envelope).encode()
    answer = post(echo.url, body, sign(body) if sign else None)
    assert "went wrong" in answer.body["response"]["outputSpeech"]["ssml"]
    return answer


def rejected_requests(url: str, secrets: Secrets, sign: Signer | None = None) -> None:
    """Bodies full of the runner's ids that the service must turn away without logging them."""
    echo = secrets.echo(url)
    good = json.dumps(echo.envelope({"type": "LaunchRequest"})).encode()
    other_skill = json.dumps(
        secrets.echo(url, skill_id="amzn1.ask.skill.someone-else").envelope(
            {"type": "LaunchRequest"}
        )
    ).encode()
    stale = json.loads(good)
    stale["request"]["timestamp"] = "2001-01-01T00:00:00Z"
    cases = [
        good[: len(good) // 2],  # truncated
        good.replace(b"{", b"[", 1),  # not JSON
        good.replace(b'"request"', b'"requests"'),  # no request object
        json.dumps(stale).encode(),
        other_skill,
        good + b"\xff",  # invalid UTF-8
    ]
    for body in cases:
        headers = sign(body) if sign else {}
        answer = post(url, secrets.remember(body), headers)
        assert answer.status == 400, body[:80]
    if sign:
        answer = post(url, secrets.remember(good), {**sign(good), "Signature-256": "AAAA"})
        assert answer.status == 400


def test_the_app_logs_nothing_private_at_info(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    pki = make_pki()
    store = SQLiteStore(tmp_path / "progress.db")
    app = create_app(
        {"STORE": store, "VERIFIER": make_verifier(pki, skill_id=SKILL_ID), "SKILL_ID": SKILL_ID}
    )
    secrets = Secrets()

    def sign(body: bytes) -> dict[str, str]:
        return sign_headers(pki, body)

    with serve_in_thread(app) as base:
        url = base + "/alexa"
        converse(url, secrets, sign)
        rejected_requests(url, secrets, sign)
        assert store.load(runner_key(secrets.user_id, secrets.person_id)).version > 0
        store.close()  # from now on every read and write fails
        failed = secrets.echo(url, sign)
        launch = failed.launch()
        assert launch.status == 200
        assert launch.speech.startswith("I can't reach your saved progress right now")
        start = failed.intent("AMAZON.YesIntent")
        assert "Let's start" in start.speech and "saved progress" not in start.speech
    log = caplog.text
    assert "progress not saved" in log and "store unavailable" in log
    assert "rejected request" in log and "failed:" in log  # the handler failure was logged
    assert_nothing_private(log, secrets)
    for record in caplog.records:
        assert_nothing_private(record.getMessage() + " " + str(record.args), secrets)


@contextmanager
def write_locked(db: Path) -> Iterator[None]:
    """Another process-level writer holds the SQLite write lock: the service's writes time out."""
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def test_the_service_process_log_holds_nothing_private(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    service = ServiceProcess(
        {"FOOTCOACH_STORE": f"sqlite:///{db}", "FOOTCOACH_VERIFY_SIGNATURES": "0"}
    )
    service.env["FOOTCOACH_SKILL_ID"] = SKILL_ID
    service.env.pop("FOOTCOACH_LOG_LEVEL", None)  # the default level
    service.log.parent.mkdir(exist_ok=True)
    already = service.log.stat().st_size if service.log.exists() else 0
    secrets = Secrets()
    with service:
        url = service.url + "/alexa"
        converse(url, secrets)
        rejected_requests(url, secrets)
        echo = secrets.echo(url)
        echo.launch()
        with write_locked(db):
            unsaved = echo.intent("AMAZON.YesIntent")
        assert "I couldn't save your progress" in unsaved.speech
        assert echo.intent("NextStepIntent").status == 200  # saved again, carried state and all
    log = service.log.read_bytes()[already:].decode("utf-8", "replace")
    assert "POST /alexa" in log and "rejected request" in log and "progress not saved" in log
    assert_nothing_private(log, secrets)

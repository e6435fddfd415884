"""Bad input, fuzzed: random bytes, random JSON, generated requests, and mutations of the
envelopes of a real conversation (including the runner state carried in the session).

Whatever arrives, POST /alexa answers 400/413 with a JSON error, or a valid Alexa response
(strict JSON, well-formed SSML); never a 5xx, never a stack trace; a rejected request never
reaches the store, and whatever a tampered request gets stored loads back as a valid state.
The bulk runs through Flask's test client in-process; a few hundred go over real HTTP.
"""

from __future__ import annotations

import base64
import copy
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from alexa_client import Echo, get, post
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from servers import serve_in_thread
from signing import SigningAuthority, make_pki, sign_headers
from ssml_rules import check_ssml

from skill.alexa.skill import HANDLED_INTENTS
from skill.app import create_app
from skill.routine.catalog import Catalog
from skill.routine.engine import Coach
from skill.routine.state import RunnerState
from skill.storage import runner_key
from skill.storage.sqlite import SQLiteStore
from skill.web.cert_url import canonical_cert_url
from skill.web.certificates import ChainFetcher
from skill.web.errors import VerificationError
from skill.web.verification import RequestVerifier

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-footcoach000"
MAX_BODY = 128 * 1024


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


KNOWN_INTENTS = sorted(HANDLED_INTENTS)  # every intent the models declare
REQUEST_TYPES = [
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "CanFulfillIntentRequest",
    "AudioPlayer.PlaybackStarted",
    "Alexa.Presentation.APL.UserEvent",
    "System.ExceptionEncountered",
    "Connections.Response",
    "Messaging.MessageReceived",
]


COACH = Coach(Catalog.builtin())


# -- what every answer must be ----------------------------------------------------------------
def strict_json(raw: bytes) -> Any:
    """JSON as Alexa parses it: NaN and Infinity are not JSON."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(raw.decode("utf-8"), parse_constant=refuse)


def check_answer(status: int, raw: bytes) -> dict[str, Any] | None:
    """Assert the answer is a JSON error (400/413) or a valid Alexa response; return the latter."""
    assert status in (200, 400, 413), f"HTTP {status}: {raw[:300]!r}"
    assert b"Traceback" not in raw and b'File "' not in raw, raw[:300]
    document = strict_json(raw)
    assert isinstance(document, dict)
    if status != 200:
        assert set(document) == {"error"}, document
        assert isinstance(document["error"], str) and document["error"]
        return None
    assert document.get("version") == "1.0", document
    response = document.get("response")
    assert isinstance(response, dict), document
    for speech in (
        response.get("outputSpeech"),
        (response.get("reprompt") or {}).get("outputSpeech"),
    ):
        if speech is not None:
            assert speech["type"] == "SSML", speech
            check_ssml(speech["ssml"])
    assert isinstance(response.get("shouldEndSession", False), bool | None)
    attributes = document.get("sessionAttributes")
    assert attributes is None or isinstance(attributes, dict)
    return document


def check_stored_state(state: dict[str, Any]) -> None:
    """A stored state is valid: it is a fixed point of reading, and the coach can use it."""
    assert RunnerState.from_json(state).to_json() == state, state
    reply = COACH.launch(RunnerState.from_json(state), time.time())
    check_ssml(reply.speech)


def candidate_keys(envelope: Any) -> set[str]:
    """Every store key the skill could have derived from this (possibly mangled) envelope."""
    ids: list[str] = []
    people: list[str | None] = [None]

    def dig(node: Any, *path: str) -> Any:
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return node

    for user in (dig(envelope, "context", "System", "user"), dig(envelope, "session", "user")):
        if isinstance(dig(user, "userId"), str):
            ids.append(dig(user, "userId"))
    if isinstance(dig(envelope, "context", "System", "person", "personId"), str):
        people.append(dig(envelope, "context", "System", "person", "personId"))
    return {runner_key(user, person) for user in ids for person in people if user or person}


# -- the app under test ------------------------------------------------------------------------
@dataclass
class Service:
    app: Flask
    client: FlaskClient
    store: SQLiteStore
    db: Path

    def send(self, body: bytes, headers: dict[str, str] | None = None) -> dict[str, Any] | None:
        """POST to /alexa in-process; check the answer and the store's promises."""
        writes, reads = self.store.writes, self.store.reads
        response = self.client.post(
            "/alexa",
            data=body,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        document = check_answer(response.status_code, response.get_data())
        if document is None:
            assert (self.store.writes, self.store.reads) == (writes, reads), "rejected yet stored"
        return document

    def check_runner_rows(self, envelope: Any) -> None:
        for key in candidate_keys(envelope):
            record = self.store.load(key)
            if record.version:
                check_stored_state(record.state)

    def check_every_row(self) -> int:
        """Read the SQLite file directly: every stored state, whoever it belongs to, is valid."""
        with sqlite3.connect(self.db) as connection:
            rows = connection.execute("SELECT state FROM runners").fetchall()
        connection.close()
        for (state,) in rows:
            check_stored_state(json.loads(state))
        return len(rows)


def make_service(db: Path, **config: Any) -> Service:
    app = create_app(
        {"STORE_URL": f"sqlite:///{db}", "VERIFY_SIGNATURES": False, "SKILL_ID": None, **config}
    )
    store = app.extensions["footcoach"].store
    assert isinstance(store, SQLiteStore)
    return Service(app, app.test_client(), store, db)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Service:
    return make_service(tmp_path_factory.mktemp("fuzz") / "progress.db")


# -- a real conversation to mutate ---------------------------------------------------------------
@dataclass
class RecordingEcho(Echo):
    """An Echo that keeps a copy of every envelope it sends."""

    sent: list[dict[str, Any]] = field(default_factory=list)

    def envelope(self, request: dict[str, Any]) -> dict[str, Any]:
        envelope = super().envelope(request)
        self.sent.append(copy.deepcopy(envelope))
        return envelope


def record_conversation(url: str) -> list[dict[str, Any]]:
    echo = RecordingEcho(url)
    echo.launch()
    echo.intent("AMAZON.YesIntent")
    echo.intent("NextStepIntent")
    echo.intent("RepsLeftIntent")
    echo.intent("GoToExerciseIntent", exercise="calf raises|calf_drops")
    echo.intent("SlowerIntent")
    echo.intent("NextStepIntent")
    echo.intent("GoToExerciseIntent", exercise="cartwheels")
    echo.intent("AMAZON.PauseIntent")
    echo.one_shot("NextStepIntent")
    echo.intent("WhereAmIIntent")
    echo.intent("StartRoutineIntent", routine="quick routine|quick")
    echo.intent("SkipExerciseIntent")
    echo.intent("AMAZON.StopIntent")
    echo.end_session()
    person = RecordingEcho(url, person_id="amzn1.ask.person.FUZZPERSON")
    person.launch()
    person.intent("StartRoutineIntent", routine="yoga")
    person.intent("ProgressReportIntent")
    sent = echo.sent + person.sent
    carrying = [envelope for envelope in sent if envelope["session"]["attributes"].get("runner")]
    assert len(carrying) >= 10, "the conversation carries the runner's state from turn to turn"
    return sent


@pytest.fixture(scope="module")
def conversation(service: Service) -> list[dict[str, Any]]:
    with serve_in_thread(service.app) as url:
        return record_conversation(url + "/alexa")


# -- strategies ----------------------------------------------------------------------------------
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | finite_floats
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            "foot",
            "quick",
            "calf_drops",
            "resume",
            "start",
            "1.0",
            "2026-01-01T00:00:00Z",
            "<speak>",
            "</speak><audio src='x'/>",
            "&amp;&lt;",
            "\u202e\u0000\ufeff",
            "amzn1.ask.account.X",
            10**30,
            -(2**63),
            2**64,
            1e308,
            -0.0,
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
# 10 to 100 KB: under the body limit alone, sometimes over it when several are added.
huge_strings = st.builds(lambda n, c: c * n, st.integers(10_000, 25_000), st.sampled_from("xé🦶<&"))


def all_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths: list[tuple[Any, ...]] = []
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, child in children:
        paths.append((*prefix, key))
        paths.extend(all_paths(child, (*prefix, key)))
    return paths


def retyped(value: Any) -> list[Any]:
    """The same information in the wrong JSON type."""
    return [str(value), [value], {"value": value}, None, 0, 1, True, -1, ""]


@st.composite
def mutate(draw: st.DrawFn, envelope: dict[str, Any], under: tuple[Any, ...] = ()) -> Any:
    """1 to 5 random edits: delete, replace, retype, or add a field (only below `under`)."""
    mutated: Any = copy.deepcopy(envelope)
    for _ in range(draw(st.integers(1, 5))):
        paths = [path for path in all_paths(mutated) if path[: len(under)] == under]
        if not paths or (under and path_missing(mutated, under)):
            break
        path = draw(st.sampled_from(paths))
        parent = mutated
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        action = draw(st.sampled_from(["delete", "replace", "retype", "add", "huge"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(json_values)
        elif action == "retype":
            parent[key] = draw(st.sampled_from(retyped(parent[key])))
        elif action == "huge":
            parent[key] = draw(huge_strings)
        elif isinstance(parent[key], dict):
            parent[key][draw(st.text(max_size=10))] = draw(json_values)
        elif isinstance(parent[key], list):
            parent[key].append(draw(json_values))
        else:
            parent[key] = {"nested": parent[key], "extra": draw(json_values)}
    return mutated


def path_missing(node: Any, path: tuple[Any, ...]) -> bool:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return True
        node = node[key]
    return False


def fresh(envelope: dict[str, Any]) -> dict[str, Any]:
    """A copy with a current timestamp, so the mutations and not the clock decide the outcome."""
    envelope = copy.deepcopy(envelope)
    envelope["request"]["timestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return envelope


def encode(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8", "surrogatepass"
    )


# -- the tests -------------------------------------------------------------------------------------
@fuzz(300)
@given(body=st.binary(max_size=2000))
def test_random_bytes_are_rejected(service: Service, body: bytes) -> None:
    document = service.send(body)
    assert document is None, "random bytes are not an Alexa request"


@fuzz(300)
@given(document=json_values)
def test_random_json_documents_are_rejected_or_answered(service: Service, document: Any) -> None:
    service.send(encode(document))
    service.check_runner_rows(document)


slot_values = st.fixed_dictionaries(
    {"name": st.text(max_size=10), "value": st.one_of(st.text(max_size=40), huge_strings)},
    optional={
        "confirmationStatus": st.sampled_from(["NONE", "CONFIRMED", "DENIED"]),
        "resolutions": st.fixed_dictionaries(
            {
                "resolutionsPerAuthority": st.lists(
                    st.fixed_dictionaries(
                        {
                            "authority": st.text(max_size=20),
                            "status": st.fixed_dictionaries(
                                {
                                    "code": st.sampled_from(
                                        [
                                            "ER_SUCCESS_MATCH",
                                            "ER_SUCCESS_NO_MATCH",
                                            "ER_ERROR_TIMEOUT",
                                            "ER_ERROR_EXCEPTION",
                                        ]
                                    )
                                }
                            ),
                            "values": st.lists(
                                st.fixed_dictionaries(
                                    {
                                        "value": st.fixed_dictionaries(
                                            {
                                                "name": st.text(max_size=20),
                                                "id": st.sampled_from(
                                                    ["foot", "quick", "calf_drops", "toe_walk"]
                                                )
                                                | st.text(max_size=20),
                                            }
                                        )
                                    }
                                ),
                                max_size=3,
                            ),
                        }
                    ),
                    max_size=2,
                )
            }
        ),
        "slotValue": st.fixed_dictionaries(
            {"type": st.just("Simple"), "value": st.text(max_size=20)}
        ),
    },
)
# Well-typed requests with the values Alexa documents (wrong types and values: see the mutations).
requests = st.fixed_dictionaries(
    {"type": st.sampled_from(REQUEST_TYPES) | st.text(max_size=30)},
    optional={
        "intent": st.fixed_dictionaries(
            {"name": st.sampled_from(KNOWN_INTENTS) | st.text(max_size=40)},
            optional={
                "slots": st.dictionaries(
                    st.sampled_from(["routine", "exercise"]) | st.text(max_size=10),
                    slot_values,
                    max_size=3,
                ),
                "confirmationStatus": st.sampled_from(["NONE", "CONFIRMED", "DENIED"]),
            },
        ),
        "dialogState": st.sampled_from(["STARTED", "IN_PROGRESS", "COMPLETED"]),
        "reason": st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"]),
        "error": st.fixed_dictionaries(
            {
                "type": st.sampled_from(["INVALID_RESPONSE", "INTERNAL_SERVICE_ERROR"]),
                "message": st.text(max_size=40),
            }
        ),
        "locale": st.sampled_from(["en-US", "en-GB", "de-DE", ""]) | st.text(max_size=10),
    },
)


@fuzz(300)
@given(request=requests, new=st.booleans(), attributes=st.none() | json_values)
def test_generated_requests_of_every_kind_get_a_valid_answer(
    service: Service, request: dict[str, Any], new: bool, attributes: Any
) -> None:
    envelope = Echo("unused").envelope({"type": "LaunchRequest"})
    envelope["request"].update(request)
    envelope["session"]["new"] = new
    envelope["session"]["attributes"] = attributes
    document = service.send(encode(envelope))
    if request["type"] in ("LaunchRequest", "IntentRequest") and isinstance(
        attributes, dict | None
    ):
        assert document is not None, "a well-formed launch or intent is always answered"
    service.check_runner_rows(envelope)


@fuzz(1500)
@given(data=st.data())
def test_mutated_envelopes_of_a_real_conversation(
    service: Service, conversation: list[dict[str, Any]], data: st.DataObject
) -> None:
    original = fresh(data.draw(st.sampled_from(conversation)))
    envelope = data.draw(mutate(original))
    service.send(encode(envelope))
    service.check_runner_rows(envelope)


@fuzz(1000)
@given(data=st.data())
def test_tampered_runner_state_in_the_session(
    service: Service, conversation: list[dict[str, Any]], data: st.DataObject
) -> None:
    carrying = [envelope for envelope in conversation if envelope["session"]["attributes"]]
    original = fresh(data.draw(st.sampled_from(carrying)))
    envelope = data.draw(mutate(original, under=("session", "attributes", "runner")))
    body = encode(envelope)
    document = service.send(body)
    if len(body) <= MAX_BODY:
        assert document is not None, "a tampered session is still an Alexa request: it is answered"
    service.check_runner_rows(envelope)


@fuzz(600)
@given(data=st.data())
def test_byte_level_damage_to_real_bodies(
    service: Service, conversation: list[dict[str, Any]], data: st.DataObject
) -> None:
    body = bytearray(encode(fresh(data.draw(st.sampled_from(conversation)))))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(body)))
        action = data.draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        if action == "truncate":
            del body[at:]
        elif action == "flip" and at < len(body):
            body[at] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "insert":
            body[at:at] = data.draw(
                st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"{", b"]", b'"'])
                | st.binary(min_size=1, max_size=8)
            )
        else:
            del body[at : at + data.draw(st.integers(1, 20))]
    service.send(bytes(body))


def test_every_row_written_by_the_fuzzing_is_a_valid_state(
    service: Service, conversation: list[dict[str, Any]]
) -> None:
    rows = service.check_every_row()
    assert rows >= 2, "the conversation (and whatever fuzzing ran before) stored runners"


def nested(depth: int, opening: bytes = b"[", closing: bytes = b"]") -> bytes:
    return opening * depth + closing * depth


def launch_with_attributes(attributes: bytes) -> bytes:
    """A valid launch envelope, with `attributes` spliced in as the session attributes."""
    envelope = Echo("unused").envelope({"type": "LaunchRequest"})
    envelope["session"]["attributes"] = "@"
    return encode(envelope).replace(b'"@"', attributes)


# name, body (built when the test runs: timestamps must be current), acceptable statuses
PATHOLOGICAL: list[tuple[str, Callable[[], bytes], set[int]]] = [
    ("10,000 nested arrays", lambda: nested(10_000), {400}),
    ("60,000 nested arrays", lambda: nested(60_000), {400}),
    ("10,000 nested arrays in the request", lambda: b'{"request":' + nested(10_000) + b"}", {400}),
    (
        "10,000 nested arrays in the session of a valid launch",
        lambda: launch_with_attributes(nested(10_000)),
        {400},
    ),
    (
        "10,000 nested objects in the session of a valid launch",
        lambda: launch_with_attributes(b'{"a":' * 10_000 + b"1" + b"}" * 10_000),
        {400},
    ),
    ("unclosed nesting", lambda: b"[" * 50_000, {400}),
    ("a body just over the limit", lambda: b'{"a":"' + b"x" * MAX_BODY + b'"}', {413}),
    (
        "a number of 100,000 digits",
        lambda: launch_with_attributes(b'{"n":' + b"9" * 100_000 + b"}"),
        {400},
    ),
    ("invalid UTF-8 in a string", lambda: launch_with_attributes(b'{"a":"\xff"}'), {400}),
    ("a lone surrogate escape", lambda: launch_with_attributes(b'{"a":"\\ud800"}'), {200, 400}),
    ("UTF-16", lambda: launch_with_attributes(b"{}").decode().encode("utf-16"), {400}),
    ("a byte order mark", lambda: b"\xef\xbb\xbf" + launch_with_attributes(b"{}"), {400}),
    ("NUL bytes", lambda: b"\x00" * 1000, {400}),
    ("only whitespace", lambda: b" \n\t " * 100, {400}),
    ("a JSON string", lambda: b'"request"', {400}),
    ("duplicate keys", lambda: launch_with_attributes(b"{}")[:-1] + b',"request":5}', {400}),
]


@pytest.mark.parametrize(
    ("build", "statuses"),
    [(build, statuses) for _, build, statuses in PATHOLOGICAL],
    ids=[name for name, _, _ in PATHOLOGICAL],
)
def test_pathological_bodies_get_a_json_error(
    service: Service, build: Callable[[], bytes], statuses: set[int]
) -> None:
    writes = service.store.writes
    response = service.client.post("/alexa", data=build(), content_type="application/json")
    assert response.status_code in statuses
    if check_answer(response.status_code, response.get_data()) is None:
        assert service.store.writes == writes


def test_pathological_bodies_over_real_http(service: Service) -> None:
    with serve_in_thread(service.app) as url:
        for name, build, statuses in PATHOLOGICAL:
            answer = post(url + "/alexa", build())
            assert answer.status in statuses, name
            if answer.status != 200:
                assert set(answer.body) == {"error"}, name
        assert get(url + "/healthz").body == {"status": "ok"}


def test_huge_but_allowed_strings_in_every_slot_are_answered(service: Service) -> None:
    echo = Echo("unused")
    spoken = "calf " * 12_000  # 60 KB in each of two slots: under the 128 KiB limit
    for name in ("StartRoutineIntent", "GoToExerciseIntent", "NextStepIntent"):
        envelope = echo.envelope(
            {
                "type": "IntentRequest",
                "intent": {
                    "name": name,
                    "slots": {
                        slot: {"name": slot, "value": spoken} for slot in ("routine", "exercise")
                    },
                },
            }
        )
        body = encode(envelope)
        assert len(body) < MAX_BODY
        document = service.send(body)
        assert document is not None
        assert "calf calf" not in json.dumps(document), "what the runner said is not echoed"


# -- over real HTTP ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def live(service: Service) -> Iterator[str]:
    with serve_in_thread(service.app) as url:
        yield url + "/alexa"


@fuzz(250)
@given(data=st.data())
def test_mutated_envelopes_over_real_http(
    service: Service, conversation: list[dict[str, Any]], live: str, data: st.DataObject
) -> None:
    envelope = data.draw(mutate(fresh(data.draw(st.sampled_from(conversation)))))
    writes = service.store.writes
    answer = post(live, encode(envelope))
    raw = json.dumps(answer.body).encode()
    document = check_answer(answer.status, raw)
    if document is None:
        assert service.store.writes == writes
    service.check_runner_rows(envelope)


# -- with signature checks on --------------------------------------------------------------------
class _NotFound(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def loopback_http(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A throwaway HTTP server on 127.0.0.1; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class SignedService:
    service: Service
    pki: SigningAuthority
    bodies: list[bytes]


@pytest.fixture(scope="module")
def signed(
    tmp_path_factory: pytest.TempPathFactory, conversation: list[dict[str, Any]]
) -> Iterator[SignedService]:
    pki = make_pki()
    with loopback_http(_NotFound) as cert_server:
        # Any other certificate URL is "downloaded" from a loopback server that has nothing.
        fetcher = ChainFetcher(resolve=lambda url: cert_server + urlsplit(url).path, timeout_s=2)
        fetcher.seed(pki.cert_url, pki.chain_pem)
        verifier = RequestVerifier(skill_id=SKILL_ID, fetcher=fetcher, roots=[pki.root])
        service = make_service(
            tmp_path_factory.mktemp("signed") / "progress.db", VERIFIER=verifier, SKILL_ID=SKILL_ID
        )
        bodies = [encode(fresh(envelope)) for envelope in conversation[:6]]
        yield SignedService(service, pki, bodies)


def test_the_signed_service_answers_correctly_signed_requests(signed: SignedService) -> None:
    for body in signed.bodies:
        assert signed.service.send(body, sign_headers(signed.pki, body)) is not None
    assert signed.service.store.writes > 0


@st.composite
def mangled(draw: st.DrawFn, text: str) -> str:
    action = draw(st.sampled_from(["truncate", "replace", "insert", "random", "case"]))
    at = draw(st.integers(0, max(0, len(text) - 1)))
    if action == "truncate":
        return text[:at]
    if action == "replace":
        return text[:at] + draw(st.characters(codec="latin-1")) + text[at + 1 :]
    if action == "insert":
        return text[:at] + draw(st.text(min_size=1, max_size=5)) + text[at:]
    if action == "case":
        return text.swapcase()
    return draw(st.text(max_size=200))


@fuzz(400)
@given(data=st.data())
def test_mutated_signature_headers_are_rejected(signed: SignedService, data: st.DataObject) -> None:
    service = signed.service
    body = data.draw(st.sampled_from(signed.bodies))
    headers = sign_headers(signed.pki, body)
    target = data.draw(st.sampled_from(["Signature-256", "SignatureCertChainUrl", "both", "drop"]))
    if target in ("Signature-256", "both"):
        signature = base64.b64decode(headers["Signature-256"])
        if data.draw(st.booleans()):
            flipped = bytearray(signature)
            flipped[data.draw(st.integers(0, len(flipped) - 1))] ^= 1 << data.draw(
                st.integers(0, 7)
            )
            headers["Signature-256"] = base64.b64encode(bytes(flipped)).decode()
        else:
            headers["Signature-256"] = data.draw(mangled(headers["Signature-256"]))
        genuine = sign_headers(signed.pki, body)["Signature-256"]
        assume(not same_signature(headers["Signature-256"], genuine))
    if target in ("SignatureCertChainUrl", "both"):
        url = data.draw(mangled(headers["SignatureCertChainUrl"]))
        assume(not same_cert_url(url, signed.pki.cert_url))
        headers["SignatureCertChainUrl"] = url
    if target == "drop":
        del headers[data.draw(st.sampled_from(sorted(headers)))]
    headers = {name: value for name, value in headers.items() if is_header_value(value)}
    writes, reads = service.store.writes, service.store.reads
    response = service.client.post("/alexa", data=body, headers=headers)
    assert response.status_code == 400, (headers, response.get_data())
    check_answer(response.status_code, response.get_data())
    assert (service.store.writes, service.store.reads) == (writes, reads)


@fuzz(300)
@given(data=st.data())
def test_a_body_changed_after_signing_is_rejected(
    signed: SignedService, conversation: list[dict[str, Any]], data: st.DataObject
) -> None:
    service = signed.service
    original = fresh(data.draw(st.sampled_from(conversation)))
    body = encode(original)
    headers = sign_headers(signed.pki, body)
    changed = encode(data.draw(mutate(original)))
    assume(changed != body)
    writes = service.store.writes
    response = service.client.post("/alexa", data=changed, headers=headers)
    assert response.status_code in (400, 413)
    check_answer(response.status_code, response.get_data())
    assert service.store.writes == writes


def same_cert_url(url: str, expected: str) -> bool:
    try:
        return canonical_cert_url(url.strip()) == canonical_cert_url(expected)
    except VerificationError:
        return False


def same_signature(value: str, genuine: str) -> bool:
    """Whether ``value`` is the genuine signature, perhaps written another way: base64 leaves
    the unused low bits of its last character free ("...Q==" and "...R==" decode alike)."""
    try:
        return base64.b64decode(value.strip(), validate=True) == base64.b64decode(genuine)
    except ValueError:
        return False


def is_header_value(value: str) -> bool:
    """Werkzeug's test client, like any HTTP client, cannot send control characters."""
    return (value.isprintable() and value.isascii()) or value == ""


# -- certificate servers that misbehave, behind the whole app -----------------------------------
class _Hang(BaseHTTPRequestHandler):
    release = threading.Event()

    def do_GET(self) -> None:
        self.release.wait(timeout=20)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Flood(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        chunk = b"-----BEGIN CERTIFICATE-----\n" + b"A" * 65_000
        try:
            for _ in range(160):  # about 10 MB unless the client hangs up
                self.wfile.write(chunk)
        except OSError:
            pass  # the client hung up at its size cap: what this test wants

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize("handler", [_Hang, _Flood], ids=["hangs", "sends megabytes"])
def test_a_misbehaving_certificate_server_costs_one_request_a_bounded_wait(
    tmp_path: Path, handler: type[BaseHTTPRequestHandler]
) -> None:
    pki = make_pki()
    timeout_s = 1.0
    with loopback_http(handler) as cert_server:
        fetcher = ChainFetcher(resolve=lambda url: cert_server + urlsplit(url).path, timeout_s=1.0)
        verifier = RequestVerifier(skill_id=SKILL_ID, fetcher=fetcher, roots=[pki.root])
        app = create_app(
            {
                "STORE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                "VERIFIER": verifier,
                "SKILL_ID": SKILL_ID,
            }
        )
        store = app.extensions["footcoach"].store
        with serve_in_thread(app) as url:
            echo = Echo(url + "/alexa", skill_id=SKILL_ID)
            body = encode(echo.envelope({"type": "LaunchRequest"}))
            outcome: dict[str, Any] = {}

            def request() -> None:
                started = time.monotonic()
                outcome["answer"] = post(url + "/alexa", body, sign_headers(pki, body))
                outcome["seconds"] = time.monotonic() - started

            caller = threading.Thread(target=request)
            caller.start()
            healthy = []
            while caller.is_alive():
                healthy.append(get(url + "/healthz", timeout=2).status)
                time.sleep(0.05)
            caller.join()
            _Hang.release.set()
    assert outcome["answer"].status == 400
    expected = "timed out" if handler is _Hang else "too large"
    assert expected in outcome["answer"].body["error"]
    assert outcome["seconds"] < timeout_s + 1.5
    assert healthy and set(healthy) == {200}, "the server keeps answering meanwhile"
    assert store.writes == 0 and store.reads == 0

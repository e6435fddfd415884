"""ChainFetcher against real HTTP(S) servers on 127.0.0.1 (S3 itself is out of reach)."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from signing import DEFAULT_CERT_URL, SigningAuthority, make_pki

from skill.web.certificates import FAILURE_RETENTION, MAX_CONCURRENT_DOWNLOADS, ChainFetcher
from skill.web.verification import VerificationError

OTHER_CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-other.pem"
FLOOD_TOTAL = 64 * 1024 * 1024
FLOOD_CHUNK = 64 * 1024

Behaviour = Callable[["Handler"], None]


@dataclass
class LocalServer:
    port: int
    requests: list[str] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    bytes_sent: int = 0

    def resolve(self, url: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{urlsplit(url).path}"


class Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        state = self.server.state
        state.requests.append(self.path)
        state.arrived.set()
        try:
            self.server.behaviour(self)
        except OSError:
            pass  # the client hung up on purpose (size cap, timeout)
        finally:
            state.finished.set()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: LocalServer
    behaviour: Behaviour


@contextmanager
def serve(behaviour: Behaviour, tls: ssl.SSLContext | None = None) -> Iterator[LocalServer]:
    server = _Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.behaviour = behaviour
    server.state = LocalServer(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.state
    finally:
        server.state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def send_body(handler: Handler, body: bytes, status: int = 200) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/x-pem-file")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def hang(handler: Handler) -> None:
    handler.server.state.release.wait(timeout=30)


def flood(declared_length: bool) -> Behaviour:
    def behaviour(handler: Handler) -> None:
        handler.send_response(200)
        if declared_length:
            handler.send_header("Content-Length", str(FLOOD_TOTAL))
        handler.end_headers()
        chunk = b"A" * FLOOD_CHUNK
        state = handler.server.state
        while state.bytes_sent < FLOOD_TOTAL:
            handler.wfile.write(chunk)
            state.bytes_sent += len(chunk)

    return behaviour


@pytest.fixture(scope="module")
def pki() -> SigningAuthority:
    return make_pki()


def test_a_downloaded_chain_is_parsed_and_cached(pki: SigningAuthority) -> None:
    with serve(lambda handler: send_body(handler, pki.chain_pem)) as server:
        fetcher = ChainFetcher(resolve=server.resolve)
        first = fetcher.get(DEFAULT_CERT_URL)
        second = fetcher.get(DEFAULT_CERT_URL.replace("/echo.api/", "/echo.api/../echo.api/"))
    assert [cert.subject for cert in first] == [pki.leaf.subject, pki.intermediate.subject]
    assert first == second
    assert server.requests == [urlsplit(DEFAULT_CERT_URL).path]


def test_the_cache_lasts_until_the_leaf_expires(pki: SigningAuthority) -> None:
    now = datetime.now(UTC)
    clock_now = [now]
    with serve(lambda handler: send_body(handler, pki.chain_pem)) as server:
        fetcher = ChainFetcher(resolve=server.resolve, clock=lambda: clock_now[0])
        fetcher.get(DEFAULT_CERT_URL)
        clock_now[0] = pki.leaf.not_valid_after_utc - timedelta(seconds=1)
        fetcher.get(DEFAULT_CERT_URL)
        assert len(server.requests) == 1
        clock_now[0] = pki.leaf.not_valid_after_utc + timedelta(seconds=1)
        fetcher.get(DEFAULT_CERT_URL)
        assert len(server.requests) == 2
        fetcher.get(OTHER_CERT_URL)
        assert len(server.requests) == 3


def test_a_chain_that_has_already_expired_is_not_downloaded_on_every_request() -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    expired = make_pki(not_before=now - timedelta(days=30), not_after=now - timedelta(days=1))
    with serve(lambda handler: send_body(handler, expired.chain_pem)) as server:
        fetcher = ChainFetcher(resolve=server.resolve)
        for _ in range(3):
            assert fetcher.get(DEFAULT_CERT_URL)[0] == expired.leaf
    assert len(server.requests) == 1


def test_a_server_that_never_answers_times_out_within_the_deadline() -> None:
    timeout_s = 0.5
    with serve(hang) as server:
        fetcher = ChainFetcher(timeout_s=timeout_s, resolve=server.resolve)
        started = time.monotonic()
        with pytest.raises(VerificationError, match="timed out"):
            fetcher.get(DEFAULT_CERT_URL)
        elapsed = time.monotonic() - started
    assert server.arrived.is_set()
    assert timeout_s * 0.8 <= elapsed < timeout_s + 1


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_a_server_that_trickles_is_cut_off_at_the_total_deadline(
    pki: SigningAuthority, phase: str
) -> None:
    def trickle(handler: Handler) -> None:
        if phase == "body":
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(pki.chain_pem)))
            handler.end_headers()
            handler.wfile.flush()
        payload = pki.chain_pem if phase == "body" else b"X-Slow: " + b"z" * 10_000
        gives_up_at = time.monotonic() + 3  # so a client without a total deadline fails, not hangs
        for byte in payload:
            if handler.server.state.release.wait(0.05) or time.monotonic() > gives_up_at:
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    timeout_s = 0.5
    with serve(trickle) as server:
        fetcher = ChainFetcher(timeout_s=timeout_s, resolve=server.resolve)
        started = time.monotonic()
        with pytest.raises(VerificationError, match="timed out"):
            fetcher.get(DEFAULT_CERT_URL)
        elapsed = time.monotonic() - started
    assert timeout_s * 0.8 <= elapsed < timeout_s + 1


@pytest.mark.parametrize("declared_length", [False, True], ids=["streamed", "declared"])
def test_a_huge_response_is_refused_at_the_size_cap(declared_length: bool) -> None:
    with serve(flood(declared_length)) as server:
        fetcher = ChainFetcher(timeout_s=10, max_bytes=65536, resolve=server.resolve)
        started = time.monotonic()
        with pytest.raises(VerificationError, match="too large"):
            fetcher.get(DEFAULT_CERT_URL)
        elapsed = time.monotonic() - started
        assert server.finished.wait(timeout=10), "the server never noticed the client leaving"
    assert elapsed < 2
    assert server.bytes_sent < FLOOD_TOTAL / 4


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (lambda handler: send_body(handler, b"Not Found", status=404), r"HTTP 404"),
        (lambda handler: send_body(handler, b"oops", status=500), r"HTTP 500"),
        (lambda handler: send_body(handler, b"this is not a certificate"), "not valid PEM"),
        (lambda handler: send_body(handler, b""), "not valid PEM"),
        (
            lambda handler: send_body(
                handler, b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
            ),
            "not valid PEM",
        ),
    ],
    ids=["404", "500", "garbage", "empty", "bad-der"],
)
def test_unusable_responses_are_errors_refused_from_a_cache_for_a_while(
    behaviour: Behaviour, reason: str
) -> None:
    now = [datetime.now(UTC)]
    with serve(behaviour) as server:
        fetcher = ChainFetcher(resolve=server.resolve, clock=lambda: now[0])
        for _ in range(20):  # a failure is remembered: junk requests cost no more downloads
            with pytest.raises(VerificationError, match=reason):
                fetcher.get(DEFAULT_CERT_URL)
        assert len(server.requests) == fetcher.downloads == 1
        now[0] += FAILURE_RETENTION - timedelta(seconds=1)
        with pytest.raises(VerificationError, match=reason):
            fetcher.get(DEFAULT_CERT_URL)
        assert len(server.requests) == 1
        now[0] += timedelta(seconds=2)  # then the URL is tried again
        with pytest.raises(VerificationError, match=reason):
            fetcher.get(DEFAULT_CERT_URL)
    assert len(server.requests) == fetcher.downloads == 2


def test_a_url_that_works_again_is_no_longer_refused(pki: SigningAuthority) -> None:
    now = [datetime.now(UTC)]
    answers = [b"garbage", pki.chain_pem]
    with serve(lambda handler: send_body(handler, answers.pop(0))) as server:
        fetcher = ChainFetcher(resolve=server.resolve, clock=lambda: now[0])
        with pytest.raises(VerificationError):
            fetcher.get(DEFAULT_CERT_URL)
        now[0] += FAILURE_RETENTION
        assert fetcher.get(DEFAULT_CERT_URL)[0].subject == pki.leaf.subject
        now[0] += FAILURE_RETENTION
        assert fetcher.get(DEFAULT_CERT_URL)[0].subject == pki.leaf.subject  # from the cache
    assert len(server.requests) == 2


def test_many_distinct_junk_urls_download_at_most_a_few_at_once() -> None:
    # No timing assumptions: the downloads hang until released (and never time out first), so
    # the slots stay taken; the test waits as long as a loaded machine needs for every thread
    # to be refused or to reach the server, then checks who got through.
    with serve(hang) as server:
        fetcher = ChainFetcher(resolve=server.resolve, timeout_s=60.0)
        outcomes: list[str] = []

        def fetch(number: int) -> None:
            try:
                fetcher.get(f"https://s3.amazonaws.com/echo.api/junk-{number}.pem")
            except VerificationError as error:
                outcomes.append(error.reason)

        threads = [threading.Thread(target=fetch, args=(n,)) for n in range(12)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            len(outcomes) < 12 - MAX_CONCURRENT_DOWNLOADS
            or len(server.requests) < MAX_CONCURRENT_DOWNLOADS
        ):
            time.sleep(0.01)
        refused_while_downloading = list(outcomes)
        assert len(server.requests) == MAX_CONCURRENT_DOWNLOADS
        assert fetcher.downloads == MAX_CONCURRENT_DOWNLOADS
        server.release.set()
        for thread in threads:
            thread.join(timeout=70)
    assert not any(thread.is_alive() for thread in threads)
    # The others were refused while the downloads still hung: refused, not queued behind them.
    assert len(refused_while_downloading) == 12 - MAX_CONCURRENT_DOWNLOADS
    assert all("too many at once" in reason for reason in refused_while_downloading)
    busy = [reason for reason in outcomes if "too many at once" in reason]
    assert len(busy) == 12 - MAX_CONCURRENT_DOWNLOADS
    assert fetcher.downloads == MAX_CONCURRENT_DOWNLOADS


def test_a_truncated_response_is_an_error(pki: SigningAuthority) -> None:
    def truncated(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(pki.chain_pem)))
        handler.end_headers()
        handler.wfile.write(pki.chain_pem[: len(pki.chain_pem) // 2])
        handler.close_connection = True

    with serve(truncated) as server:
        fetcher = ChainFetcher(resolve=server.resolve)
        with pytest.raises(VerificationError, match="download failed"):
            fetcher.get(DEFAULT_CERT_URL)


def test_redirects_are_not_followed(pki: SigningAuthority) -> None:
    def redirect(handler: Handler) -> None:
        if handler.path.endswith("moved.pem"):
            send_body(handler, pki.chain_pem)
            return
        handler.send_response(301)
        handler.send_header("Location", "/echo.api/moved.pem")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with serve(redirect) as server:
        fetcher = ChainFetcher(resolve=server.resolve)
        with pytest.raises(VerificationError, match="HTTP 301"):
            fetcher.get(DEFAULT_CERT_URL)
    assert len(server.requests) == 1


def test_an_unreachable_host_is_an_error() -> None:
    with serve(hang) as server:
        port = server.port
    fetcher = ChainFetcher(resolve=lambda url: f"http://127.0.0.1:{port}/echo.api/x.pem")
    with pytest.raises(VerificationError, match="download failed"):
        fetcher.get(DEFAULT_CERT_URL)


def test_invalid_urls_are_refused_before_any_download(pki: SigningAuthority) -> None:
    with serve(lambda handler: send_body(handler, pki.chain_pem)) as server:
        fetcher = ChainFetcher(resolve=server.resolve)
        with pytest.raises(VerificationError, match="certificate URL"):
            fetcher.get("https://s3.amazonaws.com/not.echo.api/echo-api-cert.pem")
        with pytest.raises(VerificationError, match="certificate URL"):
            fetcher.seed("http://s3.amazonaws.com/echo.api/x.pem", pki.chain_pem)
    assert server.requests == []


def test_https_downloads_check_the_server_certificate(
    pki: SigningAuthority, tmp_path: Path
) -> None:
    # A TLS server whose certificate no public root vouches for: the download must fail.
    impostor = make_pki(san="localhost", authority="Impostor TLS")
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(
        impostor.leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file = tmp_path / "chain.pem"
    cert_file.write_bytes(impostor.chain_pem)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    with serve(lambda handler: send_body(handler, pki.chain_pem), tls=tls) as server:
        fetcher = ChainFetcher(timeout_s=2, resolve=lambda url: server.resolve(url, "https"))
        with pytest.raises(VerificationError, match="download failed"):
            fetcher.get(DEFAULT_CERT_URL)
    assert server.requests == []


def test_a_hanging_download_does_not_block_cached_lookups(pki: SigningAuthority) -> None:
    outcome: list[BaseException] = []

    def fetch_other() -> None:
        try:
            fetcher.get(OTHER_CERT_URL)
        except VerificationError as error:
            outcome.append(error)

    with serve(hang) as server:
        fetcher = ChainFetcher(timeout_s=1.0, resolve=server.resolve)
        fetcher.seed(DEFAULT_CERT_URL, pki.chain_pem)
        worker = threading.Thread(target=fetch_other)
        worker.start()
        assert server.arrived.wait(timeout=5)
        started = time.monotonic()
        chain = fetcher.get(DEFAULT_CERT_URL)
        elapsed = time.monotonic() - started
        assert worker.is_alive(), "the other download should still be hanging"
        worker.join(timeout=5)
    assert chain[0] == pki.leaf
    assert elapsed < 0.1
    assert len(outcome) == 1 and "timed out" in str(outcome[0])


def test_seeded_chains_are_served_without_a_download(pki: SigningAuthority) -> None:
    with serve(hang) as server:
        fetcher = ChainFetcher(timeout_s=0.2, resolve=server.resolve)
        fetcher.seed(
            DEFAULT_CERT_URL.replace("amazonaws.com/", "amazonaws.com:443/"), pki.chain_pem
        )
        assert fetcher.get(DEFAULT_CERT_URL)[0] == pki.leaf
    assert server.requests == []
    with pytest.raises(VerificationError, match="not valid PEM"):
        fetcher.seed(DEFAULT_CERT_URL, b"garbage")

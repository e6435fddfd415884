"""Downloading and caching the certificate chains named by `SignatureCertChainUrl`.

A download has a hard deadline (connect, headers and body together) and a size cap, so a slow
or hostile server cannot hold a worker for long. Chains are cached until their leaf expires; a
URL whose download or parsing failed is refused from a cache for a minute, so junk requests
naming it cost no further downloads; and at most a few downloads run at once (the rest are
refused at once rather than queued). The cache lock is only held for dictionary access, never
during network I/O.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import SplitResult, urlsplit

import certifi
from cryptography import x509

from skill.web.cert_url import canonical_cert_url
from skill.web.chain import as_utc, load_chain
from skill.web.errors import VerificationError

logger = logging.getLogger(__name__)

# A chain whose leaf has already expired is still kept this long, so that requests naming it
# are rejected from the cache instead of each triggering a download.
_EXPIRED_CHAIN_RETENTION = timedelta(minutes=5)
_MAX_CACHED_CHAINS = 32
_READ_SIZE = 16384
FAILURE_RETENTION = timedelta(seconds=60)  # a failed URL is refused without a download this long
_MAX_REMEMBERED_FAILURES = 256
MAX_CONCURRENT_DOWNLOADS = 4
DOWNLOAD_SLOT_WAIT_S = 0.25  # how long a download waits for a free slot before it is refused


@dataclass(frozen=True)
class _CachedChain:
    chain: tuple[x509.Certificate, ...]
    keep_until: datetime


class ChainFetcher:
    """Fetches certificate chains from validated Amazon URLs, with a thread-safe cache."""

    def __init__(
        self,
        *,
        timeout_s: float = 3.0,
        max_bytes: int = 65536,
        resolve: Callable[[str], str] | None = None,
        clock: Callable[[], datetime] | None = None,
        max_concurrent: int = MAX_CONCURRENT_DOWNLOADS,
    ) -> None:
        """`resolve` maps the validated https URL to the URL actually fetched (a test hook)."""
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes
        self._resolve = resolve
        self._clock = clock or _utc_now
        self._lock = threading.Lock()
        self._cache: dict[str, _CachedChain] = {}
        self._failures: dict[str, tuple[datetime, str]] = {}  # url -> (refuse until, reason)
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self.downloads = 0  # downloads started (for tests and monitoring)

    def get(self, url: str) -> list[x509.Certificate]:
        """The chain at `url`, leaf first, from the cache or downloaded now."""
        canonical = canonical_cert_url(url)
        now = as_utc(self._clock())
        with self._lock:
            cached = self._cache.get(canonical)
            failed = self._failures.get(canonical)
        if cached is not None and now < cached.keep_until:
            return list(cached.chain)
        if failed is not None and now < failed[0]:
            raise VerificationError(failed[1])
        if not self._slots.acquire(timeout=DOWNLOAD_SLOT_WAIT_S):
            raise VerificationError("certificate chain download refused: too many at once")
        try:
            with self._lock:
                self.downloads += 1
            target = self._resolve(canonical) if self._resolve else canonical
            chain = load_chain(self._download(target))
        except VerificationError as error:
            self._remember_failure(canonical, error.reason, now)
            raise
        finally:
            self._slots.release()
        self._remember(canonical, chain, now)
        return chain

    def _remember_failure(self, canonical: str, reason: str, now: datetime) -> None:
        with self._lock:
            if len(self._failures) >= _MAX_REMEMBERED_FAILURES:
                for key in [key for key, (until, _) in self._failures.items() if until <= now]:
                    del self._failures[key]
                while len(self._failures) >= _MAX_REMEMBERED_FAILURES:
                    del self._failures[next(iter(self._failures))]
            self._failures[canonical] = (now + FAILURE_RETENTION, reason)

    def seed(self, url: str, pem: bytes) -> None:
        """Put a chain in the cache as if it had been downloaded from `url` just now."""
        self._remember(canonical_cert_url(url), load_chain(pem), as_utc(self._clock()))

    def _remember(self, canonical: str, chain: list[x509.Certificate], now: datetime) -> None:
        keep_until = max(chain[0].not_valid_after_utc, now + _EXPIRED_CHAIN_RETENTION)
        entry = _CachedChain(chain=tuple(chain), keep_until=keep_until)
        with self._lock:
            if canonical not in self._cache and len(self._cache) >= _MAX_CACHED_CHAINS:
                self._evict(now)
            self._cache[canonical] = entry
            self._failures.pop(canonical, None)

    def _evict(self, now: datetime) -> None:
        for key in [key for key, entry in self._cache.items() if entry.keep_until <= now]:
            del self._cache[key]
        while len(self._cache) >= _MAX_CACHED_CHAINS:
            del self._cache[next(iter(self._cache))]

    def _download(self, target: str) -> bytes:
        parts = urlsplit(target)
        deadline = time.monotonic() + self._timeout_s
        expired = threading.Event()
        watchdog: threading.Timer | None = None
        connection: http.client.HTTPConnection | None = None
        try:
            connection = _open_connection(parts, self._timeout_s)
            connection.connect()
            watchdog = _start_watchdog(connection, deadline, expired)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path or "/", headers={"Accept": "*/*"})
            with connection.getresponse() as response:
                body = self._read_body(response)
        except VerificationError as error:
            if expired.is_set():  # whatever went wrong, it was because the watchdog cut in
                raise VerificationError("certificate chain download timed out") from error
            raise
        except (OSError, http.client.HTTPException, ValueError) as error:
            logger.warning("certificate chain download from %s failed: %r", target, error)
            if expired.is_set() or isinstance(error, TimeoutError):
                raise VerificationError("certificate chain download timed out") from error
            raise VerificationError("certificate chain download failed") from error
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if connection is not None:
                connection.close()
        if expired.is_set():  # the watchdog cut the connection; what arrived is incomplete
            raise VerificationError("certificate chain download timed out")
        return body

    def _read_body(self, response: http.client.HTTPResponse) -> bytes:
        if response.status != 200:
            raise VerificationError(f"certificate chain download failed (HTTP {response.status})")
        declared = response.getheader("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise VerificationError("certificate chain is too large")
        body = bytearray()
        while chunk := response.read1(min(_READ_SIZE, self._max_bytes + 1 - len(body))):
            body += chunk
            if len(body) > self._max_bytes:
                raise VerificationError("certificate chain is too large")
        if response.length:  # the server closed before sending its declared Content-Length
            raise VerificationError("certificate chain download failed (incomplete)")
        return bytes(body)


def _open_connection(parts: SplitResult, timeout_s: float) -> http.client.HTTPConnection:
    if parts.hostname is None:
        raise VerificationError("certificate chain download failed")
    if parts.scheme == "https":
        return http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout_s, context=_tls_context()
        )
    if parts.scheme == "http":
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout_s)
    raise VerificationError("certificate chain download failed")


def _start_watchdog(
    connection: http.client.HTTPConnection, deadline: float, expired: threading.Event
) -> threading.Timer | None:
    """Cut the connection at the deadline: socket timeouts alone bound each read, not the sum."""
    sock = connection.sock
    if sock is None:
        return None

    def cut() -> None:
        expired.set()
        # The plain-socket shutdown unblocks a pending read without touching TLS state.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), cut)
    watchdog.daemon = True
    watchdog.start()
    return watchdog


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


def _utc_now() -> datetime:
    return datetime.now(UTC)

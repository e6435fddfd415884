"""Parsing and trust checks for the certificate chain that signs Alexa requests."""

from __future__ import annotations

import functools
import logging
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification as x509_verification

from skill.web.errors import VerificationError

ECHO_API_DNS_NAME = "echo-api.amazon.com"

logger = logging.getLogger(__name__)

_FINGERPRINT = hashes.SHA256()
_MAX_REMEMBERED_CHAINS = 64
REJECTION_RETENTION = timedelta(seconds=60)  # an untrusted chain is refused without re-checking
_MAX_REMEMBERED_REJECTIONS = 256


def load_chain(pem: bytes) -> list[x509.Certificate]:
    """Parse a PEM bundle (leaf first) into certificates; VerificationError if unusable."""
    try:
        chain = x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise VerificationError("certificate chain is not valid PEM") from error
    if not chain:
        raise VerificationError("certificate chain is empty")
    return chain


@functools.cache
def default_roots() -> tuple[x509.Certificate, ...]:
    """The public roots bundled with certifi, parsed once per process."""
    with open(certifi.where(), "rb") as bundle, warnings.catch_warnings():
        # A few long-lived roots carry non-positive serial numbers; they still parse.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return tuple(x509.load_pem_x509_certificates(bundle.read()))


def verify_chain(
    chain: Sequence[x509.Certificate], *, roots: Sequence[x509.Certificate], at: datetime
) -> x509.Certificate:
    """Check the chain at time `at` and return its leaf (the signing certificate)."""
    if not roots:
        raise VerificationError("no trusted root certificates are configured")
    return TrustAnchors(roots).verify(chain, at=at).leaf


@dataclass(frozen=True)
class VerifiedChain:
    """A chain that verified, and the window in which every certificate on its path is valid."""

    leaf: x509.Certificate
    valid_from: datetime
    valid_until: datetime

    def covers(self, at: datetime) -> bool:
        return self.valid_from <= at <= self.valid_until


class TrustAnchors:
    """A set of trusted roots, with a memo of chains already verified against them.

    Re-verifying the same chain on every request costs path building over every root; the
    result holds for as long as every certificate on the verified path is valid, so it is
    reused inside that window. A chain rejected for what it is (not issued to Alexa, not
    chaining to a trusted root) is refused from a memo for a minute, so repeating it costs
    nothing. Thread-safe.
    """

    def __init__(self, roots: Sequence[x509.Certificate]) -> None:
        if not roots:
            raise ValueError("at least one trusted root certificate is required")
        self._store = x509_verification.Store(list(roots))
        self._lock = threading.Lock()
        self._verified: dict[tuple[bytes, ...], VerifiedChain] = {}
        self._rejected: dict[tuple[bytes, ...], tuple[datetime, str]] = {}

    def verify(self, chain: Sequence[x509.Certificate], *, at: datetime) -> VerifiedChain:
        if not chain:
            raise VerificationError("certificate chain is empty")
        at = as_utc(at)
        key = tuple(certificate.fingerprint(_FINGERPRINT) for certificate in chain)
        with self._lock:
            known = self._verified.get(key)
            rejected = self._rejected.get(key)
        if known is not None and known.covers(at):
            return known
        if rejected is not None and at < rejected[0]:
            raise VerificationError(rejected[1])
        try:
            verified = self._verify_uncached(chain, at)
        except _Untrusted as error:
            self._remember_rejection(key, error.reason, at)
            raise
        with self._lock:
            if len(self._verified) >= _MAX_REMEMBERED_CHAINS:
                self._verified.clear()
            self._verified[key] = verified
        return verified

    def _remember_rejection(self, key: tuple[bytes, ...], reason: str, at: datetime) -> None:
        with self._lock:
            if len(self._rejected) >= _MAX_REMEMBERED_REJECTIONS:
                for old in [old for old, (until, _) in self._rejected.items() if until <= at]:
                    del self._rejected[old]
                while len(self._rejected) >= _MAX_REMEMBERED_REJECTIONS:
                    del self._rejected[next(iter(self._rejected))]
            self._rejected[key] = (at + REJECTION_RETENTION, reason)

    def _verify_uncached(self, chain: Sequence[x509.Certificate], at: datetime) -> VerifiedChain:
        leaf = chain[0]
        if at < leaf.not_valid_before_utc:
            raise VerificationError("signing certificate is not yet valid")
        if at > leaf.not_valid_after_utc:
            raise VerificationError("signing certificate has expired")
        if not _names_echo_api(leaf):
            raise _Untrusted(f"signing certificate is not issued to {ECHO_API_DNS_NAME}")
        verifier = (
            x509_verification.PolicyBuilder()
            .store(self._store)
            .time(at)
            .build_server_verifier(x509.DNSName(ECHO_API_DNS_NAME))
        )
        try:
            path = verifier.verify(leaf, list(chain[1:]))
        except x509_verification.VerificationError as error:
            logger.warning("certificate chain rejected: %s", error)
            raise _Untrusted("certificate chain is not trusted") from error
        return VerifiedChain(
            leaf=leaf,
            valid_from=max(certificate.not_valid_before_utc for certificate in path),
            valid_until=min(certificate.not_valid_after_utc for certificate in path),
        )


class _Untrusted(VerificationError):
    """Rejected for what the chain is, not for when it is checked: worth remembering."""


def _names_echo_api(leaf: x509.Certificate) -> bool:
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, x509.DuplicateExtension, ValueError):
        return False
    return any(
        name.lower() == ECHO_API_DNS_NAME for name in names.get_values_for_type(x509.DNSName)
    )


def as_utc(moment: datetime) -> datetime:
    """The same moment as an aware UTC datetime (a naive one is taken to be UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

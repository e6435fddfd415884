"""Verification of Alexa requests, run on every POST before any handler sees it.

The checks follow Amazon's "Host a custom skill as a web service" requirements: the certificate
chain URL, the chain itself, the `Signature-256` header over the raw body bytes, the request
timestamp and the application id. Any failure raises VerificationError with a short reason.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from skill import strict_json
from skill.web.cert_url import validate_cert_url
from skill.web.certificates import ChainFetcher
from skill.web.chain import TrustAnchors, as_utc, default_roots, load_chain, verify_chain
from skill.web.errors import VerificationError

__all__ = [
    "CERT_URL_HEADER",
    "SIGNATURE_HEADER",
    "ChainFetcher",
    "RequestVerifier",
    "VerificationError",
    "check_application_id",
    "check_timestamp",
    "default_roots",
    "load_chain",
    "parse_envelope",
    "validate_cert_url",
    "verify_chain",
    "verify_signature",
]

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
TIMESTAMP_TOLERANCE_S = 150.0

SHA256 = hashes.SHA256()

logger = logging.getLogger(__name__)


def verify_signature(
    leaf: x509.Certificate,
    signature_b64: str,
    body: bytes,
    algorithm: hashes.HashAlgorithm = SHA256,
) -> None:
    """Check an RSA PKCS#1 v1.5 signature by `leaf` over exactly these body bytes."""
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise VerificationError("signature is not valid base64") from error
    public_key = leaf.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise VerificationError("signing certificate does not hold an RSA key")
    try:
        public_key.verify(signature, body, padding.PKCS1v15(), algorithm)
    except InvalidSignature as error:
        raise VerificationError("signature does not match the body") from error


def parse_envelope(body: bytes) -> dict[str, Any]:
    """The request envelope: a JSON object (strict UTF-8, finite numbers, sanely nested)
    holding a "request" object."""
    try:
        text = body.decode("utf-8")
        envelope = strict_json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise VerificationError("request body is not valid JSON") from error
    if not isinstance(envelope, dict):
        raise VerificationError("request body is not a JSON object")
    if strict_json.nested_too_deep(text, envelope):
        raise VerificationError("request body is nested too deeply")
    if not isinstance(envelope.get("request"), dict):
        raise VerificationError("request body has no request object")
    return envelope


def check_timestamp(
    envelope: Mapping[str, Any], now: datetime, tolerance_s: float = TIMESTAMP_TOLERANCE_S
) -> None:
    """Reject requests whose `request.timestamp` is more than `tolerance_s` from `now`."""
    request = envelope.get("request")
    raw = request.get("timestamp") if isinstance(request, Mapping) else None
    if raw is None:
        raise VerificationError("request timestamp is missing")
    if not isinstance(raw, str):
        raise VerificationError("request timestamp is not a valid time")
    try:
        skew_s = (as_utc(now) - as_utc(datetime.fromisoformat(raw))).total_seconds()
    except (ValueError, OverflowError) as error:
        raise VerificationError("request timestamp is not a valid time") from error
    if skew_s > tolerance_s:
        raise VerificationError("request timestamp is too old")
    if skew_s < -tolerance_s:
        raise VerificationError("request timestamp is in the future")


def check_application_id(envelope: Mapping[str, Any], skill_id: str | None) -> None:
    """Reject requests for another skill; `skill_id=None` turns the check off."""
    if skill_id is None:
        return
    application_id = _application_id(envelope)
    if application_id is None:
        raise VerificationError("application id is missing")
    if application_id != skill_id:
        raise VerificationError("request is for a different skill")


def _application_id(envelope: Mapping[str, Any]) -> str | None:
    for path in (
        ("context", "System", "application", "applicationId"),
        ("session", "application", "applicationId"),
    ):
        node: Any = envelope
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, str):
            return node
    return None


class RequestVerifier:
    """All the checks in order; thread-safe, meant to live as long as the web app."""

    def __init__(
        self,
        *,
        skill_id: str | None,
        verify_signatures: bool = True,
        fetcher: ChainFetcher | None = None,
        roots: Sequence[x509.Certificate] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._skill_id = skill_id
        self._verify_signatures = verify_signatures
        self._clock = clock or _utc_now
        self._fetcher = fetcher or ChainFetcher(clock=self._clock)
        self._anchors = TrustAnchors(default_roots() if roots is None else roots)
        if not verify_signatures:
            logger.warning(
                "Alexa request signature verification is DISABLED: anyone can call this skill"
            )

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """Run every check and return the parsed request envelope."""
        now = as_utc(self._clock())
        if self._verify_signatures:
            self._check_signature(headers, body, now)
        envelope = parse_envelope(body)
        check_timestamp(envelope, now)
        check_application_id(envelope, self._skill_id)
        return envelope

    def _check_signature(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        by_name = {name.lower(): value for name, value in headers.items()}
        cert_url = by_name.get(CERT_URL_HEADER.lower(), "").strip()
        if not cert_url:
            raise VerificationError(f"{CERT_URL_HEADER} header is missing")
        signature = by_name.get(SIGNATURE_HEADER.lower(), "").strip()
        if not signature:
            raise VerificationError(f"{SIGNATURE_HEADER} header is missing")
        chain = self._fetcher.get(cert_url)
        leaf = self._anchors.verify(chain, at=now).leaf
        verify_signature(leaf, signature, body)


def _utc_now() -> datetime:
    return datetime.now(UTC)

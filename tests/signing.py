"""Test helper: a generated Alexa-style signing PKI and requests signed with it.

`make_pki()` builds root CA -> intermediate -> leaf (RSA 2048, SAN echo-api.amazon.com by
default), `sign_headers()` signs a raw body the way Alexa does (`Signature-256`), and
`make_verifier()` returns a RequestVerifier that trusts only that root and has the chain in its
cache, so nothing is downloaded. RSA keys are generated once per process and reused, one set per
`authority` name: two authorities never share keys, so one cannot vouch for the other.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from skill.web.certificates import ChainFetcher
from skill.web.verification import RequestVerifier

ECHO_API_SAN = "echo-api.amazon.com"
DEFAULT_CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-footcoach-test.pem"
DEFAULT_AUTHORITY = "Foot Coach Test"
TEST_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-f00tc0ac4000"


@dataclass(frozen=True)
class SigningAuthority:
    """A generated chain: `chain_pem` is what S3 would serve (leaf, then intermediate)."""

    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    chain_pem: bytes
    leaf_key: rsa.RSAPrivateKey
    cert_url: str


_keys: dict[str, rsa.RSAPrivateKey] = {}
_keys_lock = threading.Lock()


def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """A 2048-bit RSA key, generated the first time `name` is asked for."""
    with _keys_lock:
        if name not in _keys:
            _keys[name] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _keys[name]


def make_pki(
    *,
    san: str | None = ECHO_API_SAN,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    cert_url: str = DEFAULT_CERT_URL,
    authority: str = DEFAULT_AUTHORITY,
    include_root_in_chain: bool = False,
) -> SigningAuthority:
    """A root -> intermediate -> leaf chain; the leaf is valid from a day ago for 30 days."""
    now = datetime.now(UTC).replace(microsecond=0)
    leaf_from = not_before or now - timedelta(days=1)
    leaf_until = not_after or now + timedelta(days=30)
    ca_from = min(leaf_from, now) - timedelta(days=1)
    ca_until = max(leaf_until, now) + timedelta(days=365)

    root_key = rsa_key(f"{authority}/root")
    intermediate_key = rsa_key(f"{authority}/intermediate")
    leaf_key = rsa_key(f"{authority}/leaf")
    root_name = _name(f"{authority} Root CA")
    intermediate_name = _name(f"{authority} Server CA")

    root = (
        _builder(root_name, root_name, root_key, ca_from, ca_until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    intermediate = (
        _builder(intermediate_name, root_name, intermediate_key, ca_from, ca_until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(_authority_key_id(root_key), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    leaf_builder = (
        _builder(_name(san or "no-san.example"), intermediate_name, leaf_key, leaf_from, leaf_until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_leaf_key_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(_authority_key_id(intermediate_key), critical=False)
    )
    if san is not None:
        leaf_builder = leaf_builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False
        )
    leaf = leaf_builder.sign(intermediate_key, hashes.SHA256())

    served = [leaf, intermediate, root] if include_root_in_chain else [leaf, intermediate]
    chain_pem = b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in served)
    return SigningAuthority(
        root=root,
        intermediate=intermediate,
        leaf=leaf,
        chain_pem=chain_pem,
        leaf_key=leaf_key,
        cert_url=cert_url,
    )


def sign_body(key: rsa.RSAPrivateKey, body: bytes) -> str:
    """Base64 RSA PKCS#1 v1.5 SHA-256 signature over the raw bytes, as in `Signature-256`."""
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def sign_headers(pki: SigningAuthority, body: bytes) -> dict[str, str]:
    """The two headers Alexa sends with a request signed by `pki`."""
    return {"SignatureCertChainUrl": pki.cert_url, "Signature-256": sign_body(pki.leaf_key, body)}


def make_verifier(
    pki: SigningAuthority,
    *,
    skill_id: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> RequestVerifier:
    """A verifier trusting only `pki.root`, with `pki`'s chain already in its fetcher's cache."""
    fetcher = ChainFetcher(clock=clock)
    fetcher.seed(pki.cert_url, pki.chain_pem)
    return RequestVerifier(skill_id=skill_id, fetcher=fetcher, roots=[pki.root], clock=clock)


def make_envelope(
    *,
    skill_id: str = TEST_SKILL_ID,
    timestamp: datetime | None = None,
    request: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A minimal LaunchRequest envelope (override `request` for other request types)."""
    moment = (timestamp or datetime.now(UTC)).astimezone(UTC)
    application = {"applicationId": skill_id}
    user = {"userId": "amzn1.ask.account.FOOTCOACHTEST"}
    return {
        "version": "1.0",
        "session": {
            "new": True,
            "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": application,
            "attributes": {},
            "user": user,
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "amzn1.ask.device.FOOTCOACHTEST"},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": request
        or {
            "type": "LaunchRequest",
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": "en-US",
        },
    }


def envelope_bytes(envelope: dict[str, Any]) -> bytes:
    """Serialise an envelope the way Alexa does (compact JSON, UTF-8)."""
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    key: rsa.RSAPrivateKey,
    not_before: datetime,
    not_after: datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


def _authority_key_id(issuer_key: rsa.RSAPrivateKey) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key())


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _leaf_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )

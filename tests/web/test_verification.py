"""Request verification: real Amazon-signed vectors, then a generated PKI for every failure."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from hypothesis import given, settings
from hypothesis import strategies as st
from signing import (
    DEFAULT_CERT_URL,
    TEST_SKILL_ID,
    SigningAuthority,
    envelope_bytes,
    make_envelope,
    make_pki,
    make_verifier,
    rsa_key,
    sign_body,
    sign_headers,
)

from skill.web.cert_url import canonical_cert_url
from skill.web.certificates import ChainFetcher
from skill.web.verification import (
    RequestVerifier,
    VerificationError,
    check_application_id,
    check_timestamp,
    default_roots,
    load_chain,
    parse_envelope,
    validate_cert_url,
    verify_chain,
    verify_signature,
)

VECTORS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "vectors" / "alexa-signed"
CERT7 = "ask-nodejs-cert7-2019"
SYMANTEC_2017 = [
    "mreinstein-cert4-helloworld-2017",
    "mreinstein-cert4-utf8-2017",
    "ruby-alexa-verifier-cert5-2017",
]
RUBY = "ruby-alexa-verifier-cert5-2017"


# --- real Amazon-signed requests (legacy SHA-1 `Signature`) --------------------------------


@dataclass(frozen=True)
class Vector:
    body: bytes
    headers: dict[str, str]
    chain: list[x509.Certificate]
    timestamp: datetime
    application_id: str


def load_vector(name: str) -> Vector:
    folder = VECTORS_DIR / name
    if not folder.is_dir():
        pytest.skip(f"real Alexa request vectors not available: {folder} is missing")
    body = (folder / "body.json").read_bytes()
    envelope = json.loads(body)
    return Vector(
        body=body,
        headers=json.loads((folder / "headers.json").read_text()),
        chain=load_chain((folder / "chain.pem").read_bytes()),
        timestamp=datetime.fromisoformat(envelope["request"]["timestamp"]),
        application_id=envelope["session"]["application"]["applicationId"],
    )


@pytest.mark.parametrize("name", [CERT7, *SYMANTEC_2017])
def test_real_signature_verifies_over_the_exact_body(name: str) -> None:
    vector = load_vector(name)
    verify_signature(vector.chain[0], vector.headers["Signature"], vector.body, hashes.SHA1())
    validate_cert_url(vector.headers["SignatureCertChainUrl"])
    envelope = parse_envelope(vector.body)
    check_timestamp(envelope, now=vector.timestamp + timedelta(seconds=30))
    check_application_id(envelope, vector.application_id)


@pytest.mark.parametrize("name", [CERT7, *SYMANTEC_2017])
def test_flipping_one_body_byte_breaks_the_real_signature(name: str) -> None:
    vector = load_vector(name)
    middle = len(vector.body) // 2
    tampered = bytearray(vector.body)
    tampered[middle] ^= 0x01
    assert bytes(tampered) != vector.body
    with pytest.raises(VerificationError, match="does not match the body"):
        verify_signature(
            vector.chain[0], vector.headers["Signature"], bytes(tampered), hashes.SHA1()
        )


def test_ruby_body_is_signed_with_its_leading_space_and_newlines() -> None:
    vector = load_vector(RUBY)
    assert vector.body.startswith(b" ") and vector.body.count(b"\n") >= 2
    verify_signature(vector.chain[0], vector.headers["Signature"], vector.body, hashes.SHA1())
    reserialised = json.dumps(json.loads(vector.body), separators=(",", ":")).encode()
    for altered in (vector.body.strip(), vector.body.lstrip(), reserialised):
        assert altered != vector.body
        with pytest.raises(VerificationError, match="does not match the body"):
            verify_signature(vector.chain[0], vector.headers["Signature"], altered, hashes.SHA1())


def test_cert7_chain_is_trusted_by_certifi_roots_at_the_request_time() -> None:
    vector = load_vector(CERT7)
    leaf = verify_chain(vector.chain, roots=default_roots(), at=vector.timestamp)
    assert leaf == vector.chain[0]
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "echo-api.amazon.com" in names.get_values_for_type(x509.DNSName)


def test_cert7_chain_is_rejected_today_because_it_expired() -> None:
    vector = load_vector(CERT7)
    with pytest.raises(VerificationError, match="has expired"):
        verify_chain(vector.chain, roots=default_roots(), at=datetime.now(UTC))


@pytest.mark.parametrize("name", SYMANTEC_2017)
def test_2017_chains_no_longer_reach_a_trusted_root(name: str) -> None:
    vector = load_vector(name)
    with pytest.raises(VerificationError, match="not trusted"):
        verify_chain(vector.chain, roots=default_roots(), at=vector.timestamp)


def test_request_verifier_refuses_a_request_signed_only_with_legacy_sha1() -> None:
    vector = load_vector(CERT7)
    fetcher = ChainFetcher(clock=lambda: vector.timestamp)
    fetcher.seed(
        vector.headers["SignatureCertChainUrl"], (VECTORS_DIR / CERT7 / "chain.pem").read_bytes()
    )
    verifier = RequestVerifier(
        skill_id=vector.application_id, fetcher=fetcher, clock=lambda: vector.timestamp
    )
    with pytest.raises(VerificationError, match="Signature-256 header is missing"):
        verifier.verify(vector.headers, vector.body)
    sha1_as_256 = {**vector.headers, "Signature-256": vector.headers["Signature"]}
    with pytest.raises(VerificationError, match="does not match the body"):
        verifier.verify(sha1_as_256, vector.body)


# --- generated PKI: the whole pipeline ---------------------------------------------------


@pytest.fixture(scope="module")
def pki() -> SigningAuthority:
    return make_pki()


def signed_request(
    pki: SigningAuthority, envelope: dict[str, Any] | None = None
) -> tuple[dict[str, str], bytes]:
    body = envelope_bytes(envelope if envelope is not None else make_envelope())
    return sign_headers(pki, body), body


def test_a_correctly_signed_request_passes_and_returns_the_envelope(pki: SigningAuthority) -> None:
    envelope = make_envelope()
    headers, body = signed_request(pki, envelope)
    assert make_verifier(pki, skill_id=TEST_SKILL_ID).verify(headers, body) == envelope


def test_header_names_are_case_insensitive(pki: SigningAuthority) -> None:
    headers, body = signed_request(pki)
    verifier = make_verifier(pki, skill_id=TEST_SKILL_ID)
    for transform in (str.lower, str.upper, str.title):
        renamed = {transform(name): value for name, value in headers.items()}
        assert verifier.verify(renamed, body)["request"]["type"] == "LaunchRequest"


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("Signature-256", None, "Signature-256 header is missing"),
        ("Signature-256", "", "Signature-256 header is missing"),
        ("Signature-256", "   ", "Signature-256 header is missing"),
        ("SignatureCertChainUrl", None, "SignatureCertChainUrl header is missing"),
        ("SignatureCertChainUrl", "", "SignatureCertChainUrl header is missing"),
    ],
)
def test_missing_or_empty_signature_headers_are_rejected(
    pki: SigningAuthority, header: str, value: str | None, reason: str
) -> None:
    headers, body = signed_request(pki)
    if value is None:
        del headers[header]
    else:
        headers[header] = value
    with pytest.raises(VerificationError, match=reason):
        make_verifier(pki).verify(headers, body)


BAD_CERT_URLS = [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "//s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert.pem",
    "https://evil.com/s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com./echo.api/echo-api-cert.pem",
    "https://s3-external-1.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://[::1]/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../../evil/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/x/../../evil/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api.evil/echo-api-cert.pem",
    "https://s3.amazonaws.com//echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/",
    "https://s3.amazonaws.com/echo.api/x/..",
    "https://s3.amazonaws.com/echo.api",
    "https://s3.amazonaws.com",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:99999/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:https/echo.api/echo-api-cert.pem",
    "https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://user:pw@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://evil.com@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com@evil.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com%2F@evil.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api%2F..%2Fevil/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/..%2F..%2Fevil/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%2e%2e/evil/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%2E%2E%2Fevil.pem",
    "https://s3.amazonaws.com/echo.api\\..\\evil/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem?x-id=GetObject",
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem#fragment",
    " https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/echo-api\n-cert.pem",
    "https://s3.amazonaws.com/echo.api/echo-api\t-cert.pem",
    "https://s3.amazonaws.com/echo.api/echo api-cert.pem",
    "https://\u04553.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/\u00e9cho-api-cert.pem",
    "",
]


@pytest.mark.parametrize("url", BAD_CERT_URLS)
def test_bad_certificate_urls_are_rejected(pki: SigningAuthority, url: str) -> None:
    with pytest.raises(VerificationError, match="certificate URL"):
        validate_cert_url(url)
    headers, body = signed_request(pki)
    headers["SignatureCertChainUrl"] = url
    with pytest.raises(VerificationError):
        make_verifier(pki).verify(headers, body)


GOOD_URL_SPELLINGS = [
    DEFAULT_CERT_URL,
    DEFAULT_CERT_URL.replace("amazonaws.com/", "amazonaws.com:443/"),
    DEFAULT_CERT_URL.replace("https://s3.amazonaws.com", "HTTPS://S3.AMAZONAWS.COM"),
    DEFAULT_CERT_URL.replace("https://s3.amazonaws.com", "hTTps://s3.AmazonAWS.com"),
    DEFAULT_CERT_URL.replace("/echo.api/", "/echo.api/../echo.api/"),
    DEFAULT_CERT_URL.replace("/echo.api/", "/echo.api/./"),
    DEFAULT_CERT_URL.replace("/echo.api/", "/echo.api/sub/../"),
]


@pytest.mark.parametrize("url", GOOD_URL_SPELLINGS)
def test_equivalent_spellings_of_the_amazon_url_are_accepted(
    pki: SigningAuthority, url: str
) -> None:
    assert canonical_cert_url(url) == DEFAULT_CERT_URL
    headers, body = signed_request(pki)
    headers["SignatureCertChainUrl"] = url
    # The verifier's cache holds the chain under the canonical URL, so nothing is downloaded.
    assert make_verifier(pki).verify(headers, body)["request"]["type"] == "LaunchRequest"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: make_pki(san="echo-api.example.com"), "not issued to echo-api.amazon.com"),
        (lambda: make_pki(san="evil-echo-api.amazon.com"), "not issued to echo-api.amazon.com"),
        (lambda: make_pki(san=None), "not issued to echo-api.amazon.com"),
        (
            lambda: make_pki(
                not_before=_now() - timedelta(days=60), not_after=_now() - timedelta(seconds=1)
            ),
            "has expired",
        ),
        (
            lambda: make_pki(
                not_before=_now() + timedelta(days=1), not_after=_now() + timedelta(days=30)
            ),
            "not yet valid",
        ),
    ],
    ids=["wrong-san", "lookalike-san", "no-san", "expired", "not-yet-valid"],
)
def test_unacceptable_signing_certificates_are_rejected(
    make: Callable[[], SigningAuthority], reason: str
) -> None:
    bad = make()
    headers, body = signed_request(bad)
    with pytest.raises(VerificationError, match=reason):
        make_verifier(bad).verify(headers, body)
    with pytest.raises(VerificationError, match=reason):
        verify_chain(load_chain(bad.chain_pem), roots=[bad.root], at=_now())


@pytest.mark.parametrize("include_root", [False, True])
def test_a_chain_from_an_untrusted_root_is_rejected(
    pki: SigningAuthority, include_root: bool
) -> None:
    stranger = make_pki(authority="Mallory Test", include_root_in_chain=include_root)
    fetcher = ChainFetcher()
    fetcher.seed(stranger.cert_url, stranger.chain_pem)
    verifier = RequestVerifier(skill_id=None, fetcher=fetcher, roots=[pki.root])
    headers, body = signed_request(stranger)
    with pytest.raises(VerificationError, match="not trusted"):
        verifier.verify(headers, body)
    # Sanity: the same chain is fine for a verifier that does trust its root.
    assert make_verifier(stranger).verify(headers, body)["request"]


def test_the_generated_chain_verifies_with_its_root_included(pki: SigningAuthority) -> None:
    chain = load_chain(make_pki(include_root_in_chain=True).chain_pem)
    assert len(chain) == 3
    assert verify_chain(chain, roots=[pki.root], at=_now()) == chain[0]


def test_verify_chain_needs_a_chain_and_roots(pki: SigningAuthority) -> None:
    with pytest.raises(VerificationError, match="empty"):
        verify_chain([], roots=[pki.root], at=_now())
    with pytest.raises(VerificationError, match="no trusted root"):
        verify_chain([pki.leaf, pki.intermediate], roots=[], at=_now())


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        (base64.b64encode(bytes(256)).decode(), "does not match the body"),
        (base64.b64encode(b"short").decode(), "does not match the body"),
        ("not base64 at all!", "not valid base64"),
        ("QUJD\u00e9", "not valid base64"),
    ],
)
def test_malformed_signatures_are_rejected(
    pki: SigningAuthority, signature: str, reason: str
) -> None:
    headers, body = signed_request(pki)
    headers["Signature-256"] = signature
    with pytest.raises(VerificationError, match=reason):
        make_verifier(pki).verify(headers, body)


def test_a_signature_by_another_key_is_rejected(pki: SigningAuthority) -> None:
    headers, body = signed_request(pki)
    headers["Signature-256"] = sign_body(rsa_key("someone else"), body)
    with pytest.raises(VerificationError, match="does not match the body"):
        make_verifier(pki).verify(headers, body)


def test_the_signature_covers_the_raw_bytes_exactly(pki: SigningAuthority) -> None:
    headers, body = signed_request(pki)
    verifier = make_verifier(pki)
    other_body = envelope_bytes(make_envelope())
    reformatted = json.dumps(json.loads(body), indent=1).encode()
    for altered in (other_body, body + b"\n", b" " + body, reformatted):
        assert json.loads(altered)["request"]
        with pytest.raises(VerificationError, match="does not match the body"):
            verifier.verify(headers, altered)


def test_the_signature_is_checked_before_the_body_is_parsed(pki: SigningAuthority) -> None:
    headers, _ = signed_request(pki)
    with pytest.raises(VerificationError, match="does not match the body"):
        make_verifier(pki).verify(headers, b"not json")


class PinnedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize(
    ("offset_s", "reason"),
    [
        (-151, "too old"),
        (-3600, "too old"),
        (151, "in the future"),
        (86400, "in the future"),
    ],
)
def test_requests_outside_150_seconds_are_rejected(
    pki: SigningAuthority, offset_s: int, reason: str
) -> None:
    clock = PinnedClock(_now())
    envelope = make_envelope(timestamp=clock.now + timedelta(seconds=offset_s))
    headers, body = signed_request(pki, envelope)
    with pytest.raises(VerificationError, match=reason):
        make_verifier(pki, clock=clock).verify(headers, body)


@pytest.mark.parametrize("offset_s", [-150, -149, 0, 149, 150])
def test_requests_within_150_seconds_pass(pki: SigningAuthority, offset_s: int) -> None:
    clock = PinnedClock(_now())
    envelope = make_envelope(timestamp=clock.now + timedelta(seconds=offset_s))
    headers, body = signed_request(pki, envelope)
    assert make_verifier(pki, clock=clock).verify(headers, body) == envelope


def test_a_chain_verified_earlier_is_rechecked_once_it_expires(pki: SigningAuthority) -> None:
    fetcher = ChainFetcher()
    fetcher.seed(pki.cert_url, pki.chain_pem)
    clock = PinnedClock(_now())
    verifier = RequestVerifier(skill_id=None, fetcher=fetcher, roots=[pki.root], clock=clock)
    headers, body = signed_request(pki, make_envelope(timestamp=clock.now))
    assert verifier.verify(headers, body)
    clock.now = pki.leaf.not_valid_after_utc + timedelta(seconds=1)
    headers, body = signed_request(pki, make_envelope(timestamp=clock.now))
    with pytest.raises(VerificationError, match="has expired"):
        verifier.verify(headers, body)


def test_a_request_for_another_skill_is_rejected(pki: SigningAuthority) -> None:
    headers, body = signed_request(pki, make_envelope(skill_id="amzn1.ask.skill.someone-else"))
    with pytest.raises(VerificationError, match="different skill"):
        make_verifier(pki, skill_id=TEST_SKILL_ID).verify(headers, body)
    assert make_verifier(pki, skill_id=None).verify(headers, body)


def test_the_application_id_comes_from_context_then_session() -> None:
    envelope = make_envelope(skill_id=TEST_SKILL_ID)
    check_application_id(envelope, TEST_SKILL_ID)
    only_session = {key: value for key, value in envelope.items() if key != "context"}
    check_application_id(only_session, TEST_SKILL_ID)
    only_context = {key: value for key, value in envelope.items() if key != "session"}
    check_application_id(only_context, TEST_SKILL_ID)
    context_wins = {**envelope, "session": {"application": {"applicationId": "other"}}}
    check_application_id(context_wins, TEST_SKILL_ID)
    context_says_other = json.loads(json.dumps(envelope))
    context_says_other["context"]["System"]["application"]["applicationId"] = "other"
    with pytest.raises(VerificationError, match="different skill"):
        check_application_id(context_says_other, TEST_SKILL_ID)
    neither = {"request": envelope["request"]}
    with pytest.raises(VerificationError, match="application id is missing"):
        check_application_id(neither, TEST_SKILL_ID)
    check_application_id(neither, None)
    with pytest.raises(VerificationError, match="different skill"):
        check_application_id(envelope, TEST_SKILL_ID.upper())


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"request": {"type": "LaunchRequest"', "not valid JSON"),
        (b'{"request": {"type": "\xff\xfe"}}', "not valid JSON"),
        ('{"request": {}}'.encode("utf-16"), "not valid JSON"),
        (b"\xef\xbb\xbf{}", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b"[]", "not a JSON object"),
        (b'"LaunchRequest"', "not a JSON object"),
        (b"null", "not a JSON object"),
        (b"42", "not a JSON object"),
        (b'{"version": "1.0"}', "no request object"),
        (b'{"request": "LaunchRequest"}', "no request object"),
        (b'{"request": {"type": "LaunchRequest"}}', "timestamp is missing"),
        (b'{"request": {"timestamp": "yesterday"}}', "not a valid time"),
        (b'{"request": {"timestamp": 1563230663000}}', "not a valid time"),
        (b'{"request": {"timestamp": "0001-01-01T00:00:00+01:00"}}', "not a valid time"),
    ],
)
def test_signed_but_unusable_bodies_are_rejected(
    pki: SigningAuthority, body: bytes, reason: str
) -> None:
    headers = sign_headers(pki, body)
    with pytest.raises(VerificationError, match=reason):
        make_verifier(pki).verify(headers, body)
    with pytest.raises(VerificationError, match=reason):
        RequestVerifier(skill_id=None, verify_signatures=False).verify({}, body)


def test_without_signature_checks_the_envelope_checks_still_apply() -> None:
    verifier = RequestVerifier(skill_id=TEST_SKILL_ID, verify_signatures=False)
    envelope = make_envelope()
    assert verifier.verify({}, envelope_bytes(envelope)) == envelope
    stale = make_envelope(timestamp=_now() - timedelta(seconds=151))
    with pytest.raises(VerificationError, match="too old"):
        verifier.verify({}, envelope_bytes(stale))
    foreign = make_envelope(skill_id="amzn1.ask.skill.someone-else")
    with pytest.raises(VerificationError, match="different skill"):
        verifier.verify({}, envelope_bytes(foreign))


def test_check_timestamp_accepts_fractions_offsets_and_naive_now() -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    for stamp in ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123Z", "2026-01-02T04:04:05+01:00"):
        check_timestamp({"request": {"timestamp": stamp}}, now)
    check_timestamp({"request": {"timestamp": "2026-01-02T03:04:05Z"}}, now.replace(tzinfo=None))
    with pytest.raises(VerificationError, match="too old"):
        check_timestamp({"request": {"timestamp": "2026-01-02T03:04:04Z"}}, now, tolerance_s=0.5)


def test_verification_error_carries_a_reason_and_http_400() -> None:
    error = VerificationError("signature does not match the body")
    assert error.reason == "signature does not match the body"
    assert error.status == 400
    assert str(error) == error.reason


# --- property: URL validation fails only in the documented way -----------------------------

_URL_PIECES = st.sampled_from(
    ["echo.api", "ECHO.API", "..", ".", "", "x.pem", "%2F", "%2e", "@", ":", "\\", "?", "#", "/"]
)
_structured_urls = st.builds(
    lambda scheme, userinfo, host, port, segments: (
        f"{scheme}://{userinfo}{host}{port}/" + "/".join(segments)
    ),
    st.sampled_from(["https", "HTTPS", "http", "", "hTtPs"]) | st.text(max_size=6),
    st.sampled_from(["", "user@", "a:b@", "@"]),
    st.sampled_from(["s3.amazonaws.com", "S3.AMAZONAWS.COM", "s3.amazonaws.com.", "[::1]", ""])
    | st.text(max_size=20),
    st.sampled_from(["", ":443", ":563", ":", ":0443", ":-1", ":99999", ":x"])
    | st.text(max_size=6).map(lambda text: ":" + text),
    st.lists(_URL_PIECES | st.text(max_size=6), max_size=6),
)


@settings(max_examples=400, deadline=None)
@given(st.text() | _structured_urls)
def test_cert_url_validation_only_ever_raises_verification_error(url: str) -> None:
    try:
        canonical = canonical_cert_url(url)
    except VerificationError as error:
        assert error.reason
        return
    assert canonical.startswith("https://s3.amazonaws.com/echo.api/")
    assert "/../" not in canonical and "/./" not in canonical
    assert canonical_cert_url(canonical) == canonical


def test_an_untrusted_chain_is_refused_from_a_memo_for_a_minute(
    pki: SigningAuthority, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skill.web import chain as chain_module

    stranger = load_chain(make_pki(authority="Mallory Test").chain_pem)
    anchors = chain_module.TrustAnchors([pki.root])
    checks: list[int] = []
    original = chain_module.TrustAnchors._verify_uncached

    def counted(self: Any, chain: Any, at: datetime) -> Any:
        checks.append(1)
        return original(self, chain, at)

    monkeypatch.setattr(chain_module.TrustAnchors, "_verify_uncached", counted)
    at = _now()
    for _ in range(5):
        with pytest.raises(VerificationError, match="not trusted"):
            anchors.verify(stranger, at=at)
    assert len(checks) == 1, "rejected once, then refused from the memo"
    later = at + chain_module.REJECTION_RETENTION
    with pytest.raises(VerificationError, match="not trusted"):
        anchors.verify(stranger, at=later)
    assert len(checks) == 2, "checked again once the memo lapsed"
    # A time-dependent failure (not yet valid) is never remembered.
    good = load_chain(pki.chain_pem)
    early = pki.leaf.not_valid_before_utc - timedelta(days=1)
    with pytest.raises(VerificationError, match="not yet valid"):
        anchors.verify(good, at=early)
    assert anchors.verify(good, at=at).leaf == good[0]

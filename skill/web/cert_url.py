"""Validation of the `SignatureCertChainUrl` header, as Amazon specifies it.

Accepted: scheme https and host s3.amazonaws.com (both case-insensitive), port 443 if a port is
given, and a path that still starts with the case-sensitive `/echo.api/` once its `.` and `..`
segments are resolved. Anything unusual (userinfo, percent-encoding, backslashes, whitespace,
non-ASCII, a query or fragment) is rejected rather than interpreted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from skill.web.errors import VerificationError

CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
_HTTPS_PORT = 443


def validate_cert_url(url: str) -> None:
    """Raise VerificationError unless `url` is an acceptable certificate chain URL."""
    canonical_cert_url(url)


def canonical_cert_url(url: str) -> str:
    """Validate `url` and return the URL to fetch: `https://s3.amazonaws.com/echo.api/...`."""
    if not isinstance(url, str) or not url:
        raise VerificationError("certificate URL is missing")
    if not url.isascii() or not url.isprintable() or " " in url:
        raise VerificationError("certificate URL contains invalid characters")
    if "\\" in url or "%" in url:
        raise VerificationError("certificate URL must not contain escapes or backslashes")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise VerificationError("certificate URL is malformed") from error
    if parts.scheme.lower() != "https":
        raise VerificationError("certificate URL must use https")
    if "@" in parts.netloc:
        raise VerificationError("certificate URL must not contain user information")
    if parts.hostname != CERT_HOST:
        raise VerificationError(f"certificate URL host must be {CERT_HOST}")
    if port is not None and port != _HTTPS_PORT:
        raise VerificationError("certificate URL port must be 443")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise VerificationError("certificate URL must not have a query or fragment")
    path = remove_dot_segments(parts.path)
    if not path.startswith(CERT_PATH_PREFIX) or path == CERT_PATH_PREFIX:
        raise VerificationError(f"certificate URL path must be under {CERT_PATH_PREFIX}")
    return f"https://{CERT_HOST}{path}"


def remove_dot_segments(path: str) -> str:
    """Resolve `.` and `..` segments of an absolute URL path (RFC 3986, section 5.2.4)."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        is_last = index == len(segments) - 1
        if segment == ".":
            if is_last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if is_last:
                output.append("")
        else:
            output.append(segment)
    resolved = "/".join(output)
    return resolved if resolved.startswith("/") else "/" + resolved

"""Getting a request envelope to the skill: in-process (Flask test client) or over HTTP."""

from __future__ import annotations

import importlib
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any, Protocol

from skill.chat.errors import ChatError, TransportError

MAX_RESPONSE_BYTES = 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 10.0
# What a rejection from a running service usually means for someone chatting with it.
_REJECTION_HINTS = (
    ("header is missing", "the service checks signatures: start it with "
                          "FOOTCOACH_VERIFY_SIGNATURES=0 to chat with it"),
    ("different skill", "the service expects another skill id: pass --skill-id or set "
                        "FOOTCOACH_SKILL_ID to the service's"),
)


class Transport(Protocol):
    description: str

    def send(self, envelope: Mapping[str, Any]) -> Any:
        """POST the envelope and return the decoded JSON answer."""


def _decode(status: int, body: bytes) -> Any:
    text = body.decode("utf-8", errors="replace")
    if status != 200:
        raise TransportError(f"the skill answered HTTP {status}: {text.strip()[:300]}")
    try:
        return json.loads(text)
    except ValueError as error:
        raise TransportError(f"the skill's answer is not JSON: {text.strip()[:300]}") from error


class HttpTransport:
    """A running service (`footcoach serve`) with signature checks turned off."""

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ChatError(f"--url must be an http(s) URL, not {url!r}")
        self.url = url
        self.timeout = timeout
        self.description = f"the skill at {url}"

    def send(self, envelope: Mapping[str, Any]) -> Any:
        try:
            return self._post(envelope)
        except TransportError as error:
            hints = [hint for clue, hint in _REJECTION_HINTS if clue in str(error)]
            if hints:
                raise TransportError(f"{error} ({hints[0]})") from error
            raise

    def _post(self, envelope: Mapping[str, Any]) -> Any:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(envelope).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8",
                     "User-Agent": "footcoach-chat"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return _decode(answer.status, answer.read(MAX_RESPONSE_BYTES))
        except urllib.error.HTTPError as error:
            with error:
                return _decode(error.code, error.read(MAX_RESPONSE_BYTES))
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise TransportError(f"cannot reach {self.url}: {reason}") from error


class InProcessTransport:
    """The skill's own Flask app, called through its test client: no server, same store."""

    def __init__(self, app: Any) -> None:
        self._client = app.test_client()
        self.store_url: str | None = app.config.get("STORE_URL")
        self.description = f"the skill in this process (store {self.store_url})"

    def send(self, envelope: Mapping[str, Any]) -> Any:
        answer = self._client.post("/alexa", json=dict(envelope))
        return _decode(answer.status_code, answer.get_data())


def in_process_transport(store_url: str | None = None) -> InProcessTransport:
    """`create_app({"VERIFY_SIGNATURES": False})`: the store comes from FOOTCOACH_STORE."""
    try:
        # Imported on demand: `--url` must work where the app's dependencies are absent.
        create_app = importlib.import_module("skill.app").create_app
    except (ImportError, AttributeError) as error:
        raise ChatError(f"the skill app is not available ({error}); try --url") from error
    if not logging.getLogger().handlers:
        # The console is the interface: the service's start-up warnings (signatures off, no
        # skill id) are expected here and would only clutter the conversation.
        logging.basicConfig(level=logging.ERROR)
    config: dict[str, Any] = {"VERIFY_SIGNATURES": False}
    if store_url:
        config["STORE_URL"] = store_url
    return InProcessTransport(create_app(config))

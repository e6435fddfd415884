"""The one exception every request-verification failure raises."""

from __future__ import annotations


class VerificationError(Exception):
    """An Alexa request failed verification; `reason` is safe to show to the caller."""

    status: int = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

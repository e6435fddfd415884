"""The few ways the terminal console can fail."""

from __future__ import annotations


class ChatError(Exception):
    """Base class: anything the console reports to the user and then carries on (or exits)."""


class ModelError(ChatError):
    """The interaction model could not be found or does not have the ASK shape."""


class TransportError(ChatError):
    """The skill could not be reached, or answered with something that is not a response."""

"""Cues to SSML for Alexa: escaped text, chained breaks of at most 10 s, pace via prosody."""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

from skill.routine.cues import Cue

MAX_BREAK_MS = 10_000
MAX_SSML_CHARS = 8_000
MAX_AUDIO_SECONDS = 240.0
# The subset of Alexa's SSML tags the renderer uses; tests hold every output to it.
ALEXA_SSML_TAGS = frozenset(
    {
        "speak",
        "break",
        "prosody",
        "p",
        "s",
        "say-as",
        "emphasis",
        "audio",
        "amazon:effect",
        "amazon:emotion",
        "amazon:domain",
        "lang",
        "phoneme",
        "sub",
        "w",
        "voice",
    }
)


def escape_text(text: str) -> str:
    """XML-escape text for SSML (ask-sdk's speak() does not)."""
    return escape(text, {'"': "&quot;", "'": "&apos;"})


def break_tags(seconds: float) -> str:
    """A silence of ``seconds`` as chained ``<break>`` tags, none over 10 s."""
    remaining = round(seconds * 1000)
    tags = []
    while remaining > 0:
        chunk = min(remaining, MAX_BREAK_MS)
        tags.append(f'<break time="{chunk}ms"/>')
        remaining -= chunk
    return "".join(tags)


def cue_ssml(cue: Cue) -> str:
    if cue.kind == "pause":
        return break_tags(cue.seconds)
    return escape_text(cue.text)


def body_ssml(cues: Iterable[Cue]) -> str:
    """The inner SSML of a run of cues (no ``<speak>`` wrapper)."""
    parts: list[str] = []
    for cue in _merge_pauses(cues):
        piece = cue_ssml(cue)
        if not piece:
            continue
        if parts and cue.kind == "speech" and not parts[-1].endswith("/>"):
            parts.append(" ")
        parts.append(piece)
    return "".join(parts)


def _merge_pauses(cues: Iterable[Cue]) -> list[Cue]:
    merged: list[Cue] = []
    for cue in cues:
        if cue.kind == "pause" and merged and merged[-1].kind == "pause":
            previous = merged[-1]
            merged[-1] = Cue.pause(previous.seconds + cue.seconds, previous.position)
        else:
            merged.append(cue)
    return merged


def wrap(inner: str, prosody_rate: str | None = None) -> str:
    if prosody_rate:
        inner = f'<prosody rate="{prosody_rate}">{inner}</prosody>'
    return f"<speak>{inner}</speak>"


def text_ssml(*sentences: str, prosody_rate: str | None = None) -> str:
    """Plain sentences as one SSML document."""
    return wrap(escape_text(" ".join(s for s in sentences if s)), prosody_rate)


def cues_ssml(
    cues: Iterable[Cue],
    *,
    before: str = "",
    after: str = "",
    prosody_rate: str | None = None,
) -> str:
    """Cues as one SSML document, with optional plain sentences before and after them."""
    return document(body_ssml(cues), before=before, after=after, prosody_rate=prosody_rate)


def document(
    inner: str, *, before: str = "", after: str = "", prosody_rate: str | None = None
) -> str:
    """Already rendered cues as one SSML document, with plain sentences before and after."""
    if before:
        inner = escape_text(before) + (" " if inner and not inner.startswith("<") else "") + inner
    if after:
        inner = inner + (" " if inner and not inner.endswith("/>") else "") + escape_text(after)
    return wrap(inner, prosody_rate)

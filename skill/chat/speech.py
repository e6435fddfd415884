"""SSML -> what a listener hears: runs of text and pauses, and their terminal rendering.

Alexa's SSML uses prefixed tags without namespace declarations (`<amazon:emotion>`), so this
reads it with the forgiving HTML tokenizer rather than an XML parser. Tags that only colour the
voice (prosody, emphasis, say-as, voice, lang...) keep their text and are otherwise ignored,
except that a prosody rate stretches the time the words take, as the skill's own estimate does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from skill.routine.cues import speech_seconds

PAUSE_MARK = "· · ·"
# Seconds for <break strength=...>; Alexa documents them only as comma/sentence/paragraph.
_STRENGTH_SECONDS = {
    "none": 0.0, "x-weak": 0.0, "weak": 0.35, "medium": 0.35, "strong": 0.75, "x-strong": 1.0,
}
_RATE_WORDS = {"x-slow": 0.6, "slow": 0.8, "medium": 1.0, "fast": 1.25, "x-fast": 1.5}
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Below this, a pause reads as punctuation rather than as a line of its own.
VISIBLE_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class Speech:
    text: str
    seconds: float  # estimated time to say it


@dataclass(frozen=True)
class Pause:
    seconds: float


Segment = Speech | Pause


def prosody_rate(value: str | None) -> float | None:
    """The speaking-rate factor of a prosody rate attribute (1.0 = normal), None if absent."""
    if not value:
        return None
    match = _PERCENT.match(value)
    if match:
        return max(float(match.group(1)) / 100, 0.2)
    return _RATE_WORDS.get(value.strip().lower())


def break_seconds(time: str | None, strength: str | None) -> float:
    if time:
        match = _TIME.match(time)
        if match:
            value = float(match.group(1))
            return value / 1000 if match.group(2).lower() == "ms" else value
    return _STRENGTH_SECONDS.get((strength or "medium").lower(), _STRENGTH_SECONDS["medium"])


class _SsmlReader(HTMLParser):
    def __init__(self, language: str = "en") -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.segments: list[Segment] = []
        self._text: list[str] = []
        self._rates: list[float] = [1.0]

    def _flush_text(self) -> None:
        text = _SPACES.sub(" ", "".join(self._text)).strip()
        self._text = []
        if text:
            self.segments.append(Speech(text, speech_seconds(text, self._rates[-1], self.language)))

    def _pause(self, seconds: float) -> None:
        self._flush_text()
        if seconds <= 0:
            return
        if self.segments and isinstance(self.segments[-1], Pause):
            self.segments[-1] = Pause(self.segments[-1].seconds + seconds)
        else:
            self.segments.append(Pause(seconds))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "break":
            self._pause(break_seconds(values.get("time"), values.get("strength")))
        elif tag == "audio":
            self._text.append(" [audio] ")
        elif tag in {"p", "s"}:
            self._text.append(" ")
        elif tag == "prosody":
            self._flush_text()
            rate = prosody_rate(values.get("rate"))
            self._rates.append(self._rates[-1] * rate if rate else self._rates[-1])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"p", "s"}:
            self._text.append(" ")
        elif tag == "prosody" and len(self._rates) > 1:
            self._flush_text()
            self._rates.pop()

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush_text()


def ssml_segments(ssml: str, language: str = "en") -> list[Segment]:
    """Text runs and pauses in speaking order; chained breaks are merged into one pause. Words
    take the skill's own estimate in ``language`` (the voice of the request's locale)."""
    reader = _SsmlReader(language)
    reader.feed(ssml)
    reader.close()
    merged: list[Segment] = []
    for segment in reader.segments:
        previous = merged[-1] if merged else None
        if isinstance(segment, Speech) and isinstance(previous, Speech):
            merged[-1] = Speech(f"{previous.text} {segment.text}",
                                previous.seconds + segment.seconds)
        else:
            merged.append(segment)
    return merged


def format_seconds(seconds: float) -> str:
    rounded = round(seconds, 1)
    if rounded >= 60:
        minutes, rest = divmod(round(rounded), 60)
        return f"{minutes} min" + (f" {rest} s" if rest else "")
    return f"{rounded:g} s"


def pause_line(seconds: float) -> str:
    return f"{PAUSE_MARK} {format_seconds(seconds)}"


@dataclass(frozen=True)
class Line:
    """One line of the console's rendering.

    A text line carries the words, the time they take to say (`speaking`) and the short pauses
    inside it (`seconds`: waited, not shown); a pause line carries a pause of a second or more
    in `seconds`, shown as `· · · N s`.
    """

    text: str
    seconds: float
    is_pause: bool
    speaking: float = 0.0


def display_lines(segments: list[Segment]) -> list[Line]:
    lines: list[Line] = []
    words: list[str] = []
    short_pauses = speaking = 0.0
    for segment in segments:
        if isinstance(segment, Speech):
            words.append(segment.text)
            speaking += segment.seconds
        elif segment.seconds >= VISIBLE_PAUSE_SECONDS:
            if words:
                lines.append(Line(" ".join(words), short_pauses, False, speaking))
                words, short_pauses, speaking = [], 0.0, 0.0
            lines.append(Line(pause_line(segment.seconds), segment.seconds, is_pause=True))
        else:
            short_pauses += segment.seconds
    if words:
        lines.append(Line(" ".join(words), short_pauses, False, speaking))
    return lines


def render_lines(segments: list[Segment]) -> list[str]:
    """One line per run of text; a pause of a second or more gets its own `· · · N s` line."""
    return [line.text for line in display_lines(segments)]


def ssml_to_text(ssml: str) -> str:
    """The speech as one readable string, pauses shown inline."""
    return " ".join(render_lines(ssml_segments(ssml)))


def spoken_text(segments: list[Segment]) -> str:
    """Only the words, for a speech synthesiser."""
    return " ".join(segment.text for segment in segments if isinstance(segment, Speech))


# -- playback on a device whose voice is faster or slower than the skill's estimate ----------


def check_rate(rate: float) -> None:
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"speaking rate must be a positive factor, not {rate!r}")


def segment_seconds(segment: Segment, rate: float = 1.0) -> float:
    """Playback time of one segment: words take their estimate over ``rate``; pauses are exact."""
    if isinstance(segment, Pause):
        return segment.seconds
    return segment.seconds / rate


def playback_seconds(ssml: str, rate: float = 1.0, language: str = "en") -> float:
    """How long ``ssml`` plays on a device speaking ``rate`` times as fast as the skill's
    estimate (prosody included): the words over ``rate``, the breaks exactly."""
    check_rate(rate)
    return sum(segment_seconds(segment, rate) for segment in ssml_segments(ssml, language))


def heard_until(ssml: str, seconds: float, rate: float = 1.0, language: str = "en") -> str:
    """The words a listener has heard in full ``seconds`` into the playback of ``ssml``.

    Words are spread evenly over their run's playback time; a word cut off is not heard.
    """
    check_rate(rate)
    heard: list[str] = []
    elapsed = 0.0
    for segment in ssml_segments(ssml, language):
        length = segment_seconds(segment, rate)
        if isinstance(segment, Speech):
            words = segment.text.split()
            if seconds >= elapsed + length:
                heard.extend(words)
            else:
                fraction = max(0.0, seconds - elapsed) / length if length else 1.0
                # The small tolerance keeps a word that ends exactly at ``seconds`` heard.
                heard.extend(words[: math.floor(len(words) * fraction + 1e-9)])
                break
        elif seconds < elapsed + length:
            break
        elapsed += length
    return " ".join(heard)

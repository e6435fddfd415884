"""The building blocks of the timeline: cues (speech or silence) tagged with their position."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from skill.routine.catalog import Side

Phase = Literal["intro", "work", "hold", "rest", "transition", "done"]
CueKind = Literal["speech", "pause"]

# One documented speaking rate for every English estimate: 150 words per minute at the normal
# pace. Other languages are estimated by syllables (their words differ too much in length for a
# word count): syllables per second scaled from English by the cross-language speech rates of
# Pellegrino, Coupé & Marsico (2011, "A cross-language perspective on speech information
# rate": the same content takes about 19% longer in German, 14% in Spanish, 6% in French), with
# syllables counted as vowel groups as below, measured on this skill's own texts.
WORDS_PER_MINUTE = 150.0
MIN_SPEECH_SECONDS = 0.4
SYLLABLES_PER_SECOND = {"de": 3.45, "es": 4.55, "fr": 3.7}
_VOWELS = {
    "de": "aeiouyäöü",
    "es": "aeiouáéíóúü",
    "fr": "aeiouyàâäéèêëîïôöûùüœæ",
}
_DIGITS = re.compile(r"\d+")


def speech_seconds(text: str, rate: float = 1.0, language: str = "en") -> float:
    """Estimated time Alexa takes to say ``text`` at ``rate`` (1.0 = normal pace), spoken by
    the voice of ``language``."""
    if language in SYLLABLES_PER_SECOND:
        seconds = syllables(text, language) / SYLLABLES_PER_SECOND[language]
        return round(max(MIN_SPEECH_SECONDS, seconds) / rate, 3)
    words = len(text.split())
    return round(max(MIN_SPEECH_SECONDS, words * 60.0 / WORDS_PER_MINUTE) / rate, 3)


@lru_cache(maxsize=4096)
def syllables(text: str, language: str) -> int:
    """Spoken syllables in ``text``, counted as vowel groups (digits as their number words)."""
    from num2words import num2words

    text = _DIGITS.sub(lambda m: " " + str(num2words(int(m.group()), lang=language)) + " ", text)
    groups = re.compile(f"[{_VOWELS[language]}]+")
    count = 0
    for word in text.lower().split():
        found = len(groups.findall(word))
        if language == "fr" and found > 1 and re.search(r"[^aeiouyéèêàâîôû]es?\W*$", word):
            found -= 1  # a final mute e: "jambe", "pieds" (no), "marches"
        count += found
    return count


@dataclass(frozen=True)
class Position:
    """Where in a routine a cue belongs. ``set`` and ``rep`` are 1-based; 0 means none."""

    exercise: int
    side: Side | None
    set: int
    rep: int
    phase: Phase


@dataclass(frozen=True)
class Cue:
    kind: CueKind
    seconds: float
    position: Position
    text: str = ""
    # The first cue of a rep (or round): where "continue" picks up after an interruption.
    resume_here: bool = False

    @staticmethod
    def say(
        text: str,
        position: Position,
        rate: float = 1.0,
        *,
        resume_here: bool = False,
        estimate: Callable[[str, float], float] = speech_seconds,
    ) -> Cue:
        return Cue("speech", estimate(text, rate), position, text, resume_here)

    @staticmethod
    def pause(seconds: float, position: Position) -> Cue:
        return Cue("pause", round(seconds, 3), position)

"""The building blocks of the timeline: cues (speech or silence) tagged with their position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from skill.routine.catalog import Side

Phase = Literal["intro", "work", "hold", "rest", "transition", "done"]
CueKind = Literal["speech", "pause"]

# One documented speaking rate for every estimate: 150 words per minute at the normal pace.
WORDS_PER_MINUTE = 150.0
MIN_SPEECH_SECONDS = 0.4


def speech_seconds(text: str, rate: float = 1.0) -> float:
    """Estimated time Alexa takes to say ``text`` at ``rate`` (1.0 = normal pace)."""
    words = len(text.split())
    return round(max(MIN_SPEECH_SECONDS, words * 60.0 / WORDS_PER_MINUTE) / rate, 3)


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
    def say(text: str, position: Position, rate: float = 1.0, *, resume_here: bool = False) -> Cue:
        return Cue("speech", speech_seconds(text, rate), position, text, resume_here)

    @staticmethod
    def pause(seconds: float, position: Position) -> Cue:
        return Cue("pause", round(seconds, 3), position)

"""What is remembered about a runner, as small JSON-serialisable values.

Everything else (what a block says, how long it lasts) is derived from the plan. Reading never
crashes: a malformed or foreign document gives a fresh state instead of an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from skill.routine.plan import DEFAULT_PACE, PACES


@dataclass(frozen=True)
class Progress:
    """Where a runner is in a routine.

    ``served_at`` is the server clock when the block was served from ``from_cue`` (after
    ``lead_s`` seconds of lead-in speech); ``None`` means nothing is playing and the runner
    waits at ``(block, from_cue)``, e.g. after a pause or an interruption.
    """

    routine: str
    block: int
    from_cue: int
    served_at: float | None
    lead_s: float
    run: str
    started_at: float
    plan: str
    exercise: str
    skipped: tuple[str, ...] = ()  # exercise ids skipped in this run

    def waiting_at(self, block: int, from_cue: int, exercise: str) -> Progress:
        return replace(
            self, block=block, from_cue=from_cue, served_at=None, lead_s=0.0, exercise=exercise
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "routine": self.routine,
            "block": self.block,
            "from_cue": self.from_cue,
            "served_at": self.served_at,
            "lead_s": self.lead_s,
            "run": self.run,
            "started_at": self.started_at,
            "plan": self.plan,
            "exercise": self.exercise,
            "skipped": list(self.skipped),
        }

    @staticmethod
    def from_json(data: Any) -> Progress | None:
        if not isinstance(data, dict):
            return None
        try:
            served_at = data.get("served_at")
            progress = Progress(
                routine=_text(data["routine"]),
                block=_count(data["block"]),
                from_cue=_count(data.get("from_cue", 0)),
                served_at=None if served_at is None else _number(served_at),
                lead_s=_number(data.get("lead_s", 0.0)),
                run=_text(data["run"]),
                started_at=_number(data.get("started_at", 0.0)),
                plan=str(data.get("plan", "")),
                exercise=str(data.get("exercise", "")),
                skipped=_ids(data.get("skipped", [])),
            )
        except (KeyError, TypeError, ValueError, OverflowError):
            return None
        return progress


@dataclass(frozen=True)
class HistoryEntry:
    """One completed routine. ``id`` is the run's id, so the same run is never counted twice."""

    id: str
    routine: str
    completed_at: float
    seconds: float
    done: tuple[str, ...] = ()  # exercise ids done in that run
    skipped: tuple[str, ...] = ()  # exercise ids skipped in that run

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "routine": self.routine,
            "completed_at": self.completed_at,
            "seconds": self.seconds,
            "done": list(self.done),
            "skipped": list(self.skipped),
        }

    @staticmethod
    def from_json(data: Any) -> HistoryEntry | None:
        if not isinstance(data, dict):
            return None
        try:
            return HistoryEntry(
                id=_text(data["id"]),
                routine=_text(data["routine"]),
                completed_at=_number(data["completed_at"]),
                seconds=_number(data.get("seconds", 0.0)),
                done=_ids(data.get("done", [])),
                skipped=_ids(data.get("skipped", [])),
            )
        except (KeyError, TypeError, ValueError, OverflowError):
            return None


@dataclass(frozen=True)
class Preferences:
    pace: str = DEFAULT_PACE

    def to_json(self) -> dict[str, Any]:
        return {"pace": self.pace}

    @staticmethod
    def from_json(data: Any) -> Preferences:
        if isinstance(data, dict) and data.get("pace") in PACES:
            return Preferences(pace=data["pace"])
        return Preferences()


# The state travels in Alexa's session attributes on every turn, so it must stay small: the
# most recent completions are listed (enough for any streak a report mentions), older ones
# are only counted, per routine.
HISTORY_KEPT = 100


@dataclass(frozen=True)
class RunnerState:
    progress: Progress | None = None
    preferences: Preferences = field(default_factory=Preferences)
    history: tuple[HistoryEntry, ...] = ()
    welcomed: bool = False
    earlier: tuple[tuple[str, int], ...] = ()  # (routine id, completions no longer listed)

    def completed(self) -> dict[str, int]:
        """Completed routines per routine id, listed and earlier ones together."""
        counts = dict(self.earlier)
        for entry in self.history:
            counts[entry.routine] = counts.get(entry.routine, 0) + 1
        return counts

    def with_completion(self, entry: HistoryEntry) -> RunnerState:
        if any(existing.id == entry.id for existing in self.history):
            return self
        history = (*self.history, entry)
        earlier = dict(self.earlier)
        for dropped in history[:-HISTORY_KEPT]:
            earlier[dropped.routine] = earlier.get(dropped.routine, 0) + 1
        return replace(
            self, history=history[-HISTORY_KEPT:], earlier=tuple(sorted(earlier.items()))
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "progress": self.progress.to_json() if self.progress else None,
            "preferences": self.preferences.to_json(),
            "history": [entry.to_json() for entry in self.history],
            "earlier": dict(self.earlier),
            "welcomed": self.welcomed,
        }

    @staticmethod
    def from_json(data: Any) -> RunnerState:
        if not isinstance(data, dict):
            return RunnerState()
        raw_history = data.get("history")
        entries = (
            [HistoryEntry.from_json(item) for item in raw_history or []]
            if isinstance(raw_history, list)
            else []
        )
        unique = {entry.id: entry for entry in entries if entry is not None}
        raw_earlier = data.get("earlier")
        earlier = (
            tuple(
                sorted(
                    (routine, count)
                    for routine, count in raw_earlier.items()
                    if isinstance(count, int) and not isinstance(count, bool) and 0 < count < 2**31
                )
            )
            if isinstance(raw_earlier, dict)
            else ()
        )
        return RunnerState(
            progress=Progress.from_json(data.get("progress")),
            preferences=Preferences.from_json(data.get("preferences")),
            history=tuple(sorted(unique.values(), key=lambda entry: entry.completed_at)),
            welcomed=bool(data.get("welcomed", bool(data))),
            earlier=earlier,
        )


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a non-empty string")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("expected a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("expected a finite number")
    return float(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("expected a whole number of at least zero")
    return value


MAX_IDS = 50


def _ids(value: Any) -> tuple[str, ...]:
    """A short list of exercise ids; anything else reads as none."""
    if not isinstance(value, list) or len(value) > MAX_IDS:
        return ()
    return tuple(item for item in value if isinstance(item, str) and 0 < len(item) <= 64)

"""What is remembered about a runner, as small JSON-serialisable values, and how two copies of
it are combined.

Everything else (what a block says, how long it lasts) is derived from the plan. Reading never
crashes and never trusts: every value is type-checked and bounded, and anything malformed is
left out (a malformed or foreign document gives a fresh state instead of an exception).

Two copies of a runner's state (two devices, or a session that could not reach the store) are
combined with :func:`join`, a merge that is correct by construction:

- A completion is identified by its run id. The newest ``HISTORY_KEPT`` completions are listed
  in full, the next ``SUMMARY_KEPT`` are kept as ``(id, routine, time)`` only, and older ones
  are only counted per routine ("deep") below a *floor*: the (time, id) of the newest counted
  one. An entry at or below a floor is never counted again, so no completion is counted twice;
  one is only left out if it reaches a copy that has since recorded more than
  ``HISTORY_KEPT + SUMMARY_KEPT`` newer completions (years of routines for one runner).
- Runs are kept by run id with the time they were last active; a run that ended (finished or
  abandoned) leaves a marker, so it is not brought back by an older copy. ``progress`` is "the
  run this session is on"; a state read from storage is on the most recently active run.
- Preferences carry the time they were changed; the later change wins.

``join`` is commutative, associative and idempotent (tests/storage/test_merge_properties.py).
"""

from __future__ import annotations

import itertools
import json
import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, TypeGuard, TypeVar

from skill.routine.plan import DEFAULT_PACE, PACES

# The state travels in Alexa's session attributes on every turn (a response is at most 24 KB)
# and is stored as one item (DynamoDB: 400 KB): everything in it is bounded.
HISTORY_KEPT = 100  # completions listed in full: enough for any streak a report mentions
SUMMARY_KEPT = 50  # older completions kept by id, so a late copy of one is recognised
DETAILED_KEPT = 10  # the newest completions keep which exercises were done or skipped
RUNS_KEPT = 8  # runs (open or ended) remembered, most recently active first
MAX_STATE_BYTES = 16_000  # the encoded state never exceeds this (see RunnerState.to_json)
MAX_TEXT = 64  # ids, routine ids, exercise ids, plan fingerprints
MAX_EXERCISES = 24  # ids in one done / skipped list
MAX_TIME = 2.0**34  # epoch seconds (the year 2514): any later time is not a real clock
MAX_INDEX = 100_000  # block and cue indexes
MAX_SECONDS = 86_400.0 * 7  # durations: a lead-in, a run's length
MAX_COUNT = 2**31 - 1


class Invalid(ValueError):
    """A value read from a carried record or the store is not one this code could have written
    (raised without a message: it never leaves this module, the item is just left out)."""


@dataclass(frozen=True)
class Progress:
    """Where a runner is in a routine.

    ``served_at`` is the server clock when the block was served from ``from_cue`` (after
    ``lead_s`` seconds of lead-in speech); ``None`` means nothing is playing and the runner
    waits at ``(block, from_cue)``, e.g. after a pause or an interruption. ``updated_at`` is
    when a turn last changed this run, and ``device`` on which device (both stamped by
    :func:`after_turn`).
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
    skipped: tuple[str, ...] = ()
    updated_at: float = 0.0
    device: str = ""  # (a hash of) the device that last moved this run

    def __eq__(self, other: object) -> bool:
        # The generated __eq__ builds a tuple of the twelve fields on each side: every turn
        # compares progresses a few times. An instance's __dict__ holds exactly its fields.
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.__dict__ == other.__dict__

    def waiting_at(self, block: int, from_cue: int, exercise: str) -> Progress:
        return changed(
            self, block=block, from_cue=from_cue, served_at=None, lead_s=0.0, exercise=exercise
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "routine": self.routine,
            "block": self.block,
            "from_cue": self.from_cue,
            "served_at": self.served_at,
            "lead_s": self.lead_s,
            "run": self.run,
            "started_at": self.started_at,
            "plan": self.plan,
            "exercise": self.exercise,
        }
        if self.skipped:
            data["skipped"] = list(self.skipped)
        if self.updated_at:
            data["updated_at"] = self.updated_at
        if self.device:
            data["device"] = self.device
        return data

    @staticmethod
    def from_json(data: Any) -> Progress | None:
        try:
            return Progress.parse(data)
        except Invalid:
            return None

    @staticmethod
    def parse(data: Any) -> Progress:
        data = _mapping(data)
        served_at = data.get("served_at")
        return Progress(
            routine=_text(data.get("routine")),
            block=_count(data.get("block"), MAX_INDEX),
            from_cue=_count(data.get("from_cue", 0), MAX_INDEX),
            served_at=None if served_at is None else _number(served_at, MAX_TIME),
            lead_s=_number(data.get("lead_s", 0.0), MAX_SECONDS),
            run=_text(data.get("run")),
            started_at=_number(data.get("started_at", 0.0), MAX_TIME),
            plan=_text(data.get("plan", ""), allow_empty=True),
            exercise=_text(data.get("exercise", ""), allow_empty=True),
            skipped=_ids(data.get("skipped")),
            updated_at=_number(data.get("updated_at", 0.0), MAX_TIME),
            device=_text(data.get("device", ""), allow_empty=True),
        )


# A history entry's fields in the order its JSON list holds them (HistoryEntry.to_json).
_ENTRY_FIELDS = ("id", "routine", "completed_at", "seconds", "done", "skipped")


@dataclass(frozen=True)
class HistoryEntry:
    """One completed routine. ``id`` is the run's id, so the same run is never counted twice."""

    id: str
    routine: str
    completed_at: float
    seconds: float
    done: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[float, str]:
        """Completions are ordered by time, ties by id: the same order on every device."""
        return (self.completed_at, self.id)

    def to_json(self) -> list[Any]:
        """``[id, routine, completed_at, seconds]``, then ``done`` when there are details, then
        ``skipped`` when there are skipped exercises: a positional list, like the summarised
        entries, because the history is most of what a session carries on every turn and of
        what each save writes (no field names repeated in every entry: a fifth less)."""
        data: list[Any] = [self.id, self.routine, self.completed_at, self.seconds]
        if self.done or self.skipped:
            data.append(list(self.done))
            if self.skipped:
                data.append(list(self.skipped))
        return data

    @staticmethod
    def from_json(data: Any) -> HistoryEntry | None:
        try:
            return HistoryEntry.parse(data)
        except Invalid:
            return None

    @staticmethod
    def parse(data: Any) -> HistoryEntry:
        if isinstance(data, list):  # as written since 2026-11-30 (before: named fields)
            if not 4 <= len(data) <= len(_ENTRY_FIELDS):
                raise Invalid  # [id, routine, completed_at, seconds, done?, skipped?]
            data = dict(zip(_ENTRY_FIELDS, data, strict=False))  # (the lists are optional)
        data = _mapping(data)
        return HistoryEntry(
            id=_text(data.get("id")),
            routine=_text(data.get("routine")),
            completed_at=_number(data.get("completed_at"), MAX_TIME),
            seconds=_number(data.get("seconds", 0.0), MAX_SECONDS),
            done=_ids(data.get("done")),
            skipped=_ids(data.get("skipped")),
        )

    def brief(self) -> HistoryEntry:
        """The entry without the lists of exercises (kept only for the newest entries)."""
        return replace(self, done=(), skipped=()) if self.done or self.skipped else self


@dataclass(frozen=True)
class Preferences:
    pace: str = DEFAULT_PACE
    set_at: float = 0.0  # when the runner chose it (0: never); the later choice wins a merge

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"pace": self.pace}
        if self.set_at:
            data["set_at"] = self.set_at
        return data

    @staticmethod
    def from_json(data: Any) -> Preferences:
        if not isinstance(data, dict) or not isinstance(data.get("pace"), str):
            return Preferences()
        pace = data["pace"]
        if pace not in PACES:
            return Preferences()
        try:
            set_at = _number(data.get("set_at", 0.0), MAX_TIME)
        except Invalid:
            set_at = 0.0
        return Preferences(pace=pace, set_at=set_at)


Floor = tuple[float, str]  # the (completed_at, id) of the newest completion only counted


@dataclass(frozen=True)
class RunnerState:
    progress: Progress | None = None
    preferences: Preferences = field(default_factory=Preferences)
    history: tuple[HistoryEntry, ...] = ()  # the newest completions, oldest first
    welcomed: bool = False
    summarised: tuple[HistoryEntry, ...] = ()  # the next older ones, brief, oldest first
    deep: tuple[tuple[str, int], ...] = ()  # (routine id, completions at or below floor)
    floor: Floor | None = None
    runs: tuple[Progress, ...] = ()  # other open runs (other devices), newest first
    ended: tuple[tuple[str, float], ...] = ()  # (run id, when it ended), newest first

    @property
    def earlier(self) -> tuple[tuple[str, int], ...]:
        """(routine id, completions no longer listed), by routine id."""
        counts = dict(self.deep)
        for entry in self.summarised:
            counts[entry.routine] = counts.get(entry.routine, 0) + 1
        return tuple(sorted(counts.items()))

    def completed(self) -> dict[str, int]:
        """Completed routines per routine id, listed and earlier ones together."""
        counts = dict(self.earlier)
        for entry in self.history:
            counts[entry.routine] = counts.get(entry.routine, 0) + 1
        return counts

    def total_completed(self) -> int:
        return sum(self.completed().values())

    def known_runs(self) -> frozenset[str]:
        """The run ids of every completion still known by id."""
        return frozenset(entry.id for entry in (*self.history, *self.summarised))

    def with_completion(self, entry: HistoryEntry) -> RunnerState:
        if entry.id in self.known_runs() or (self.floor is not None and entry.key <= self.floor):
            return self
        quick = _completed_run(self, entry)
        return quick if quick is not None else self.normalised(extra=(entry,))

    def focused(self, run: str | None) -> RunnerState:
        """The same state seen from a session on ``run`` (None: on no run)."""
        if self.progress is not None and self.progress.run == run:
            return self
        everything = (*((self.progress,) if self.progress else ()), *self.runs)
        chosen = next((p for p in everything if p.run == run), None)
        rest = tuple(p for p in everything if p is not chosen)
        return replace(self, progress=chosen, runs=_newest_first(rest))

    def latest(self, device: str = "", now: float | None = None) -> RunnerState:
        """The state a session starting now on ``device`` sees: on the most recently active
        open run. A run last moved on another device is not taken from it (its session may
        still be going): this session goes on from the same place as a run of its own, so each
        device keeps its own run and each completion heard is counted once. The run it came
        from is ended as of its last move: only a later move there (its device was still
        going) keeps it open."""
        state = self if self._on_latest_run() else join(self, RunnerState())
        progress = state.progress
        if not device or now is None or progress is None or progress.device == device:
            return state
        own = replace(
            progress,
            run=f"{progress.routine[:24]}-{int(now * 1000)}-{device[:8]}",
            device=device,
            updated_at=now,
        )
        ended = _newest_ended((*state.ended, (progress.run, progress.updated_at)))
        return _normal(replace(state, progress=own, ended=ended))

    def _on_latest_run(self) -> bool:
        """Plain, and on its most recently active open run: join(self, RunnerState()) is self
        (the merge, focused on that run, would give the same state back)."""
        progress, runs = self.progress, self.runs
        if progress is None:
            return not runs and self.is_plain()
        if runs and (runs[0].updated_at, runs[0].run) >= (progress.updated_at, progress.run):
            return False
        return self.is_plain()

    def normalised(self, extra: Iterable[HistoryEntry] = ()) -> RunnerState:
        """The same knowledge within every bound (see :func:`join`)."""
        return join(self, RunnerState(history=tuple(extra)), focus=_focus_of(self))

    def to_json(self) -> dict[str, Any]:
        """The document to carry or store: never larger than MAX_STATE_BYTES encoded."""
        return self.encode().document

    def encode(self, like: Encoded | None = None) -> Encoded:
        """The document (as :meth:`to_json` gives it) with its compact JSON text, as a store
        writes it (:func:`encode_json`): a turn serialises its state once.

        ``like`` is the encoding of an earlier state: when this one differs from it only in its
        ``progress`` (every other field the very same object, as after the usual turn), only
        the progress is serialised again."""
        rest = self._rest()
        if like is not None and like.whole and _same_objects(rest, like.rest):
            progress = self.progress.to_json() if self.progress else None
            text = _PROGRESS_OPENING + encode_json(progress) + like.rest_text
            if _fits(text):
                document = dict(like.document)  # the same keys, "progress" first
                document["progress"] = progress
                return Encoded(document, text, True, rest, like.rest_text)
        document = self._document()
        progress_text = encode_json(document["progress"])
        rest_text = "," + encode_json({k: v for k, v in document.items() if k != "progress"})[1:]
        text = _PROGRESS_OPENING + progress_text + rest_text
        if _fits(text):
            return Encoded(document, text, True, rest, rest_text)
        document = self.shrunk()._document()
        return Encoded(document, encode_json(document), whole=False)

    def _rest(self) -> tuple[Any, ...]:
        """Every field but ``progress`` (what _document writes after it)."""
        return (
            self.preferences,
            self.history,
            self.deep,
            self.welcomed,
            self.floor,
            self.summarised,
            self.runs,
            self.ended,
        )

    def shrunk(self, limit: int = MAX_STATE_BYTES) -> RunnerState:
        """A smaller state with the same counts: the details of completions go first, then
        other devices' runs, then listed completions (summarised, then only counted)."""
        state = replace(self, history=tuple(entry.brief() for entry in self.history))
        if encoded_size(state._document()) > limit:
            state = replace(state, runs=())
        kept = len(state.history)
        while encoded_size(state._document()) > limit and kept > 0:
            kept //= 2
            state = _spill(state, kept, SUMMARY_KEPT if kept else 0)
        return state

    def _document(self) -> dict[str, Any]:
        document: dict[str, Any] = {  # "progress" first: see encode
            "progress": self.progress.to_json() if self.progress else None,
            "preferences": self.preferences.to_json(),
            "history": [entry.to_json() for entry in self.history],
            "earlier": dict(self.deep),
            "welcomed": self.welcomed,
        }
        if self.floor is not None:
            document["floor"] = list(self.floor)
        if self.summarised:
            document["summarised"] = [
                [entry.id, entry.routine, entry.completed_at] for entry in self.summarised
            ]
        if self.runs:
            document["runs"] = [run.to_json() for run in self.runs]
        if self.ended:
            document["ended"] = [[run, at] for run, at in self.ended]
        return document

    @staticmethod
    def from_json(data: Any) -> RunnerState:
        if not isinstance(data, dict):
            return RunnerState()
        welcomed = data.get("welcomed", bool(data))
        deep = _deep(data.get("earlier"))
        floor = _floor(data.get("floor"))
        listed = _valid(HistoryEntry.parse, data.get("history"))
        if deep and floor is None:
            # Written before floors existed: everything listed was newer than the counted ones.
            floor = (min((entry.completed_at for entry in listed), default=0.0), "")
        parsed = RunnerState(
            progress=Progress.from_json(data.get("progress")),
            preferences=Preferences.from_json(data.get("preferences")),
            history=tuple(listed),
            welcomed=welcomed if isinstance(welcomed, bool) else False,
            summarised=tuple(_valid(_summary_entry, data.get("summarised"))),
            deep=deep if floor is not None else (),
            floor=floor if deep else None,
            runs=tuple(_valid(Progress.parse, data.get("runs"))),
            ended=tuple(_valid(_ended_run, data.get("ended"))),
        )
        return parsed if parsed.is_plain() else parsed.normalised()

    def is_plain(self) -> bool:
        """Already normal in the usual way (a short sorted history, nothing summarised or only
        counted; each run once, newest first, no more than are kept, none of them completed):
        reading can skip the merge that would give the same state back. Told once per state
        (a session start asks it of the same state several times)."""
        known: bool | None = self.__dict__.get(_PLAIN)
        if known is None:
            known = self.__dict__[_PLAIN] = self._plain()  # (not a field: frozen all the same)
        return known

    def _plain(self) -> bool:
        history = self.history
        if self.summarised or self.deep or self.floor is not None:
            return False
        if len(history) > HISTORY_KEPT or len({entry.id for entry in history}) != len(history):
            return False
        if any(a.key >= b.key for a, b in itertools.pairwise(history)):
            return False
        detailed = len(history) - DETAILED_KEPT
        if any(entry.done or entry.skipped for entry in history[: max(0, detailed)]):
            return False
        progress, runs, ended = self.progress, self.runs, self.ended
        completed = {entry.id for entry in history}
        if progress is not None and progress.run in completed:
            return False
        if not runs and not ended:
            return True
        open_runs = (*((progress,) if progress else ()), *runs)
        ids = {run.run for run in open_runs} | {run for run, _ in ended}
        if len(ids) != len(open_runs) + len(ended) or len(ids) > RUNS_KEPT:
            return False
        if any(run.run in completed for run in runs):
            return False
        if any((a.updated_at, a.run) <= (b.updated_at, b.run) for a, b in itertools.pairwise(runs)):
            return False
        return not any((a[1], a[0]) <= (b[1], b[0]) for a, b in itertools.pairwise(ended))


class Encoded(NamedTuple):
    """A state's document and its compact JSON text; ``whole`` unless the state had to be
    shrunk to fit MAX_STATE_BYTES (reading the document back then gives the smaller state).
    A whole encoding also keeps the fields after ``progress`` and their text, for the next
    :meth:`RunnerState.encode` to reuse."""

    document: dict[str, Any]
    text: str
    whole: bool
    rest: tuple[Any, ...] = ()
    rest_text: str = ""


_PROGRESS_OPENING = '{"progress":'


def _fits(text: str) -> bool:
    """Whether ``text`` is at most MAX_STATE_BYTES in UTF-8 (at most 4 bytes a character)."""
    return len(text) <= MAX_STATE_BYTES // 4 or len(text.encode()) <= MAX_STATE_BYTES


def _same_objects(these: tuple[Any, ...], those: tuple[Any, ...]) -> bool:
    return len(these) == len(those) and all(map(operator.is_, these, those))


class _Latest:
    """Focus on the most recently active open run."""


LATEST = _Latest()


def join(a: RunnerState, b: RunnerState, *, focus: str | _Latest | None = LATEST) -> RunnerState:
    """Everything either copy knows, within every bound.

    ``focus`` is the run the result's ``progress`` is on; by default the most recently active
    open run (what a session starting now resumes).
    """
    floor, deep = _join_deep(a, b)
    entries = _by_id((*a.history, *a.summarised, *b.history, *b.summarised))
    fresh = sorted(
        (entry for entry in entries if floor is None or entry.key > floor),
        key=lambda entry: entry.key,
    )
    state = RunnerState(
        preferences=max(a.preferences, b.preferences, key=_preference_order),
        history=tuple(fresh),
        welcomed=a.welcomed or b.welcomed,
        deep=deep,
        floor=floor,
    )
    state = _spill(state, HISTORY_KEPT, SUMMARY_KEPT)
    open_runs, ended, every_run = _join_runs(a, b, state.known_runs())
    if isinstance(focus, _Latest):
        focus = open_runs[0].run if open_runs else None
    elif focus is not None and all(run.run != focus for run in open_runs):
        # A session stays on its run even when more recent runs of other devices crowd it out
        # of those kept (it is kept once more, not ended).
        stayed = every_run.get(focus)
        if stayed is not None and stayed[3] is not None:
            open_runs = (*open_runs, stayed[3])
    return replace(state, runs=open_runs, ended=ended).focused(focus)


def after_turn(
    before: RunnerState, after: RunnerState, now: float, device: str = ""
) -> RunnerState:
    """Stamp what a turn changed with the time, so that a merge can tell the newer change:
    the run it moved (and on which device), a pace it chose, a run it ended (finished, or
    left for another)."""
    state = after
    progress, left = after.progress, before.progress
    if progress is not None and progress is not left and (left is None or progress != left):
        state = changed(state, progress=changed(progress, updated_at=now, device=device))
    if after.preferences.pace != before.preferences.pace:
        state = replace(state, preferences=replace(after.preferences, set_at=now))
    if left is not None and after.progress is not None and after.progress.run == left.run:
        return state  # the same run moved on (the usual turn): nothing else to settle
    if left is not None:
        state = replace(state, ended=_newest_ended((*state.ended, (left.run, now))))
    return _normal(state)


def reads_back(state: RunnerState, known: RunnerState) -> bool:
    """Whether reading ``state``'s document gives ``state`` back (``from_json(to_json())``,
    when the document is whole), given that it does for ``known``, a state read from a
    document (or one this function approved).

    Told cheaply for the usual turn, where only the progress of the same run moved on: every
    other field the very same object, the progress valid, and no more runs than are kept (a
    run that moved is the most recent one: with more, another would drop out of those kept).
    False whenever it cannot be told so cheaply: reading the document then tells.
    """
    if state is known:
        return True
    if not _same_objects(state._rest(), known._rest()):
        return False
    progress, before = state.progress, known.progress
    if progress is before:
        return True  # every field the same object as known's
    if progress is None or before is None:
        return False
    if progress.run != before.run or 1 + len(state.runs) + len(state.ended) > RUNS_KEPT:
        return False
    # Progress.parse(progress.to_json()) == progress, looking only at what the turn changed.
    earlier = before.__dict__
    for name, value in progress.__dict__.items():
        if value is not earlier[name] and not _PROGRESS_CHECKS[name](value):
            return False
    return True


def encode_json(document: Any) -> str:
    """Compact JSON (UTF-8 text, no NaN or infinities): the form a document is stored in."""
    return _encode_json(document)


_encode_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def encoded_size(document: Any) -> int:
    return len(encode_json(document).encode())


# -- merging -----------------------------------------------------------------------------------


_Frozen = TypeVar("_Frozen", Progress, RunnerState)
_PLAIN = "_is_plain"


def changed(value: _Frozen, **changes: Any) -> _Frozen:
    """dataclasses.replace for Progress and RunnerState (every field is an __init__ argument,
    nothing is computed in __init__), copying the fields instead of calling __init__ again:
    the usual turn moves and stamps its progress this way (replace was most of its cost)."""
    copy: _Frozen = object.__new__(type(value))
    fields = copy.__dict__
    fields.update(value.__dict__)
    fields.pop(_PLAIN, None)  # what is_plain told of the original
    if not changes.keys() <= fields.keys():
        unknown = ", ".join(sorted(changes.keys() - fields.keys()))
        raise TypeError(f"{type(value).__name__} has no field {unknown}")
    fields.update(changes)
    return copy


def _focus_of(state: RunnerState) -> str | None:
    return state.progress.run if state.progress else None


def _normal(state: RunnerState) -> RunnerState:
    """``state.normalised()``, without the merge when the state is plain (already normal)."""
    return state if state.is_plain() else join(state, RunnerState(), focus=_focus_of(state))


def _completed_run(state: RunnerState, entry: HistoryEntry) -> RunnerState | None:
    """``state.normalised(extra=(entry,))`` without the merge, for the usual completion: the
    run the state is on finishes, newer than every completion listed, with room to list it,
    in a plain state. None when it is not that case (the merge then tells)."""
    progress, history = state.progress, state.history
    if (
        progress is None
        or progress.run != entry.id
        or len(history) >= HISTORY_KEPT
        or (history and entry.key <= history[-1].key)
        or not state.is_plain()
        or max(state.preferences, Preferences(), key=_preference_order) is not state.preferences
    ):
        return None
    listed = (*history, entry)
    detailed = len(listed) - DETAILED_KEPT
    if detailed > 0:  # the completion that leaves the newest ones keeps no details
        listed = (*listed[: detailed - 1], listed[detailed - 1].brief(), *listed[detailed:])
    # The finished run is ended as of its last move (a plain state holds no more runs, open or
    # ended, than are kept: none drops out).
    ranked = sorted(
        [
            *((run.updated_at, run.run, run) for run in state.runs),
            *((at, run, None) for run, at in state.ended),
            (progress.updated_at, progress.run, None),
        ],
        key=lambda item: (item[0], item[1]),
        reverse=True,
    )
    return RunnerState(
        progress=None,
        preferences=state.preferences,
        history=listed,
        welcomed=state.welcomed,
        runs=tuple(run for _, _, run in ranked if run is not None),
        ended=tuple((run, at) for at, run, kept in ranked if kept is None),
    )


def _join_deep(a: RunnerState, b: RunnerState) -> tuple[Floor | None, tuple[tuple[str, int], ...]]:
    """The counted-only part: the copy with the higher floor has counted more; equal floors
    are two counts of the same completions, so the larger count per routine is the truth."""
    if a.floor == b.floor:
        counts = dict(a.deep)
        for routine, count in b.deep:
            counts[routine] = max(counts.get(routine, 0), count)
        return a.floor, tuple(sorted(counts.items()))
    if b.floor is None or (a.floor is not None and a.floor > b.floor):
        return a.floor, a.deep
    return b.floor, b.deep


def _spill(state: RunnerState, listed: int, summarised: int) -> RunnerState:
    """Keep ``listed`` newest entries in full (the newest DETAILED_KEPT with details), the next
    ``summarised`` by id, and only count the rest, raising the floor to the newest of those."""
    everything = sorted((*state.summarised, *state.history), key=lambda entry: entry.key)
    cut = max(0, len(everything) - listed)
    history = everything[cut:]
    detailed = max(0, len(history) - DETAILED_KEPT)
    history = [entry.brief() for entry in history[:detailed]] + history[detailed:]
    summary_cut = max(0, cut - summarised)
    summary = [
        HistoryEntry(entry.id, entry.routine, entry.completed_at, 0.0)
        for entry in everything[summary_cut:cut]
    ]
    counted = everything[:summary_cut]
    deep = dict(state.deep)
    floor = state.floor
    for entry in counted:
        deep[entry.routine] = min(MAX_COUNT, deep.get(entry.routine, 0) + 1)
        floor = entry.key if floor is None or entry.key > floor else floor
    return replace(
        state,
        history=tuple(history),
        summarised=tuple(summary),
        deep=tuple(sorted(deep.items())),
        floor=floor,
    )


_RunVersion = tuple[float, int, str, Progress | None]  # (time, ended?, canonical json, run)


def _join_runs(
    a: RunnerState, b: RunnerState, completed: frozenset[str]
) -> tuple[tuple[Progress, ...], tuple[tuple[str, float], ...], dict[str, _RunVersion]]:
    """The RUNS_KEPT most recently active runs (an ended run stays ended), and the latest
    version of every run either state knows."""
    latest: dict[str, tuple[float, int, str, Progress | None]] = {}
    for state in (a, b):
        for progress in (*((state.progress,) if state.progress else ()), *state.runs):
            if progress.run in completed:  # finished (maybe on another device): ended then
                version: tuple[float, int, str, Progress | None] = (
                    progress.updated_at,
                    1,
                    "",
                    None,
                )
            else:
                version = (progress.updated_at, 0, _canonical(progress), progress)
            _keep_later(latest, progress.run, version)
        for run, at in state.ended:
            _keep_later(latest, run, (at, 1, "", None))
    ranked = sorted(latest.items(), key=lambda item: (item[1][0], item[0]), reverse=True)
    kept = ranked[:RUNS_KEPT]
    open_runs = tuple(version[3] for _, version in kept if version[3] is not None)
    ended = tuple((run, version[0]) for run, version in kept if version[3] is None)
    return open_runs, ended, latest


def _keep_later(
    latest: dict[str, tuple[float, int, str, Progress | None]],
    run: str,
    version: tuple[float, int, str, Progress | None],
) -> None:
    known = latest.get(run)
    if known is None or version[:3] > known[:3]:
        latest[run] = version


def _by_id(entries: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    chosen: dict[str, HistoryEntry] = {}
    for entry in entries:
        known = chosen.get(entry.id)
        if known is None or _entry_order(entry) > _entry_order(known):
            chosen[entry.id] = entry
    return list(chosen.values())


def _entry_order(entry: HistoryEntry) -> tuple[float, float, str, tuple[str, ...], tuple[str, ...]]:
    """Which copy of one run's entry wins: a total order, so every merge picks the same one
    (the listed copy with its details beats the brief one)."""
    return (entry.completed_at, entry.seconds, entry.routine, entry.done, entry.skipped)


def _preference_order(preferences: Preferences) -> tuple[float, bool, str]:
    # The later choice wins; the default pace never beats one that was chosen.
    return (preferences.set_at, preferences.pace != DEFAULT_PACE, preferences.pace)


def _canonical(progress: Progress) -> str:
    return json.dumps(progress.to_json(), sort_keys=True)


def _newest_first(runs: Iterable[Progress]) -> tuple[Progress, ...]:
    return tuple(sorted(runs, key=lambda p: (p.updated_at, p.run), reverse=True))


def _newest_ended(ended: Iterable[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    latest: dict[str, float] = {}
    for run, at in ended:
        latest[run] = max(at, latest.get(run, at))
    return tuple(sorted(latest.items(), key=lambda item: (item[1], item[0]), reverse=True))


# -- reading -----------------------------------------------------------------------------------

_MAX_READ = HISTORY_KEPT + SUMMARY_KEPT + RUNS_KEPT  # items looked at in any one list


def _valid(parse: Any, items: Any) -> list[Any]:
    """The items of a list that parse; a list this code could not have written is cut short."""
    if not isinstance(items, list):
        return []
    parsed = []
    for item in items[:_MAX_READ]:
        try:
            parsed.append(parse(item))
        except Invalid:
            continue
    return parsed


def _summary_entry(item: Any) -> HistoryEntry:
    if not isinstance(item, list) or len(item) != 3:
        raise Invalid  # a summarised completion is [id, routine, completed_at]
    return HistoryEntry(_text(item[0]), _text(item[1]), _number(item[2], MAX_TIME), 0.0)


def _ended_run(item: Any) -> tuple[str, float]:
    if not isinstance(item, list) or len(item) != 2:
        raise Invalid  # an ended run is [run id, ended_at]
    return _text(item[0]), _number(item[1], MAX_TIME)


def _deep(data: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(data, dict):
        return ()
    counts = []
    for routine, count in list(data.items())[:_MAX_READ]:
        try:
            counts.append((_text(routine), _count(count, MAX_COUNT)))
        except Invalid:
            continue
    return tuple(sorted((routine, count) for routine, count in counts if count > 0))


def _floor(data: Any) -> Floor | None:
    if not isinstance(data, list) or len(data) != 2:
        return None
    try:
        return (_number(data[0], MAX_TIME), _text(data[1], allow_empty=True))
    except Invalid:
        return None


def _mapping(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise Invalid  # expected an object
    return data


def _text(value: Any, *, allow_empty: bool = False) -> str:
    if not _is_text(value, allow_empty):
        raise Invalid  # expected short printable text, non-empty unless allowed
    return value


def _is_text(value: Any, allow_empty: bool = False) -> TypeGuard[str]:
    return (
        isinstance(value, str)
        and len(value) <= MAX_TEXT
        and (allow_empty or value != "")
        and value.isprintable()
    )


def _ids(value: Any) -> tuple[str, ...]:
    """A short list of exercise ids: a malformed list reads as none, a malformed or repeated
    id is left out (losing a resume point over a detail would cost the runner more)."""
    if not isinstance(value, list) or len(value) > MAX_EXERCISES:
        return ()
    ids: list[str] = []
    for item in value:
        if _is_text(item) and item not in ids:
            ids.append(item)
    return tuple(ids)


def _number(value: Any, limit: float) -> float:
    if type(value) is float:  # (the usual case, told first: in range means finite too)
        if 0.0 <= value <= limit:
            return value
        raise Invalid  # expected a finite number in range
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid  # expected a number
    if isinstance(value, int) and abs(value) > limit:
        raise Invalid  # number out of range
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= limit:
        raise Invalid  # expected a finite number in range
    return number


def _count(value: Any, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise Invalid  # expected a whole number in range
    return value


def _reads(read: Any, *limits: Any, **options: Any) -> Any:
    """A check that a progress field's value reads back as itself (see Progress.parse)."""

    def check(value: Any) -> bool:
        try:
            return bool(read(value, *limits, **options) == value)
        except Invalid:
            return False

    return check


def _skipped_reads_back(value: Any) -> bool:
    return isinstance(value, tuple) and _ids(list(value)) == value


def _served_at_reads_back(value: Any) -> bool:
    return value is None or _reads(_number, MAX_TIME)(value)


# Every field of Progress with the check Progress.parse makes of it (the same order).
_PROGRESS_READ: tuple[tuple[str, Any], ...] = (
    ("routine", _reads(_text)),
    ("block", _reads(_count, MAX_INDEX)),
    ("from_cue", _reads(_count, MAX_INDEX)),
    ("served_at", _served_at_reads_back),
    ("lead_s", _reads(_number, MAX_SECONDS)),
    ("run", _reads(_text)),
    ("started_at", _reads(_number, MAX_TIME)),
    ("plan", _reads(_text, allow_empty=True)),
    ("exercise", _reads(_text, allow_empty=True)),
    ("skipped", _skipped_reads_back),
    ("updated_at", _reads(_number, MAX_TIME)),
    ("device", _reads(_text, allow_empty=True)),
)
_PROGRESS_CHECKS = dict(_PROGRESS_READ)

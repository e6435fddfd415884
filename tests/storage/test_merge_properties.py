"""Properties of the merge of two runner states (skill.routine.state.join), which every store
uses when two writers race: a join of a semilattice, so the order and grouping of merges never
matter, and every completion is counted exactly once however the devices interleave."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from unittest import mock

from hypothesis import example, given, settings
from hypothesis import strategies as st

from skill.routine import state as state_module
from skill.routine.state import (
    MAX_STATE_BYTES,
    HistoryEntry,
    Preferences,
    Progress,
    RunnerState,
    after_turn,
    encoded_size,
    join,
)
from skill.storage import RunnerRecord, merge

ROUTINES = ("foot", "quick")
EXERCISES = ("toe_spread", "marble_pickup", "calf_drops", "heel_walk")


def completion(number: int) -> HistoryEntry:
    """The completion with this number: the same run always has the same entry."""
    return HistoryEntry(
        f"run-{number}",
        ROUTINES[number % 2],
        1_800_000_000.0 + number * 37 % 101 * 60 + number,  # not in number order
        600.0 + number,
        done=EXERCISES[: number % 4],
        skipped=EXERCISES[number % 4 :] if number % 3 == 0 else (),
    )


def progress(run: int, block: int, updated_at: float) -> Progress:
    return Progress(
        ROUTINES[run % 2], block, 0, None, 0.0, f"run-{run}", 1_800_000_000.0, "f", "calf_drops",
        ("toe_spread",) if run % 2 else (), updated_at,
    )  # fmt: skip


@st.composite
def states(draw: st.DrawFn, max_completions: int = 60) -> RunnerState:
    state = RunnerState(
        preferences=Preferences(
            draw(st.sampled_from(["slow", "normal", "fast"])),
            draw(st.sampled_from([0.0, 10.0, 20.0])),
        ),
        welcomed=draw(st.booleans()),
    )
    for number in draw(st.lists(st.integers(0, 200), max_size=max_completions)):
        state = state.with_completion(completion(number))
    runs = draw(
        st.lists(
            st.tuples(st.integers(150, 170), st.integers(0, 30), st.sampled_from([5.0, 6.0, 7.0])),
            max_size=5,
        )
    )
    ended = draw(
        st.lists(st.tuples(st.integers(150, 170), st.sampled_from([5.5, 6.5])), max_size=3)
    )
    extra = RunnerState(
        runs=tuple(progress(run, block, at) for run, block, at in runs),
        ended=tuple((f"run-{run}", at) for run, at in ended),
    )
    return join(state, extra)


@contextmanager
def small_caps() -> Iterator[None]:
    """Caps small enough that a few completions reach every one of them."""
    with (
        mock.patch.object(state_module, "HISTORY_KEPT", 4),
        mock.patch.object(state_module, "SUMMARY_KEPT", 3),
        mock.patch.object(state_module, "DETAILED_KEPT", 2),
        mock.patch.object(state_module, "RUNS_KEPT", 3),
    ):
        yield


@settings(deadline=None)
@given(states(), states())
def test_merge_is_commutative(a: RunnerState, b: RunnerState) -> None:
    assert join(a, b) == join(b, a)
    for state in (a, b, join(a, b)):
        assert RunnerState.from_json(state.to_json()) == state.normalised() == state


@settings(deadline=None)
@given(states(), states(), states())
def test_merge_is_associative(a: RunnerState, b: RunnerState, c: RunnerState) -> None:
    assert join(join(a, b), c) == join(a, join(b, c))


@settings(deadline=None)
@given(states(), states())
def test_merge_is_idempotent_and_absorbs_what_it_already_holds(
    a: RunnerState, b: RunnerState
) -> None:
    assert join(a, a) == a.latest()
    merged = join(a, b)
    assert join(merged, a) == merged
    assert join(merged, b) == merged
    assert join(a, RunnerState()) == a.latest(), "a fresh state adds nothing"


@settings(deadline=None)
@given(states(), states())
def test_merge_never_drops_or_doubles_a_completion_and_holds_the_caps(
    a: RunnerState, b: RunnerState
) -> None:
    merged = join(a, b)
    known = a.known_runs() | b.known_runs()
    assert merged.total_completed() == len(known)
    assert merged.known_runs() == known
    for routine in ROUTINES:
        expected = sum(1 for run in known if ROUTINES[int(run.split("-")[1]) % 2] == routine)
        assert merged.completed().get(routine, 0) == expected
    assert len(merged.history) <= state_module.HISTORY_KEPT
    assert len(merged.summarised) <= state_module.SUMMARY_KEPT
    assert len(merged.runs) + len(merged.ended) + (merged.progress is not None) <= 8
    assert encoded_size(merged.to_json()) <= MAX_STATE_BYTES
    times = [entry.key for entry in (*merged.summarised, *merged.history)]
    assert times == sorted(times), "oldest first, summarised before listed"
    # The newest listed completions keep their details, the entry as it was recorded.
    for entry in merged.history[-state_module.DETAILED_KEPT :]:
        assert entry == completion(int(entry.id.split("-")[1]))


@settings(deadline=None)
@given(states(max_completions=25), states(max_completions=25), states(max_completions=25))
def test_with_small_caps_the_merge_is_still_a_join_and_counts_exactly(
    a: RunnerState, b: RunnerState, c: RunnerState
) -> None:
    with small_caps():
        a, b, c = a.normalised(), b.normalised(), c.normalised()
        assert join(a, b) == join(b, a)
        assert join(a, a) == a.latest()
        merged = join(a, b)
        assert len(merged.history) <= 4 and len(merged.summarised) <= 3
        assert len(merged.runs) + len(merged.ended) + (merged.progress is not None) <= 3
        # Never counted twice, whatever the two copies summarised.
        assert merged.total_completed() <= a.total_completed() + b.total_completed()
        assert merged.total_completed() >= max(a.total_completed(), b.total_completed()) or (
            merged.floor is not None
        )


# One store and a few sessions, as the runner's devices use it: a session reads the store,
# completes a routine or two, and saves (merging into whatever the store holds by then).
operations = st.lists(
    st.tuples(st.sampled_from(["load", "complete", "save"]), st.integers(0, 2)),
    max_size=120,
)


@settings(deadline=None)
@given(operations)
@example(  # a device holds an old completion while the others record eight newer ones
    [
        *[("load", 0), ("load", 1), ("load", 2), ("complete", 0), ("complete", 0)],
        *[("complete", 1), ("complete", 2), ("save", 0), ("save", 1), ("complete", 0)],
        *[("complete", 0), ("complete", 1), ("complete", 1), ("save", 0), ("complete", 0)],
        ("complete", 0),
    ]
)
def test_interleaved_devices_count_every_completion_exactly_once(
    steps: list[tuple[str, int]],
) -> None:
    with small_caps():
        store = RunnerState()
        sessions: dict[int, RunnerState] = {}
        pending: dict[int, int] = {}
        made = 0
        for step, device in steps:
            if device not in sessions or (step == "load" and not pending[device]):
                sessions[device] = store.latest()
                pending[device] = 0
            elif step == "complete" and pending[device] < 2:
                sessions[device] = sessions[device].with_completion(completion(made))
                made += 1
                pending[device] += 1
            elif step == "save":
                store = join(store, sessions[device])
                sessions[device] = store
                pending[device] = 0
        for session in sessions.values():
            store = join(store, session)
        # Exactly once - except the documented limit: a completion that reaches the store late,
        # after more than HISTORY_KEPT + SUMMARY_KEPT newer ones (7 here), may be left out.
        # Never counted twice.
        keys = [completion(number).key for number in range(made)]
        could_be_late = sum(1 for key in keys if sum(other > key for other in keys) > 4 + 3)
        assert made - could_be_late <= store.total_completed() <= made
        assert len(store.history) <= 4


@settings(deadline=None)
@given(states(), states())
def test_the_record_merge_stays_on_the_writers_run_and_keeps_the_stored_version(
    a: RunnerState, b: RunnerState
) -> None:
    mine = replace(b, progress=progress(250, 3, 9.0)) if b.progress is None else b
    stored = RunnerRecord("k", a.to_json(), 7, 100.0)
    merged = merge(stored, RunnerRecord("k", mine.to_json(), 3, 50.0))
    assert (merged.version, merged.turn_at) == (7, 100.0)
    state = RunnerState.from_json(merged.state)
    assert mine.progress is not None
    assert state == join(a, mine, focus=mine.progress.run)
    assert state.latest() == join(a, mine)
    assert state.progress is None or state.progress.run == mine.progress.run
    if state.progress is None:  # only when another device ended or finished that run
        ended_there = any(
            run == mine.progress.run and at >= mine.progress.updated_at for run, at in a.ended
        )
        assert ended_there or mine.progress.run in a.known_runs()


@given(states())
@settings(deadline=None)
def test_a_turn_that_starts_a_run_keeps_the_caps(state: RunnerState) -> None:
    idle = state.focused(None)
    started = replace(idle, progress=progress(250, 0, 0.0))
    stamped = after_turn(idle, started, 99.0, "dev")
    assert stamped == stamped.normalised()
    assert len(stamped.runs) + len(stamped.ended) + 1 <= state_module.RUNS_KEPT


def test_a_turn_stamps_its_changes_so_the_later_change_wins() -> None:
    before = RunnerState(progress=progress(1, 2, 10.0), welcomed=True)
    moved = replace(before, progress=replace(before.progress, block=3))  # type: ignore[type-var]
    stamped = after_turn(before, moved, 50.0)
    assert stamped.progress == progress(1, 3, 50.0)
    assert after_turn(before, before, 60.0) == before, "an unchanged turn stamps nothing"

    faster = replace(before, preferences=Preferences("fast"))
    assert after_turn(before, faster, 70.0).preferences == Preferences("fast", 70.0)

    finished = replace(before, progress=None).with_completion(completion(1))
    done = after_turn(before, finished, 80.0)
    assert done.progress is None and done.ended == (("run-1", 80.0),)
    # An older copy of the run (another device, before it finished) never brings it back.
    assert join(done, before).progress is None
    assert join(done, before).total_completed() == 1

    # A device that left run 1 for run 2, merged with one still on run 1 afterwards.
    switched = after_turn(before, replace(before, progress=progress(2, 0, 0.0)), 90.0)
    assert switched.progress == progress(2, 0, 90.0) and switched.ended == (("run-1", 90.0),)
    still_on_one = replace(before, progress=progress(1, 5, 95.0))
    both = join(switched, still_on_one)
    assert both.progress == progress(1, 5, 95.0), "the later activity reopens the run"
    assert both.runs == (progress(2, 0, 90.0),)
    assert both.focused("run-2").progress == progress(2, 0, 90.0)

"""A turn serialises the runner's state once (RunnerState.encode): the carried document, the
stored text and the size bound all come from that one text."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from typing import Any
from unittest import mock

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from skill.routine import state as state_module
from skill.routine.state import (
    HISTORY_KEPT,
    MAX_STATE_BYTES,
    MAX_TEXT,
    RUNS_KEPT,
    HistoryEntry,
    Progress,
    RunnerState,
    after_turn,
    encode_json,
    join,
    reads_back,
)
from skill.storage import ProgressStore
from skill.storage.records import MAX_RECORD_BYTES, RejectedState, RunnerRecord, runner_key
from storage.test_merge_properties import completion, progress, states


def small_state() -> RunnerState:
    progress = Progress("foot", 2, 1, 100.5, 3.0, "foot-1", 10.0, "plan", "calf-raise")
    entry = HistoryEntry("foot-0", "foot", 5.0, 60.0, done=("calf-raise",), skipped=("marble",))
    return RunnerState(progress=progress, history=(entry,), welcomed=True)


def large_state() -> RunnerState:
    long = "x" * (MAX_TEXT - 4)
    state = RunnerState(welcomed=True)
    for n in range(HISTORY_KEPT + 20):
        entry = HistoryEntry(f"{long}{n:04d}", long, 1000.0 + n, 1.0, (long,) * 20, ())
        state = state.with_completion(entry)
    return state


def test_encoding_gives_the_document_and_its_stored_text_once() -> None:
    state = small_state()
    encoded = state.encode()
    assert encoded.whole
    assert encoded.document == state.to_json()
    assert encoded.text == encode_json(encoded.document)
    assert json.loads(encoded.text) == encoded.document
    assert RunnerState.from_json(encoded.document) == state


def test_a_state_too_large_is_encoded_shrunk_and_says_so() -> None:
    state = large_state()
    encoded = state.encode()
    assert not encoded.whole
    assert len(encoded.text.encode()) <= MAX_STATE_BYTES
    assert encoded.document == state.to_json() == state.shrunk()._document()
    assert RunnerState.from_json(encoded.document) != state


def test_a_store_writes_the_text_the_writer_already_has(store: ProgressStore) -> None:
    key = runner_key("amzn1.ask.account.encoded")
    encoded = small_state().encode()
    saved = store.save(RunnerRecord(key, encoded.document, 0, 1.0, encoded=encoded.text))
    assert saved.version == 1
    assert store.load(key).state == encoded.document
    assert saved == RunnerRecord(key, encoded.document, 1, 1.0), "the text is not compared"


def test_a_store_refuses_a_text_beyond_its_bound(store: ProgressStore) -> None:
    key = runner_key("amzn1.ask.account.too-big")
    text = json.dumps({"padding": "x" * MAX_RECORD_BYTES})
    with pytest.raises(RejectedState):
        store.save(RunnerRecord(key, {}, 0, 1.0, encoded=text))
    assert store.load(key).version == 0


def test_encoding_like_an_earlier_state_gives_what_a_full_encoding_gives() -> None:
    before = small_state()
    earlier = before.encode()
    assert before.progress is not None
    moved = replace(before, progress=replace(before.progress, block=3, updated_at=200.25))
    assert moved.encode(like=earlier) == moved.encode()
    assert moved.encode(like=earlier).text == encode_json(moved.to_json())
    # Anything else changed (here the history, equal but not the same object): encoded anew.
    other = replace(moved, history=(*moved.history,))
    assert other.history is not moved.history
    assert other.encode(like=earlier) == other.encode()
    completed = moved.with_completion(HistoryEntry("foot-9", "foot", 300.0, 60.0))
    assert completed.encode(like=earlier) == completed.encode()
    assert RunnerState.from_json(completed.encode(like=earlier).document) == completed
    # A state too large to encode whole is never encoded from an earlier text.
    large = large_state()
    grown = replace(large, progress=before.progress)
    assert grown.encode(like=large.encode()) == grown.encode()
    assert not grown.encode(like=large.encode()).whole


valid_moves = st.fixed_dictionaries(
    {
        "block": st.integers(0, 40),
        "from_cue": st.integers(0, 5),
        "served_at": st.none() | st.just(1_800_000_100.5),
        "updated_at": st.sampled_from([4.0, 6.0, 8.0, 1_800_000_200.25]),
        "exercise": st.sampled_from(["calf_drops", "toe_walk", ""]),
    }
)
moves = valid_moves | st.fixed_dictionaries(
    {
        "block": st.integers(-1, 40),
        "from_cue": st.integers(0, 5),
        "served_at": st.sampled_from([None, float("nan"), -1.0]),
        "updated_at": st.sampled_from([6.0, float("inf")]),
        "exercise": st.sampled_from(["calf_drops", "bad\x00id", "x" * 80]),
    }
)


@settings(max_examples=500, deadline=None)
@given(
    state=states(),
    more=st.lists(st.tuples(st.integers(171, 190), st.sampled_from([4.0, 6.0, 9.0])), max_size=8),
    focus=st.integers(0, 8),
    move=moves,
    other_run=st.sampled_from([None, "run-other", "ended", "completed", "open"]),
    through_a_turn=st.booleans(),
)
def test_a_state_said_to_read_back_reads_back_exactly(
    state: RunnerState, more: list[tuple[int, float]], focus: int, move: dict[str, Any],
    other_run: str | None, through_a_turn: bool,
) -> None:  # fmt: skip
    # A session on any of the open runs, the most recent or not, with other runs crowding it.
    runs = (*((state.progress,) if state.progress else ()), *state.runs)
    if runs:
        state = join(state, RunnerState(), focus=runs[focus % len(runs)].run)
    others = tuple(progress(run, 1, at) for run, at in more)
    state = join(state, RunnerState(runs=others), focus=_focus(state))
    known = RunnerState.from_json(state.to_json())  # what a turn reads from its document
    assert reads_back(known, known)
    moved = known
    if known.progress is not None:
        # Another run: a new one, or one the state knows as ended, completed or open.
        run = {
            "ended": next((run for run, _ in known.ended), None),
            "completed": next((entry.id for entry in known.history), None),
            "open": next((other.run for other in known.runs), None),
        }.get(other_run or "", other_run) or known.progress.run
        moved = replace(known, progress=replace(known.progress, run=run, **move))
    if through_a_turn:
        moved = after_turn(known, moved, 1_800_000_300.0, "device")
    event(f"reads back: {reads_back(moved, known)}")
    event(f"entries: {len(known.runs) + len(known.ended) + (known.progress is not None)}")
    if reads_back(moved, known) and moved.encode().whole:
        assert RunnerState.from_json(moved.to_json()) == moved
        assert RunnerState.from_json(moved.to_json()).to_json() == moved.to_json()


def _focus(state: RunnerState) -> str | None:
    return state.progress.run if state.progress else None


def test_what_cannot_be_told_cheaply_is_left_to_a_full_read() -> None:
    known = RunnerState.from_json(small_state().to_json())
    assert known.progress is not None
    assert not reads_back(replace(known, progress=replace(known.progress, block=-1)), known)
    assert not reads_back(replace(known, progress=replace(known.progress, run="other")), known)
    assert not reads_back(replace(known, progress=None), known)
    assert not reads_back(replace(known, history=(*known.history,)), known)
    crowded = replace(
        known,
        runs=tuple(
            replace(known.progress, run=f"run-{n}", updated_at=float(n)) for n in range(RUNS_KEPT)
        ),
    )
    assert not reads_back(replace(crowded, progress=replace(known.progress, block=3)), crowded)
    assert reads_back(replace(known, progress=replace(known.progress, block=3)), known)


@st.composite
def raw_states(draw: st.DrawFn) -> RunnerState:
    """States as a document could hold them, normal or not: runs, ended runs and completions
    drawn from one small pool of run ids (repeats, completed runs, any order, too many), half
    of them tidied (each run once, newest first) as the merge leaves them."""
    run = st.integers(0, 12)
    when = st.sampled_from([1.0, 2.0, 3.0, 5.0, 8.0])
    runs = st.builds(lambda number, block, at: progress(number, block, at), run, run, when)
    current = draw(st.none() | runs)
    others = draw(st.lists(runs, max_size=7))
    ended = [(f"run-{n}", at) for n, at in draw(st.lists(st.tuples(run, when), max_size=7))]
    if draw(st.booleans()):
        seen = {current.run} if current else set()
        others = [p for p in others if not (p.run in seen or seen.add(p.run))]
        ended = [e for e in ended if not (e[0] in seen or seen.add(e[0]))]
        others.sort(key=lambda p: (p.updated_at, p.run), reverse=True)
        ended.sort(key=lambda e: (e[1], e[0]), reverse=True)
    return RunnerState(
        progress=current,
        history=tuple(completion(number) for number in draw(st.lists(run, max_size=6))),
        welcomed=draw(st.booleans()),
        runs=tuple(others),
        ended=tuple(ended),
    )


@settings(max_examples=800, deadline=None)
@given(state=raw_states())
def test_a_plain_state_is_its_own_normal_form(state: RunnerState) -> None:
    """Reading skips the merge for a plain state: it must be what the merge would give."""
    event(f"plain: {state.is_plain()}, with runs or ended: {bool(state.runs or state.ended)}")
    if state.is_plain():
        assert state.normalised() == state
    # And the check is not so strict that reading merges again what is already normal (only
    # a session's run kept beside the most recent ones is left to the merge).
    normal = state.normalised()
    assert normal.is_plain() or 1 + len(normal.runs) + len(normal.ended) > RUNS_KEPT


def merged_latest(state: RunnerState, device: str, now: float | None) -> RunnerState:
    """RunnerState.latest as pure merges (what the shortcuts there must give)."""
    state = join(state, RunnerState())
    current = state.progress
    if not device or now is None or current is None or current.device == device:
        return state
    own = replace(
        current,
        run=f"{current.routine[:24]}-{int(now * 1000)}-{device[:8]}",
        device=device,
        updated_at=now,
    )
    ended = state_module._newest_ended((*state.ended, (current.run, current.updated_at)))
    return join(replace(state, progress=own, ended=ended), RunnerState(), focus=own.run)


@settings(max_examples=500, deadline=None)
@given(state=raw_states(), device=st.sampled_from(["", "device-a", "device-b"]), read=st.booleans())
def test_a_session_start_skips_only_merges_that_would_change_nothing(
    state: RunnerState, device: str, read: bool
) -> None:
    if read:  # as a session start sees it: read from the store
        state = RunnerState.from_json(state.to_json())
    if state.progress is not None and device:
        state = replace(state, progress=replace(state.progress, device="device-a"))
    now = 1_800_000_000.0
    assert state.latest(device, now) == merged_latest(state, device, now)
    assert state.latest() == merged_latest(state, "", None)


@settings(max_examples=500, deadline=None)
@given(before=raw_states(), after=raw_states(), same_run=st.booleans())
def test_a_turn_skips_only_merges_that_would_change_nothing(
    before: RunnerState, after: RunnerState, same_run: bool
) -> None:
    before, after = before.normalised(), after.normalised()
    if same_run and before.progress is not None and after.progress is not None:
        after = replace(after, progress=replace(after.progress, run=before.progress.run))
    stamped = after_turn(before, after, 9.0, "device")
    with mock.patch.object(state_module, "_normal", lambda state: state.normalised()):
        assert stamped == after_turn(before, after, 9.0, "device")


TEXTS = ["foot", "", "bad\x00id", "x" * 65, 5, None]
NUMBERS = [0, 0.0, -0.0, 5, 5.5, -1.0, float("nan"), float("inf"), True, 2**40, None, "5"]
COUNTS = [0, 3, -1, 3.0, True, 100_001, None]
IDS = [(), ("a",), ("a", "a"), ("",), ["a"], ("a",) * 25, None]
ANY_PROGRESS_FIELD = {
    "routine": TEXTS,
    "block": COUNTS,
    "from_cue": COUNTS,
    "served_at": NUMBERS,
    "lead_s": NUMBERS,
    "run": TEXTS,
    "started_at": NUMBERS,
    "plan": TEXTS,
    "exercise": TEXTS,
    "skipped": IDS,
    "updated_at": NUMBERS,
    "device": TEXTS,
}


@settings(max_examples=600, deadline=None)
@given(values=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in ANY_PROGRESS_FIELD.items()}))
def test_the_checks_of_a_moved_progress_are_those_of_reading_it(values: dict[str, Any]) -> None:
    """reads_back checks the fields a turn changed with state._PROGRESS_READ: the same
    verdict as reading the progress's document (Progress.parse)."""
    assert [name for name, _ in state_module._PROGRESS_READ] == list(ANY_PROGRESS_FIELD)
    assert list(ANY_PROGRESS_FIELD) == [field.name for field in fields(Progress)]
    moved = Progress(**values)
    read = Progress.from_json(moved.to_json())
    checks = [check(getattr(moved, name)) for name, check in state_module._PROGRESS_READ]
    assert all(checks) == (read == moved)


@settings(max_examples=300, deadline=None)
@given(a=raw_states(), b=raw_states())
def test_states_and_progresses_are_equal_exactly_when_every_field_is(
    a: RunnerState, b: RunnerState
) -> None:
    """Progress compares its fields' dict; neither equality counts a cached verdict."""
    assert a == replace(a)
    for field in fields(RunnerState):
        mixed = replace(a, **{field.name: getattr(b, field.name)})
        assert (mixed == a) == (getattr(a, field.name) == getattr(b, field.name)), field.name
    a.is_plain()  # (a cached verdict is not a field)
    assert a == replace(a)
    if a.progress is not None and b.progress is not None:
        for field in fields(Progress):
            moved = replace(a.progress, **{field.name: getattr(b.progress, field.name)})
            same = getattr(a.progress, field.name) == getattr(b.progress, field.name)
            assert (moved == a.progress) == same, field.name
    assert a.__eq__(object()) is NotImplemented


@settings(max_examples=200, deadline=None)
@given(state=raw_states(), at=st.floats(0, 1e10), device=st.text(max_size=3))
def test_a_stamped_copy_is_what_dataclasses_replace_gives(
    state: RunnerState, at: float, device: str
) -> None:
    moved = state_module.changed(state, welcomed=not state.welcomed)
    assert moved == replace(state, welcomed=not state.welcomed)
    assert moved.history is state.history and moved is not state
    if state.progress is not None:
        stamped = state_module.changed(state.progress, updated_at=at, device=device)
        assert stamped == replace(state.progress, updated_at=at, device=device)
        assert hash(stamped) == hash(replace(state.progress, updated_at=at, device=device))
    with pytest.raises(TypeError):
        state_module.changed(state, no_such_field=1)


def test_is_plain_is_told_afresh_for_a_changed_copy() -> None:
    entry = HistoryEntry("foot-1", "foot", 1000.0, 600.0)
    state = RunnerState(history=(entry,), welcomed=True)
    assert state.is_plain() and state.is_plain()  # (told once, then remembered)
    twice = state_module.changed(state, history=(entry, entry))
    assert not twice.is_plain()
    assert twice.normalised().history == (entry,)


@settings(max_examples=500, deadline=None)
@given(
    state=raw_states(),
    listed=st.integers(0, HISTORY_KEPT + 2),
    newest=st.booleans(),
    slow=st.sampled_from(["normal", "slow"]),
    chosen_at=st.sampled_from([0.0, 4.0]),
)
def test_a_run_finishing_skips_only_the_merge_that_would_change_nothing(
    state: RunnerState, listed: int, newest: bool, slow: str, chosen_at: float
) -> None:
    """with_completion takes a shortcut for the usual completion (the run the state is on, the
    newest completion): it must give what the merge gives, in every other case too."""
    history = tuple(
        HistoryEntry(f"old-{n}", "foot", 100.0 + n, 60.0, done=("toe_spread",))
        for n in range(listed)
    )
    state = replace(
        state, history=history, preferences=state_module.Preferences(slow, chosen_at)
    )
    state = state.normalised()
    run = state.progress.run if state.progress else "run-0"
    at = 100.0 + listed + 1 if newest else 100.0 + listed / 2
    entry = HistoryEntry(run, "foot", at, 60.0, done=("calf_drops",))
    event(f"shortcut taken: {state_module._completed_run(state, entry) is not None}")
    merged = join(state, RunnerState(history=(entry,)), focus=state_module._focus_of(state))
    if entry.id in state.known_runs():
        merged = state
    assert state.with_completion(entry) == merged

"""Loading a runner's state from a carried record or the store: every value is checked and
bounded, and a bad value is *rejected* (left out), not merely survived."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.routine.state import (
    HISTORY_KEPT,
    MAX_EXERCISES,
    MAX_INDEX,
    MAX_SECONDS,
    MAX_STATE_BYTES,
    MAX_TEXT,
    MAX_TIME,
    RUNS_KEPT,
    SUMMARY_KEPT,
    HistoryEntry,
    Preferences,
    Progress,
    RunnerState,
    after_turn,
    encoded_size,
    join,
)

PROGRESS: dict[str, Any] = {
    "routine": "foot",
    "block": 3,
    "from_cue": 2,
    "served_at": 1_800_000_000.5,
    "lead_s": 1.5,
    "run": "foot-1",
    "started_at": 1_799_999_000.0,
    "plan": "0123456789abcdef",
    "exercise": "calf_drops",
    "skipped": ["toe_spread"],
    "updated_at": 1_800_000_001.0,
}
ENTRY: dict[str, Any] = {
    "id": "foot-1",
    "routine": "foot",
    "completed_at": 1_800_000_000.0,
    "seconds": 600.0,
    "done": ["toe_spread", "calf_drops"],
    "skipped": ["marble_pickup"],
}


ENTRY_FIELDS = ("id", "routine", "completed_at", "seconds", "done", "skipped")


def with_value(base: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    return {**base, name: value}


def positional(entry: dict[str, Any]) -> list[Any]:
    """A history entry as this service writes it: its fields' values in ENTRY_FIELDS order."""
    return [entry.get(name) for name in ENTRY_FIELDS]


def test_a_full_progress_and_entry_read_back_exactly() -> None:
    progress = Progress.parse(PROGRESS)
    assert progress == Progress(
        "foot", 3, 2, 1_800_000_000.5, 1.5, "foot-1", 1_799_999_000.0, "0123456789abcdef",
        "calf_drops", ("toe_spread",), 1_800_000_001.0,
    )  # fmt: skip
    assert progress.to_json() == PROGRESS
    entry = HistoryEntry.parse(positional(ENTRY))
    assert entry == HistoryEntry(
        "foot-1", "foot", 1_800_000_000.0, 600.0, ("toe_spread", "calf_drops"), ("marble_pickup",)
    )
    assert entry.to_json() == positional(ENTRY)
    assert entry.brief().to_json() == positional(ENTRY)[:4]
    # A record written before entries were positional names each field: read the same.
    assert HistoryEntry.parse(ENTRY) == entry


def test_an_entry_writes_only_the_lists_it_has() -> None:
    entry = HistoryEntry("r", "foot", 5.0, 60.0)
    assert entry.to_json() == ["r", "foot", 5.0, 60.0]
    done = replace(entry, done=("a",))
    assert done.to_json() == ["r", "foot", 5.0, 60.0, ["a"]]
    skipped = replace(entry, skipped=("b",))
    assert skipped.to_json() == ["r", "foot", 5.0, 60.0, [], ["b"]]
    for each in (entry, done, skipped, replace(done, skipped=("b",))):
        assert HistoryEntry.parse(each.to_json()) == each


@pytest.mark.parametrize(
    "bad",
    [
        [], ["r", "foot", 5.0], ["r", "foot", 5.0, 1.0, [], [], []], ("r", "foot", 5.0, 1.0),
        ["r", "foot", "5", 1.0], [None, "foot", 5.0, 1.0], ["r", "foot", 5.0, -1.0], "r",
    ],
)  # fmt: skip
def test_a_positional_entry_of_another_shape_is_rejected(bad: Any) -> None:
    assert HistoryEntry.from_json(bad) is None
    state = RunnerState.from_json({"history": [bad, ["good", "foot", 5.0, 1.0]]})
    assert [entry.id for entry in state.history] == ["good"]


def test_a_state_with_named_entries_is_written_back_positional() -> None:
    named = {"history": [ENTRY, with_value(ENTRY, "id", "foot-2")], "welcomed": True}
    state = RunnerState.from_json(named)
    assert [entry.id for entry in state.history] == ["foot-1", "foot-2"]
    document = state.to_json()
    assert document["history"] == [positional(ENTRY), positional({**ENTRY, "id": "foot-2"})]
    assert RunnerState.from_json(document) == state
    assert encoded_size(document) < encoded_size({**document, "history": named["history"]})


def test_optional_fields_take_their_defaults_and_stay_out_of_the_json() -> None:
    minimal = {"routine": "foot", "block": 0, "run": "r"}
    progress = Progress.parse(minimal)
    assert (progress.from_cue, progress.served_at, progress.lead_s) == (0, None, 0.0)
    assert (progress.started_at, progress.plan, progress.exercise) == (0.0, "", "")
    assert (progress.skipped, progress.updated_at) == ((), 0.0)
    assert "skipped" not in progress.to_json() and "updated_at" not in progress.to_json()
    entry = HistoryEntry.parse({"id": "r", "routine": "foot", "completed_at": 5})
    assert entry == HistoryEntry("r", "foot", 5.0, 0.0)
    assert entry.to_json() == ["r", "foot", 5, 0.0]


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("routine", None), ("routine", ""), ("routine", 3), ("routine", "x" * (MAX_TEXT + 1)),
        ("routine", "foot\n"), ("run", ""), ("run", ["r"]), ("block", -1), ("block", True),
        ("block", 1.0), ("block", MAX_INDEX + 1), ("block", "3"), ("from_cue", -1),
        ("from_cue", MAX_INDEX + 1), ("served_at", -0.5), ("served_at", float("nan")),
        ("served_at", float("inf")), ("served_at", 10**400), ("served_at", MAX_TIME * 2),
        ("served_at", "now"), ("served_at", False), ("lead_s", MAX_SECONDS + 1),
        ("lead_s", -1), ("started_at", None), ("plan", 7), ("plan", "p" * (MAX_TEXT + 1)),
        ("exercise", None), ("updated_at", -1.0), ("updated_at", None), ("device", 3),
        ("device", "d" * (MAX_TEXT + 1)),
    ],
)  # fmt: skip
def test_a_progress_with_a_bad_value_is_rejected(name: str, bad: Any) -> None:
    assert Progress.from_json(with_value(PROGRESS, name, bad)) is None
    state = RunnerState.from_json({"progress": with_value(PROGRESS, name, bad)})
    assert state.progress is None


@pytest.mark.parametrize(
    ("name", "edge"),
    [
        ("routine", "x" * MAX_TEXT), ("block", MAX_INDEX), ("from_cue", MAX_INDEX),
        ("served_at", MAX_TIME), ("served_at", 0), ("served_at", None), ("lead_s", MAX_SECONDS),
        ("plan", ""), ("exercise", ""), ("skipped", [f"e{n}" for n in range(MAX_EXERCISES)]),
        ("started_at", int(MAX_TIME)),
    ],
)  # fmt: skip
def test_a_progress_at_the_edge_of_every_bound_is_kept(name: str, edge: Any) -> None:
    progress = Progress.from_json(with_value(PROGRESS, name, edge))
    assert progress is not None
    value = getattr(progress, name)
    assert value == (tuple(edge) if isinstance(edge, list) else edge)


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("id", None), ("id", ""), ("id", 1), ("id", "i" * (MAX_TEXT + 1)), ("routine", None),
        ("completed_at", None), ("completed_at", "yesterday"), ("completed_at", -1),
        ("completed_at", 10**400), ("completed_at", True), ("seconds", -5),
        ("seconds", MAX_SECONDS * 2),
    ],
)  # fmt: skip
@pytest.mark.parametrize("form", [positional, dict])
def test_a_history_entry_with_a_bad_value_is_rejected(name: str, bad: Any, form: Any) -> None:
    assert HistoryEntry.from_json(form(with_value(ENTRY, name, bad))) is None
    good = form(with_value(ENTRY, "id", "good"))
    state = RunnerState.from_json({"history": [form(with_value(ENTRY, name, bad)), good]})
    assert [entry.id for entry in state.history] == ["good"], "only the bad entry is left out"


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("toe_spread", ()), (None, ()), ({"a": 1}, ()), (["a", "a", "b"], ("a", "b")),
        (["", "a", 3, None, "x" * (MAX_TEXT + 1), "b\n"], ("a",)),
        ([f"e{n}" for n in range(MAX_EXERCISES + 1)], ()),
        ([f"e{n}" for n in range(MAX_EXERCISES)], tuple(f"e{n}" for n in range(MAX_EXERCISES))),
    ],
)  # fmt: skip
def test_lists_of_exercise_ids_keep_only_valid_ids_and_never_cost_the_entry(
    given: Any, read: tuple[str, ...]
) -> None:
    progress = Progress.parse(with_value(PROGRESS, "skipped", given))
    assert progress.skipped == read
    for form in (positional, dict):
        entry = HistoryEntry.parse(form({**ENTRY, "done": given, "skipped": given}))
        assert entry.done == read and entry.skipped == read


def test_preferences_accept_only_known_paces_and_valid_times() -> None:
    assert Preferences.from_json({"pace": "slow", "set_at": 5}) == Preferences("slow", 5.0)
    assert Preferences.from_json({"pace": "fast"}) == Preferences("fast", 0.0)
    assert Preferences.from_json({"pace": "slow", "set_at": -1}) == Preferences("slow", 0.0)
    assert Preferences.from_json({"pace": "slow", "set_at": "x"}) == Preferences("slow", 0.0)
    for bad in ({"pace": "warp"}, {"pace": 3}, {"pace": ["slow"]}, {}, None, "slow", []):
        assert Preferences.from_json(bad) == Preferences()
    assert Preferences("slow", 5.0).to_json() == {"pace": "slow", "set_at": 5.0}
    assert Preferences().to_json() == {"pace": "normal"}


def test_the_state_reads_welcomed_only_as_a_boolean() -> None:
    assert RunnerState.from_json({"welcomed": True}).welcomed is True
    assert RunnerState.from_json({"welcomed": False, "history": []}).welcomed is False
    assert RunnerState.from_json({"welcomed": "yes"}).welcomed is False
    assert RunnerState.from_json({"welcomed": 1}).welcomed is False
    # Written before the flag existed: a runner with any record has been welcomed.
    assert RunnerState.from_json({"history": []}).welcomed is True
    assert RunnerState.from_json({}).welcomed is False
    for not_a_state in (None, [], "x", 3):
        assert RunnerState.from_json(not_a_state) == RunnerState()


def test_counts_of_older_completions_are_read_only_when_sane() -> None:
    listed = [with_value(ENTRY, "completed_at", 2_000.0)]
    state = RunnerState.from_json(
        {
            "history": listed,
            "earlier": {"bad": -1, "foot": 3, "quick": 0, "big": 2**31, "t": True, "": 2},
            "floor": [1_000.0, "x"],
        }
    )
    assert state.deep == (("foot", 3),) and state.floor == (1_000.0, "x")
    assert state.completed() == {"foot": 4}
    # Counts written before floors existed: they are older than everything listed.
    legacy = RunnerState.from_json({"history": listed, "earlier": {"quick": 2}})
    assert legacy.floor == (2_000.0, "") and legacy.completed() == {"foot": 1, "quick": 2}
    assert RunnerState.from_json({"earlier": {"quick": 2}}).floor == (0.0, "")
    # A floor without counts, or a malformed floor, is dropped.
    assert RunnerState.from_json({"floor": [5.0, "a"]}).floor is None
    for bad_floor in ([5.0], [-1.0, "a"], [5.0, 3], "5", [5.0, "a", "b"]):
        loaded = RunnerState.from_json({"earlier": {"foot": 1}, "floor": bad_floor})
        assert loaded.floor == (0.0, ""), bad_floor
    assert RunnerState.from_json({"earlier": [["foot", 1]]}).deep == ()
    legacy_floor = RunnerState.from_json({"earlier": {"foot": 1}, "floor": [5.0, ""]})
    assert legacy_floor.floor == (5.0, "")


def test_summarised_and_ended_items_are_read_strictly() -> None:
    state = RunnerState.from_json(
        {
            "summarised": [
                ["a", "foot", 5.0],
                ["b", "foot"],
                ["c", 3, 5.0],
                "d",
                ["e", "quick", 6],
            ],
            "ended": [["r1", 5.0], ["r2"], ["r3", -1], [4, 5.0], ["r5", 7.0, 1]],
        }
    )
    # With room to list them, summarised completions are listed again (nothing else known).
    assert [(e.id, e.routine, e.completed_at) for e in state.history] == [
        ("a", "foot", 5.0),
        ("e", "quick", 6.0),
    ]
    assert state.ended == (("r1", 5.0),)
    assert state.completed() == {"foot": 1, "quick": 1}


def test_overlong_lists_are_cut_before_they_are_read() -> None:
    history = [with_value(ENTRY, "id", f"r{n}") for n in range(5_000)]
    state = RunnerState.from_json({"history": history, "runs": [PROGRESS] * 500})
    assert state.total_completed() == HISTORY_KEPT + SUMMARY_KEPT + RUNS_KEPT
    assert len(state.history) == HISTORY_KEPT and len(state.summarised) == SUMMARY_KEPT
    assert encoded_size(state.to_json()) <= MAX_STATE_BYTES


def test_a_state_too_large_to_carry_is_shrunk_without_losing_a_count() -> None:
    long = "x" * (MAX_TEXT - 4)
    details = [f"{long}{n:03d}" for n in range(MAX_EXERCISES)]
    state = RunnerState(welcomed=True)
    for n in range(HISTORY_KEPT + 20):
        state = state.with_completion(
            HistoryEntry(f"{long}{n:04d}", long, 1000.0 + n, 1.0, tuple(details), ())
        )
    runs = tuple(
        Progress(long, 1, 1, None, 0.0, f"{long}r{n}", 1.0, long, long, tuple(details), float(n))
        for n in range(RUNS_KEPT)
    )
    big = RunnerState(history=state.history, summarised=state.summarised, runs=runs)
    document = big.to_json()
    assert encoded_size(big._document()) > MAX_STATE_BYTES
    assert encoded_size(document) <= MAX_STATE_BYTES
    loaded = RunnerState.from_json(document)
    assert loaded.total_completed() == HISTORY_KEPT + 20
    assert loaded.runs == () and loaded.history, "other runs go before listed completions"
    assert loaded.history[-1].id == f"{long}{HISTORY_KEPT + 19:04d}", "the newest stay listed"


def test_with_completion_counts_a_run_once() -> None:
    entry = HistoryEntry("r1", "foot", 10.0, 1.0)
    once = RunnerState().with_completion(entry)
    assert once.history == (entry,)
    assert once.with_completion(entry) is once
    assert once.with_completion(HistoryEntry("r1", "quick", 99.0, 1.0)) is once
    counted = RunnerState(deep=(("foot", 4),), floor=(50.0, "m"))
    assert counted.with_completion(HistoryEntry("a", "foot", 50.0, 1.0)) is counted
    assert counted.with_completion(HistoryEntry("z", "foot", 50.0, 1.0)).total_completed() == 5


def test_a_session_starting_now_is_on_the_most_recently_active_run() -> None:
    def on(run: str, at: float) -> Progress:
        return Progress("foot", 1, 0, None, 0.0, run, 1.0, "", "", (), at)

    state = RunnerState(progress=on("a", 5.0), runs=(on("c", 9.0), on("b", 7.0)))
    assert state.latest().progress == on("c", 9.0)
    assert state.latest().runs == (on("b", 7.0), on("a", 5.0))
    assert state.focused("b").progress == on("b", 7.0)
    assert state.focused("b").runs == (on("c", 9.0), on("a", 5.0))
    assert state.focused(None).progress is None and len(state.focused(None).runs) == 3
    assert state.focused("a") is state
    loaded = RunnerState.from_json(state.to_json())
    assert loaded == state, "a carried state stays on its run"


def nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Lists and objects of what ``inner`` draws (a named function: hypothesis reads its source
    to check that it recurses, which fails for some lambdas)."""
    return st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=12), inner)


@settings(deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80),
        nested,
        max_leaves=40,
    ),
    st.sampled_from(["progress", "history", "runs", "summarised", "ended", "earlier", "floor"]),
)
def test_fuzzed_documents_load_to_a_fixed_point_within_the_bound(value: Any, name: str) -> None:
    for document in (
        value,
        {name: value},
        {name: [value]},
        {"progress": {**PROGRESS, name: value}},
    ):
        state = RunnerState.from_json(document)
        assert state.normalised() == state, "what reading gives is already normal"
        encoded = state.to_json()
        assert encoded_size(encoded) <= MAX_STATE_BYTES
        assert RunnerState.from_json(json.loads(json.dumps(encoded))) == state


def on_device(run: str, at: float, device: str) -> Progress:
    return Progress("foot", 2, 1, None, 0.0, run, 1.0, "fp", "calf_drops", (), at, device)


def test_a_new_session_goes_on_from_another_devices_run_as_a_run_of_its_own() -> None:
    kitchen = on_device("foot-1", 100.0, "kitchen0")
    state = RunnerState(progress=kitchen, welcomed=True)

    mine = state.latest("bedroom1", 130.0)

    assert mine.progress == replace(
        kitchen, run="foot-130000-bedroom1", device="bedroom1", updated_at=130.0
    )
    assert mine.runs == () and mine.ended == (("foot-1", 100.0),), "ended as of its last move"
    assert RunnerState.from_json(mine.to_json()) == mine
    # The same device goes on with its own run; no device or no time: no fork either.
    assert state.latest("kitchen0", 130.0) == state
    assert state.latest("", 130.0) == state and state.latest("bedroom1") == state
    assert RunnerState().latest("bedroom1", 130.0) == RunnerState()
    # A later move in the kitchen reopens its run; then it is the most recent again.
    later = RunnerState(progress=replace(kitchen, block=3, updated_at=140.0))
    both = join(mine, later)
    assert both.progress == replace(kitchen, block=3, updated_at=140.0)
    assert both.ended == ()
    assert {run.run for run in both.runs} == {"foot-130000-bedroom1"}
    # A run with a long routine id still gets an id within the bound.
    long = replace(kitchen, routine="r" * MAX_TEXT)
    forked = RunnerState(progress=long).latest("d" * 16, 1.0)
    assert forked.progress is not None and forked.progress.run == "r" * 24 + "-1000-dddddddd"


def test_a_turn_stamps_the_device_and_stays_on_the_sessions_run() -> None:
    other = on_device("other", 500.0, "hall")
    before = RunnerState(progress=on_device("mine", 10.0, "den"), runs=(other,))
    after = replace(before, progress=replace(before.progress, block=5))  # type: ignore[type-var]
    stamped = after_turn(before, after, 20.0, "den")
    assert stamped.progress == replace(on_device("mine", 20.0, "den"), block=5)
    assert stamped.runs == (other,), "the more recent run elsewhere does not take the session"
    assert after_turn(before, before, 30.0, "den") is before


def test_ended_runs_keep_their_latest_end_once() -> None:
    state = RunnerState(ended=(("a", 5.0), ("b", 9.0), ("a", 7.0)))
    assert join(state, RunnerState()).ended == (("b", 9.0), ("a", 7.0))
    assert join(RunnerState(ended=(("a", 7.0),)), RunnerState(ended=(("a", 5.0),))).ended == (
        ("a", 7.0),
    )


def test_parsing_helpers_return_what_they_read() -> None:
    assert HistoryEntry.from_json(ENTRY) == HistoryEntry.parse(ENTRY)
    assert Progress.from_json(PROGRESS) == Progress.parse(PROGRESS)
    assert HistoryEntry.from_json([ENTRY]) is None and Progress.from_json("x") is None


def test_a_large_state_reads_back_exactly_with_summarised_and_counted_completions() -> None:
    state = RunnerState(welcomed=True)
    for n in range(HISTORY_KEPT + SUMMARY_KEPT + 30):
        state = state.with_completion(HistoryEntry(f"r{n}", "foot", 1000.0 + n, 600.0))
    assert len(state.summarised) == SUMMARY_KEPT and state.deep == (("foot", 30),)
    assert all(entry.seconds == 0.0 for entry in state.summarised)
    assert state.floor == (1029.0, "r29")
    assert RunnerState.from_json(json.loads(json.dumps(state.to_json()))) == state


def test_shrinking_drops_details_first_and_keeps_every_listed_completion_if_that_suffices() -> None:
    details = tuple(f"exercise_{n:02d}_{'x' * 40}" for n in range(MAX_EXERCISES))
    state = RunnerState()
    for n in range(HISTORY_KEPT):
        state = state.with_completion(HistoryEntry(f"r{n}", "foot", float(n), 1.0, details))
    size = encoded_size(state._document())
    brief = encoded_size(
        replace(state, history=tuple(e.brief() for e in state.history))._document()
    )
    shrunk = state.shrunk(limit=brief)
    assert size > brief and len(shrunk.history) == HISTORY_KEPT
    assert all(not entry.done for entry in shrunk.history)
    assert state.shrunk(limit=brief - 1).total_completed() == HISTORY_KEPT
    assert len(state.shrunk(limit=brief - 1).history) < HISTORY_KEPT
    assert state.shrunk(limit=size).history == tuple(e.brief() for e in state.history)

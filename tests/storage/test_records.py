"""The store contract's pure parts: runner keys and the merge rule."""

from __future__ import annotations

import copy
import hashlib

import pytest

from skill.routine.state import (
    MAX_STATE_BYTES,
    HistoryEntry,
    Preferences,
    Progress,
    RunnerState,
)
from skill.storage import RunnerRecord, merge, runner_key
from skill.storage.records import MAX_RECORD_BYTES, RejectedState, StoreError, encode_state

USER = "amzn1.ask.account.AFAKEUSERID"
PERSON = "amzn1.ask.person.AFAKEPERSONID"


def test_runner_key_is_the_sha256_of_the_user_id_never_the_raw_id() -> None:
    key = runner_key(USER)

    assert key == hashlib.sha256(b"user:" + USER.encode()).hexdigest()
    assert len(key) == 64
    assert USER not in key


def test_a_recognised_person_gets_their_own_key() -> None:
    assert runner_key(USER, PERSON) == hashlib.sha256(b"person:" + PERSON.encode()).hexdigest()
    assert runner_key(USER, PERSON) != runner_key(USER)
    # Two people in one household (same account) keep apart...
    assert runner_key(USER, PERSON) != runner_key(USER, PERSON + "2")
    # ...and a person keeps their progress on any account's device.
    assert runner_key(USER, PERSON) == runner_key(USER + "other", PERSON)


def test_a_person_id_can_never_collide_with_the_same_string_as_a_user_id() -> None:
    same_text = "amzn1.ask.shared.ID"
    assert runner_key(same_text) != runner_key("someone", same_text)


def test_an_empty_person_id_means_no_recognised_person() -> None:
    assert runner_key(USER, "") == runner_key(USER) == runner_key(USER, None)


def test_a_runner_key_needs_some_id() -> None:
    with pytest.raises(ValueError, match=r"^a runner needs a user id or a person id$"):
        runner_key("")


def _done(run: str, at: float, routine: str = "foot") -> HistoryEntry:
    return HistoryEntry(run, routine, at, 600.0)


def _on(run: str, block: int, updated_at: float) -> Progress:
    return Progress("foot", block, 0, None, 0.0, run, 1.0, "fp", "calf_drops", (), updated_at)


def test_merge_joins_both_records_field_by_field_and_stays_on_my_run() -> None:
    stored = RunnerRecord(
        "k",
        RunnerState(
            _on("theirs", 9, 100.0), Preferences("fast", 90.0), (_done("b", 20.0),), True
        ).to_json(),
        version=4,
        turn_at=100.0,
    )
    mine = RunnerRecord(
        "k",
        RunnerState(_on("mine", 7, 80.0), Preferences("slow", 95.0), (_done("a", 10.0),)).to_json(),
        version=3,
        turn_at=101.0,
    )
    stored_before, mine_before = copy.deepcopy(stored), copy.deepcopy(mine)

    merged = merge(stored, mine)

    state = RunnerState.from_json(merged.state)
    assert state == RunnerState(
        progress=_on("mine", 7, 80.0),
        preferences=Preferences("slow", 95.0),  # chosen later than "fast"
        history=(_done("a", 10.0), _done("b", 20.0)),
        welcomed=True,
        runs=(_on("theirs", 9, 100.0),),  # the other device's run is kept, not taken over
    )
    assert (merged.version, merged.turn_at) == (4, 101.0)
    assert (stored, mine) == (stored_before, mine_before)  # pure: inputs untouched
    merged.state["history"].append({"id": "c"})
    assert len(mine.state["history"]) == 1  # and nothing shared with them


def test_merge_counts_a_completion_once_whether_listed_summarised_or_only_counted() -> None:
    # Device A's record has summarised its oldest completions; device B's still lists some of
    # them. Each run is counted exactly once (the old merge counted these twice).
    runs = [_done(f"r{n}", 1000.0 + n, "foot" if n % 3 else "quick") for n in range(180)]
    a = RunnerState(welcomed=True)
    for entry in runs:
        a = a.with_completion(entry)
    assert a.floor is not None and a.deep and a.summarised, "all three parts are in use"
    b = RunnerState(welcomed=True)
    for entry in [*runs[20:120], _done("late", 5000.0)]:
        b = b.with_completion(entry)

    for stored, mine in ((a, b), (b, a)):
        merged = merge(
            RunnerRecord("k", stored.to_json(), 2, 1.0), RunnerRecord("k", mine.to_json())
        )
        state = RunnerState.from_json(merged.state)
        assert state.total_completed() == 181
        assert state.completed()["quick"] == 60
        assert state.history[-1] == _done("late", 5000.0)
        again = merge(merged, RunnerRecord("k", mine.to_json()))
        assert RunnerState.from_json(again.state).total_completed() == 181, "idempotent"


def test_merge_with_a_new_runner_keeps_everything_of_mine() -> None:
    mine = RunnerState(_on("r", 1, 5.0), Preferences("slow", 3.0), (_done("a", 1.0),), True)
    merged = merge(RunnerRecord("k", {}, 0, 0.0), RunnerRecord("k", mine.to_json(), 0, 1.0))
    assert RunnerState.from_json(merged.state) == mine
    assert (merged.version, merged.turn_at) == (0, 1.0)


def test_merge_of_a_blank_session_never_overwrites_what_the_store_holds() -> None:
    # A session that could not read the store starts blank: its merge adds what it did and
    # takes nothing away (the outage bug: pace, counts and resume point were overwritten).
    stored_state = RunnerState(
        _on("old", 4, 50.0), Preferences("slow", 40.0), (_done("a", 10.0),), True
    )
    blank_session = RunnerState(_on("today", 0, 200.0), history=(_done("t", 150.0),))
    merged = merge(
        RunnerRecord("k", stored_state.to_json(), 9, 60.0),
        RunnerRecord("k", blank_session.to_json(), 0, 200.0),
    )
    state = RunnerState.from_json(merged.state)
    assert state.preferences == Preferences("slow", 40.0)
    assert state.total_completed() == 2
    assert state.progress == _on("today", 0, 200.0)
    assert state.runs == (_on("old", 4, 50.0),)
    assert state.welcomed


def test_merge_refuses_two_different_runners() -> None:
    with pytest.raises(ValueError, match=r"^cannot merge the records of two different runners$"):
        merge(RunnerRecord("a", {}), RunnerRecord("b", {}))


def test_a_store_refuses_a_state_it_could_not_load_back() -> None:
    assert encode_state({"a": [1, "é"]}) == '{"a":[1,"é"]}'
    for bad in ({"n": float("nan")}, {"n": float("inf")}, {"s": {1, 2}}):
        with pytest.raises(RejectedState, match=r"^the runner's state is not JSON: \w+Error$"):
            encode_state(bad)
    limit = MAX_RECORD_BYTES - len('{"s":""}')
    assert len(encode_state({"s": "x" * limit})) == MAX_RECORD_BYTES
    with pytest.raises(
        RejectedState, match=rf"^the runner's state is larger than {MAX_RECORD_BYTES} bytes$"
    ):
        encode_state({"s": "x" * (limit + 1)})
    with pytest.raises(RejectedState):  # bytes, not characters
        encode_state({"s": "é" * (limit // 2 + 1)})
    assert issubclass(RejectedState, StoreError) and issubclass(RejectedState, ValueError)
    assert MAX_STATE_BYTES < MAX_RECORD_BYTES < 400_000

"""The store contract's pure parts: runner keys and the merge rule."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skill.storage import RunnerRecord, merge, runner_key

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
    with pytest.raises(ValueError, match="user id"):
        runner_key("")


def _entry(entry_id: str, completed_at: float, **extra: Any) -> dict[str, Any]:
    return {"id": entry_id, "completed_at": completed_at, **extra}


def test_merge_takes_progress_from_the_later_turn_and_history_from_both() -> None:
    stored = RunnerRecord(
        "k",
        {"progress": None, "preferences": {"pace": "fast"}, "history": [_entry("b", 20.0)]},
        version=4,
        turn_at=100.0,
    )
    mine = RunnerRecord(
        "k",
        {"progress": {"block": 7}, "preferences": {"pace": "slow"}, "history": [_entry("a", 10.0)]},
        version=3,
        turn_at=101.0,
    )
    stored_before, mine_before = copy.deepcopy(stored), copy.deepcopy(mine)

    merged = merge(stored, mine)

    assert merged == RunnerRecord(
        "k",
        {
            "progress": {"block": 7},
            "preferences": {"pace": "slow"},
            "history": [_entry("a", 10.0), _entry("b", 20.0)],
        },
        version=4,
        turn_at=101.0,
    )
    assert (stored, mine) == (stored_before, mine_before)  # pure: inputs untouched
    merged.state["history"].append(_entry("c", 30.0))
    assert len(mine.state["history"]) == 1  # and nothing shared with them


def test_merge_keeps_the_stored_progress_when_it_is_newer() -> None:
    stored = RunnerRecord("k", {"progress": {"block": 9}}, version=2, turn_at=200.0)
    mine = RunnerRecord("k", {"progress": {"block": 2}, "history": [_entry("a", 1.0)]}, 1, 150.0)

    merged = merge(stored, mine)

    assert merged.state == {"progress": {"block": 9}, "history": [_entry("a", 1.0)]}
    assert (merged.version, merged.turn_at) == (2, 200.0)


def test_merge_breaks_a_tie_in_favour_of_mine() -> None:
    stored = RunnerRecord("k", {"progress": {"block": 1}}, 1, 50.0)
    mine = RunnerRecord("k", {"progress": {"block": 2}}, 0, 50.0)

    assert merge(stored, mine).state == {"progress": {"block": 2}}


def test_merge_keeps_keys_only_the_older_record_has() -> None:
    stored = RunnerRecord("k", {"preferences": {"pace": "slow"}, "progress": {"block": 1}}, 1, 9.0)
    mine = RunnerRecord("k", {"progress": {"block": 2}}, 0, 10.0)

    assert merge(stored, mine).state == {"preferences": {"pace": "slow"}, "progress": {"block": 2}}


def test_merge_counts_an_entry_once_and_keeps_the_later_records_copy() -> None:
    stored = RunnerRecord("k", {"history": [_entry("a", 1.0, note="old")]}, 1, 5.0)
    mine = RunnerRecord("k", {"history": [_entry("a", 1.0, note="new")]}, 0, 6.0)

    assert merge(stored, mine).state["history"] == [_entry("a", 1.0, note="new")]


def test_merge_with_a_new_runner_adds_no_history_key() -> None:
    stored = RunnerRecord("k", {}, 0, 0.0)
    mine = RunnerRecord("k", {"progress": None}, 0, 1.0)

    assert merge(stored, mine).state == {"progress": None}


def test_merge_refuses_two_different_runners() -> None:
    with pytest.raises(ValueError, match="different runners"):
        merge(RunnerRecord("a", {}), RunnerRecord("b", {}))


_histories = st.lists(
    st.builds(
        _entry,
        st.text(alphabet="abcdef", min_size=1, max_size=3),
        st.floats(min_value=0, max_value=1e9, allow_nan=False),
    ),
    max_size=8,
)


@given(
    stored_history=_histories,
    mine_history=_histories,
    stored_turn=st.floats(0, 1e9),
    mine_turn=st.floats(0, 1e9),
    stored_version=st.integers(0, 100),
)
def test_merge_never_loses_a_completed_routine(
    stored_history: list[dict[str, Any]],
    mine_history: list[dict[str, Any]],
    stored_turn: float,
    mine_turn: float,
    stored_version: int,
) -> None:
    stored = RunnerRecord(
        "k", {"progress": "s", "history": stored_history}, stored_version, stored_turn
    )
    mine = RunnerRecord("k", {"progress": "m", "history": mine_history}, 0, mine_turn)

    merged = merge(stored, mine)

    ids = [entry["id"] for entry in merged.state["history"]]
    assert sorted(ids) == sorted({entry["id"] for entry in stored_history + mine_history})
    times = [entry["completed_at"] for entry in merged.state["history"]]
    assert times == sorted(times)
    assert merged.version == stored_version
    assert merged.turn_at == max(stored_turn, mine_turn)
    assert merged.state["progress"] == ("s" if stored_turn > mine_turn else "m")
    assert merge(stored, merged).state == merged.state  # merging again changes nothing

"""Shared by the coach's tests (test_engine, test_questions, test_replies, test_run): one coach
on the built-in routines, a runner's state at a chosen place, and the words a reply speaks."""

from __future__ import annotations

import os
import re
from dataclasses import replace

from hypothesis import strategies as st

from skill.routine.catalog import Catalog
from skill.routine.engine import Coach, Reply
from skill.routine.plan import PACE_ORDER
from skill.routine.state import Preferences, RunnerState

CATALOG = Catalog.builtin()
COACH = Coach(CATALOG)
T0 = 1_800_000_000.0

routines = st.sampled_from(CATALOG.ids())
paces = st.sampled_from(PACE_ORDER)


def examples(wanted: int) -> int:
    """Fewer examples while mutmut tests a mutant (it runs every covering test per mutant)."""
    return max(20, wanted // 10) if "MUTANT_UNDER_TEST" in os.environ else wanted


def text(reply: Reply) -> str:
    return re.sub(r"<[^>]+>", " ", reply.speech).replace("&apos;", "'")


def started(routine: str = "foot", pace: str = "normal") -> RunnerState:
    state = RunnerState(preferences=Preferences(pace), welcomed=True)
    return COACH.start(state, routine, T0).state


def served_at(routine: str, pace: str, block: int, at: float) -> RunnerState:
    state = started(routine, pace)
    assert state.progress is not None
    return replace(
        state, progress=replace(state.progress, block=block, from_cue=0, served_at=at, lead_s=0.0)
    )

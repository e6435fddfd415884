"""Reading the run from the state (skill.routine.run): a state written against another plan."""

from __future__ import annotations

from dataclasses import replace

from .coaching import COACH, T0, started, text


def test_state_from_an_older_plan_falls_back_to_the_start_of_its_exercise() -> None:
    state = started()
    assert state.progress
    old = replace(
        state,
        progress=replace(
            state.progress,
            plan="0123456789abcdef",
            block=99,
            from_cue=7,
            exercise="calf_drops",
            served_at=None,
        ),
    )
    reply = COACH.launch(old, T0)
    assert "the start of the calf drops" in text(reply)
    gone = replace(old, progress=replace(old.progress, exercise="handstand", block=3))  # type: ignore[arg-type]
    assert "the start of the marble pick up" in text(COACH.launch(gone, T0))
    foreign = replace(old, progress=replace(old.progress, routine="yoga"))  # type: ignore[arg-type]
    assert COACH.launch(foreign, T0).asked == "start:foot"

"""Known engine bugs, pinned so they cannot be forgotten: each fails today (strict xfail), so the
fix that makes it pass must also remove the mark."""

from __future__ import annotations

from pathlib import Path

import pytest
from device.echo import Echo, FakeClock, make_app


@pytest.mark.xfail(
    strict=True,
    reason="issue 9 open: a pause barged in during a rep's countdown on a 1.25x device closes "
    "the previous rep with 'And relax.', which the runner hears as the end of this rep, and the "
    "resume then does this rep again (found by the conversation property test)",
)
def test_a_pause_in_a_reps_countdown_on_a_fast_device_does_not_redo_that_rep(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    app = make_app(clock, f"sqlite:///{tmp_path / 'progress.db'}")
    echo = Echo(app.test_client(), clock, rate=1.25)
    echo.launch()
    echo.say("StartRoutineIntent", {"routine": "quick routine|quick"}, after=2.0)
    set_turn = echo.say("NextStepIntent", after=2.0)
    pause = echo.say("AMAZON.PauseIntent", barge_in=0.5 * set_turn.duration)
    assert set_turn.heard_text.endswith("Third one. Spread, and hold. Three.")
    assert pause.text.startswith("And relax. Paused at toe spread, rep three of five")
    echo.wait(30)
    echo.launch()
    resumed = echo.say("AMAZON.YesIntent", after=2.0)
    assert "Third one." not in resumed.text

"""The benchmark's servers are ready before they are driven: the listening socket exists
before gunicorn starts, so an early connection waits instead of being refused."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import pytest
from service import BenchError, GunicornService, post


def test_a_request_sent_the_moment_gunicorn_is_spawned_is_answered_not_refused() -> None:
    with tempfile.TemporaryFile() as log, GunicornService("baseline_app:app", {}, 2, log) as gun:
        gun.start()
        status, _ = post(gun.port, "/alexa", b"{}", timeout=30.0)  # no waiting at all
        assert status == 200
        assert len(gun.wait_for_workers()) == 2
        gun.check_alive()
        gun.stop()
        with pytest.raises(BenchError, match="not running"):
            gun.check_alive()

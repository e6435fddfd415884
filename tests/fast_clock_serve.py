"""`footcoach serve` with the coach on a fast clock, for tests that drive a real service process
the way a device does without waiting in real time.

    python tests/fast_clock_serve.py serve --port N      (env: FOOTCOACH_BENCH_CLOCK_BASE)

The app is skill.cli's own (``create_app()`` from the environment); only its CLOCK is bench/
script.fast_clock: server time runs 10,000,000 times real time from the base in the
environment, so each turn a runner posts comes after the previous answer has played out. Give
the same base to every start of one test's service, or time would go back after a restart.

With FOOTCOACH_TEST_CLOCK_FILE set, the CLOCK is instead the number in that file (a FakeClock
shared with the test: ServiceProcess(clock_file=...), FileClock), read on every call.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_ROOT), str(PROJECT_ROOT / "bench")]

from script import fast_clock  # noqa: E402

import skill.app  # noqa: E402
from skill.cli import main  # noqa: E402

_create_app = skill.app.create_app


def _file_clock(path: str) -> Any:
    def clock() -> float:
        return float(Path(path).read_text())

    return clock


_clock_file = os.environ.get("FOOTCOACH_TEST_CLOCK_FILE")
_clock = _file_clock(_clock_file) if _clock_file else fast_clock()


def create_app(test_config: Mapping[str, Any] | None = None) -> Any:
    return _create_app({**(test_config or {}), "CLOCK": _clock})


skill.app.create_app = create_app  # type: ignore[assignment]

if __name__ == "__main__":
    sys.exit(main())

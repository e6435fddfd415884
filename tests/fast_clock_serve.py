"""`footcoach serve` with the coach on a fast clock, for tests that drive a real service process
the way a device does without waiting in real time.

    python tests/fast_clock_serve.py serve --port N      (env: FOOTCOACH_BENCH_CLOCK_BASE)

The app is skill.cli's own (``create_app()`` from the environment); only its CLOCK is bench/
script.fast_clock: server time runs 10,000,000 times real time from the base in the
environment, so each turn a runner posts comes after the previous answer has played out. Give
the same base to every start of one test's service, or time would go back after a restart.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_ROOT), str(PROJECT_ROOT / "bench")]

import skill.app  # noqa: E402
from script import fast_clock  # noqa: E402

from skill.cli import main  # noqa: E402

_create_app = skill.app.create_app
_clock = fast_clock()


def create_app(test_config: Mapping[str, Any] | None = None) -> Any:
    return _create_app({**(test_config or {}), "CLOCK": _clock})


skill.app.create_app = create_app  # type: ignore[assignment]

if __name__ == "__main__":
    sys.exit(main())

"""The real app driven by simulated Echo devices (tests/device/echo.py) on one fake clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from device.echo import Echo, FakeClock, make_app
from flask import Flask


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(tmp_path: Path, clock: FakeClock) -> Flask:
    return make_app(clock, f"sqlite:///{tmp_path / 'conversation.db'}")


@pytest.fixture
def echo_at(app: Flask, clock: FakeClock) -> Callable[..., Echo]:
    """``echo_at(rate=0.8)``: an Echo on the shared app and clock."""

    def make(**options: Any) -> Echo:
        return Echo(app.test_client(), clock, **options)

    return make

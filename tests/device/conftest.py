"""Fixtures for driving the real app with simulated Echo devices on one fake clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from .echo import Echo, FakeClock, make_app


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def device_app(tmp_path: Path, fake_clock: FakeClock) -> Flask:
    """The real app on a temporary SQLite file, its CLOCK (and verifier) the fake clock."""
    return make_app(fake_clock, f"sqlite:///{tmp_path / 'device.db'}")


@pytest.fixture
def echo_factory(device_app: Flask, fake_clock: FakeClock) -> Callable[..., Echo]:
    """``echo_factory(rate=0.8, user_id=...)``: an Echo on the shared app and clock. Echoes
    made with the same ``user_id`` are two devices of one household."""

    def make(**options: Any) -> Echo:
        return Echo(device_app.test_client(), fake_clock, **options)

    return make

"""Shared fixtures: the app (factory + test client) and the app on a real loopback socket."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))  # test helper modules

from servers import serve_in_thread

from skill.alexa import runner
from skill.app import create_app

# CI draws the same hypothesis examples on every run: a red CI is then a change, not a draw.
# Locally the search stays random (and remembers failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

SHARED = Path(__file__).resolve().parents[2] / "shared"

# A turn may take the runner's state from what its process wrote the turn before instead of
# reading the carried document again (skill/alexa/runner.py, WrittenStates). In the tests every
# such state is compared with a full read of the document, and a difference fails the test.
runner.CHECK_RECALLED = True


@pytest.fixture(autouse=True)
def recalled_states_match_a_full_read() -> Iterator[None]:
    seen = len(runner.RECALL_MISMATCHES)
    yield
    mismatches = runner.RECALL_MISMATCHES[seen:]
    del runner.RECALL_MISMATCHES[seen:]
    assert not mismatches, f"a recalled state differs from its document read: {mismatches[0]}"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'progress.db'}"


@pytest.fixture
def app(store_url: str) -> Flask:
    return create_app({"STORE_URL": store_url, "VERIFY_SIGNATURES": False, "SKILL_ID": None})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    """The app over real HTTP; POST to f"{live_url}/alexa"."""
    with serve_in_thread(app) as url:
        yield url

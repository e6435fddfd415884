"""Shared fixtures: the app (factory + test client) and the app on a real loopback socket."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

sys.path.insert(0, str(Path(__file__).resolve().parent))  # test helper modules

from servers import serve_in_thread

from skill.app import create_app

SHARED = Path(__file__).resolve().parents[2] / "shared"


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

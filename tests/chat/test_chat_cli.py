"""`footcoach chat` as a subprocess against the real skill, in-process, on a SQLite file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .helpers import REPO

PAUSE_LINE = re.compile(r"^\s*(?:coach> )?· · · (?:(\d+) min ?)?(?:([\d.]+) s)?$")
ENTRY_POINTS = {
    "skill.cli": [sys.executable, "-m", "skill.cli", "chat"],
    "skill.chat": [sys.executable, "-m", "skill.chat"],
}


def run_chat(store: Path, script: str, *args: str, entry: str = "skill.cli",
             timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("FOOTCOACH_")}
    env["FOOTCOACH_STORE"] = f"sqlite:///{store}"
    env["PYTHONIOENCODING"] = "utf-8"
    result = subprocess.run([*ENTRY_POINTS[entry], *args], input=script, text=True,
                            encoding="utf-8", capture_output=True, env=env, cwd=REPO,
                            timeout=timeout, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def coach_answers(transcript: str) -> dict[str, list[str]]:
    """Each typed line -> the lines shown after it (the answer), in order of typing."""
    answers: dict[str, list[str]] = {}
    current: list[str] = []
    for line in transcript.splitlines():
        if line.startswith("you> "):
            current = answers.setdefault(f"{len(answers)}:{line[5:]}", [])
        else:
            current.append(line)
    return answers


def state_shown(transcript: str) -> Any:
    """The JSON /state printed (the last one)."""
    block = transcript.split("you> /state\n")[-1]
    return json.loads(block[: block.index("\n}\n") + 2])


def pause_seconds(transcript: str) -> float:
    total = 0.0
    for line in transcript.splitlines():
        match = PAUSE_LINE.match(line)
        if match:
            total += 60 * float(match.group(1) or 0) + float(match.group(2) or 0)
    return total


def test_a_whole_routine_through_stdin(tmp_path: Path) -> None:
    nexts = 40  # more than the routine has blocks: once it is done, "next" is just answered
    script = "open foot coach\nyes\n" + "next\n" * nexts + "how am i doing\n/state\n"
    result = run_chat(tmp_path / "x.db", script)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    answers = coach_answers(out)
    assert len(answers) == nexts + 4
    assert all(lines for key, lines in answers.items() if "/state" not in key), answers
    assert all(lines[0].startswith("coach> ") for key, lines in answers.items()
               if "/state" not in key)
    assert not re.search(r"<[a-z/]", out), "SSML leaked into the transcript"
    assert "&amp;" not in out and "&apos;" not in out
    # The routine's holds and walks are shown as pauses: many minutes of them.
    assert pause_seconds(out) > 600
    # The skill ended the session when the routine was done...
    assert "(session ended)" in out
    # ...and stored it: no progress left, one completed routine in the history.
    state = state_shown(out)["state"]
    assert state["progress"] is None
    assert len(state["history"]) == 1


def test_a_second_chat_with_the_same_profile_resumes(tmp_path: Path) -> None:
    store = tmp_path / "x.db"
    first = run_chat(store, "open foot coach\nyes\nnext\nnext\nnext\n/state\n", "--profile", "ann")
    assert first.returncode == 0, first.stderr
    saved = state_shown(first.stdout)
    assert saved["state"]["progress"] is not None

    again = run_chat(store, "open foot coach\n/state\n", "--profile", "ann")
    assert again.returncode == 0, again.stderr
    restored = state_shown(again.stdout)
    assert restored["state"]["progress"] == saved["state"]["progress"]
    assert restored["version"] >= saved["version"]

    stranger = run_chat(store, "open foot coach\n/state\n", "--profile", "bob")
    greeting = {name: coach_answers(result.stdout)["0:open foot coach"][0]
                for name, result in (("first", first), ("again", again), ("bob", stranger))}
    assert greeting["again"] != greeting["first"]  # a returning runner is offered a resume
    assert greeting["bob"] == greeting["first"]    # another profile starts fresh
    assert state_shown(stranger.stdout)["state"].get("progress") is None


def test_say_is_a_one_shot(tmp_path: Path) -> None:
    result = run_chat(tmp_path / "x.db", "", "--say", "alexa, ask foot coach for help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "you>" not in result.stdout and "coach>" not in result.stdout


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_entry_points_and_fallback(tmp_path: Path, entry: str) -> None:
    result = run_chat(tmp_path / "x.db", "order a pizza\n", "--show-intents", entry=entry)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["you> order a pizza",
                                              "» IntentRequest AMAZON.FallbackIntent"]
    assert result.stdout.splitlines()[2].startswith("coach> ")


@contextmanager
def served_app(config: dict[str, Any]) -> Iterator[str]:
    """The real Flask app on a loopback port, as `footcoach serve` would run it."""
    from werkzeug.serving import make_server

    from skill.app import create_app

    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/alexa"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def test_chat_with_a_running_service(tmp_path: Path) -> None:
    store = tmp_path / "served.db"
    config = {"VERIFY_SIGNATURES": False, "STORE_URL": f"sqlite:///{store}", "SKILL_ID": None}
    with served_app(config) as url:
        result = run_chat(tmp_path / "unused.db", "open foot coach\nyes\nwhat exercise is this\n"
                          "/state\n", "--url", url, "--profile", "ann")
    assert result.returncode == 0, result.stderr
    answers = coach_answers(result.stdout)
    assert [len(answers[key]) > 0 for key in answers] == [True] * 4
    assert "/state is not available remotely" in answers["3:/state"][0]
    assert store.exists() and not (tmp_path / "unused.db").exists()


def test_a_service_that_checks_signatures_explains_itself(tmp_path: Path) -> None:
    config = {"VERIFY_SIGNATURES": True, "STORE_URL": f"sqlite:///{tmp_path / 's.db'}",
              "SKILL_ID": None}
    with served_app(config) as url:
        result = run_chat(tmp_path / "x.db", "", "--url", url, "--say", "help")
    assert result.returncode == 1
    assert "HTTP 400" in result.stderr and "FOOTCOACH_VERIFY_SIGNATURES=0" in result.stderr


def test_store_option_and_launch_on_piped_input(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen.db"
    result = run_chat(tmp_path / "env.db", "/state\n", "--launch", "--store",
                      f"sqlite:///{chosen}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("coach> ")  # launched before the first typed line
    assert state_shown(result.stdout)["store"] == f"sqlite:///{chosen}"
    assert chosen.exists() and not (tmp_path / "env.db").exists()

"""`footcoach chat --locale ...`: phrases resolve with that locale's model, in its language, and
every request envelope carries the locale (the real skill, in-process, on a SQLite file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import REPO

SCRIPTS = {
    "de-DE": [
        ("starte bitte das Kurzprogramm", "StartRoutineIntent", "routine='kurzprogramm'"),
        ("Wie viele Wiederholungen sind es noch?", "RepsLeftIntent", None),
        ("Überspring die Murmeln", "SkipExerciseIntent", "marble_pickup"),
    ],
    "es-MX": [
        ("¿Cuántas repeticiones me quedan?", "RepsLeftIntent", None),
        ("no tengo escalón", "MissingEquipmentIntent", "step"),
    ],
    "fr-CA": [
        ("Qu'est-ce qui vient après ?", "WhatsNextIntent", None),
        ("je n'ai pas d'élastique", "MissingEquipmentIntent", "band"),
    ],
}


def _chat(store: Path, locale: str, script: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FOOTCOACH_")}
    env["FOOTCOACH_STORE"] = f"sqlite:///{store}"
    env["PYTHONIOENCODING"] = "utf-8"
    command = [
        sys.executable,
        "-m",
        "skill.cli",
        "chat",
        "--locale",
        locale,
        "--no-launch",
        "--show-intents",
        "--debug",
    ]
    result = subprocess.run(
        command,
        input=script,
        text=True,
        encoding="utf-8",
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _requests(stderr: str) -> list[dict[str, object]]:
    """The request envelopes --debug printed ("→ {json}" blocks)."""
    requests = []
    for block in stderr.split("→ ")[1:]:
        text = block.split("\n← ")[0]
        requests.append(json.loads(text))
    return requests


@pytest.mark.parametrize("locale", sorted(SCRIPTS))
def test_chat_resolves_phrases_in_the_locale_language(tmp_path: Path, locale: str) -> None:
    lines = SCRIPTS[locale]
    result = _chat(tmp_path / "chat.db", locale, "".join(f"{p}\n" for p, _, _ in lines))
    assert result.returncode == 0, result.stderr
    shown = [line for line in result.stdout.splitlines() if line.startswith("» ")]
    assert len(shown) == len(lines), result.stdout
    for (phrase, intent, slot), line in zip(lines, shown, strict=True):
        assert line.startswith(f"» IntentRequest {intent}"), (phrase, line)
        if slot is not None:
            assert slot in line, (phrase, line)
    requests = _requests(result.stderr)
    kinds = [request["request"]["type"] for request in requests]  # type: ignore[index]
    assert kinds.count("IntentRequest") == len(lines)
    assert {request["request"]["locale"] for request in requests} == {locale}  # type: ignore[index]

"""The benchmark harness (bench/) in a tiny configuration, so that it cannot rot unnoticed.

These check behaviour, not speed: the scripted runners' requests are real Alexa envelopes that
the skill answers turn after turn, and `bench/run.py --quick` runs every case end to end
(gunicorn, wrk, the DynamoDB-protocol server, the store counters, the in-process parts).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from script import BENCH_SKILL_ID, MAX_TURNS_PER_SESSION, SESSIONS, ScriptedRunner

from skill.app import create_app

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture
def bench_client(tmp_path: Path) -> FlaskClient:
    app = create_app(
        {
            "STORE_URL": f"sqlite:///{tmp_path / 'bench.db'}",
            "VERIFY_SIGNATURES": False,
            "SKILL_ID": BENCH_SKILL_ID,
        }
    )
    return app.test_client()


def test_scripted_runners_post_alexa_envelopes_the_skill_answers(
    bench_client: FlaskClient,
) -> None:
    runners = [ScriptedRunner(index, tag="smoke") for index in range(len(SESSIONS))]
    session_starts = 0
    sessions_done = [0] * len(runners)
    # A looping session ends with its routine or after MAX_TURNS_PER_SESSION turns (mid-set,
    # each "next" moves one rep): enough rounds for every runner to finish one.
    rounds = MAX_TURNS_PER_SESSION + 10
    for _ in range(rounds):
        for number, runner in enumerate(runners):
            body = runner.body()
            assert b"@" not in body  # every slot of the template filled
            envelope: dict[str, Any] = json.loads(body)
            session_starts += envelope["session"]["new"]
            answer = bench_client.post("/alexa", data=body, content_type="application/json")
            assert answer.status_code == 200, answer.get_data(as_text=True)
            response = answer.get_json()
            if envelope["request"]["type"] != "SessionEndedRequest":
                assert response["response"]["outputSpeech"]["ssml"].startswith("<speak>")
            session = runner.session_index
            runner.answered(response)
            sessions_done[number] += runner.session_index != session
    store = bench_client.application.extensions["footcoach"].store
    # The runners carry their session attributes: one read per session start, no more.
    assert store.reads == session_starts
    assert 0 < store.writes <= rounds * len(runners)
    assert min(sessions_done) >= 1  # every runner went through at least one whole session


@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="the load generator wrk is missing (apt-get install wrk)"
)
def test_quick_bench_runs_every_case_end_to_end(tmp_path: Path) -> None:
    figures = tmp_path / "bench.json"
    completed = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--no-install", "--json", str(figures)],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "PASS" in completed.stdout or "MISS" in completed.stdout
    results = json.loads(figures.read_text())

    cases = {case["name"]: case for case in results["cases"]}
    assert set(cases) == {"baseline (fixed JSON)", "skill, SQLite", "skill, DynamoDB"}
    for case in cases.values():
        assert case["load"]["requests"] > 0
        assert case["errors"] == 0, case
        assert 0 < case["load"]["p50_ms"] <= case["load"]["p99_ms"] <= case["load"]["max_ms"]
        assert case["cpu_us_per_turn"] > 0
        assert case["peak_rss_mib"] > 5
    for name in ("skill, SQLite", "skill, DynamoDB"):
        counted = cases[name]["counted"]
        # Counted in the gunicorn workers: the turns wrk saw answered, give or take the
        # few in flight when it stopped.
        assert 0 <= counted["turns"] - cases[name]["load"]["requests"] <= 8
        assert 0 < counted["reads"] <= counted["session_starts"]
        assert 0 < counted["writes"] <= counted["turns"]
    assert cases["baseline (fixed JSON)"]["counted"] is None

    micro = {result["name"]: result["us_per_op"] for result in results["micro"]}
    assert len(micro) == 7
    assert all(value > 0 for value in micro.values())
    stages = dict(results["stages"]["stages"])
    assert stages["total per turn (with stopwatches)"] > 0
    verdicts = {target["verdict"] for target in results["targets"]}
    assert verdicts <= {"PASS", "MISS"} and verdicts

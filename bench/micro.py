"""In-process micro-benchmarks of the stages of a turn, in µs per operation (best of repeats).

Each figure is the best of ``repeats`` timings of a loop sized (timeit's autorange) to take
about ``target_s`` seconds, so the machine's noise pushes figures up, never down.
"""

from __future__ import annotations

import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from script import BENCH_SKILL_ID, ScriptedRunner, fast_clock
from service import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "tests"))  # tests/signing.py: the generated signing PKI


@dataclass(frozen=True)
class MicroResult:
    name: str
    us_per_op: float
    detail: str


def best_us(operation: Callable[[], object], *, target_s: float, repeats: int) -> float:
    """µs per call: the best of ``repeats`` loops each lasting about ``target_s``."""
    timer = timeit.Timer(operation)
    number = 1
    while True:  # like Timer.autorange, but to target_s rather than 0.2 s
        elapsed = timer.timeit(number)
        if elapsed >= target_s / 5 or number >= 1_000_000:
            break
        number *= 2 if elapsed > target_s / 50 else 10
    number = max(1, int(number * target_s / max(elapsed, 1e-9)))
    return min(timer.repeat(repeat=repeats, number=number)) / number * 1e6


def signed_request() -> tuple[Any, dict[str, str], bytes]:
    """A verifier trusting a generated root with its chain cached, and a request it signed."""
    from signing import make_pki, make_verifier, sign_headers

    pki = make_pki()
    verifier = make_verifier(pki, skill_id=BENCH_SKILL_ID)
    body = ScriptedRunner(0, tag="micro").body()
    headers = {"Content-Type": "application/json", **sign_headers(pki, body)}
    return verifier, headers, body


def run_micro(*, target_s: float = 0.3, repeats: int = 5, turns: int = 2000) -> list[MicroResult]:
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model.request_envelope import RequestEnvelope

    from skill.routine.catalog import Catalog
    from skill.routine.engine import Coach
    from skill.routine.plan import compile_plan
    from skill.routine.speech import cues_ssml
    from skill.routine.state import RunnerState
    from skill.web.verification import RequestVerifier

    logging.getLogger("skill").setLevel(logging.ERROR)  # no "signatures off" warning

    def measure(operation: Callable[[], object]) -> float:
        return best_us(operation, target_s=target_s, repeats=repeats)

    results = []
    verifier, headers, body = signed_request()
    assert verifier.verify(headers, body)["version"] == "1.0"
    results.append(
        MicroResult(
            "verify request (signed, warm chain cache)",
            measure(lambda: verifier.verify(headers, body)),
            f"RSA-2048 signature + chain check + JSON parse, {len(body)} B body",
        )
    )
    unsigned = RequestVerifier(skill_id=BENCH_SKILL_ID, verify_signatures=False)
    results.append(
        MicroResult(
            "verify request (signatures off)",
            measure(lambda: unsigned.verify(headers, body)),
            "JSON parse + timestamp + skill id, as in the load cases",
        )
    )

    serializer = DefaultSerializer()
    envelope = json.loads(body)
    results.append(
        MicroResult(
            "envelope deserialisation (ask-sdk)",
            measure(lambda: serializer.deserialize(json.dumps(envelope), RequestEnvelope)),
            "json.dumps + DefaultSerializer.deserialize(..., RequestEnvelope)",
        )
    )

    coach = Coach(Catalog.builtin())
    now = time.time()
    started = coach.start(RunnerState(welcomed=True), "foot", now).state
    results.append(
        MicroResult(
            "engine step (Coach.next)",
            measure(lambda: coach.next(started, now + 3600)),
            "foot routine, from the intro block to the first set",
        )
    )
    plan = compile_plan(Catalog.builtin().get("foot"))
    biggest = max(plan.blocks, key=lambda block: len(block.cues))
    results.append(
        MicroResult(
            "SSML rendering (cues_ssml)",
            measure(lambda: cues_ssml(biggest.cues)),
            f"the foot routine's biggest block: {len(biggest.cues)} cues",
        )
    )
    results.append(skill_turns(turns))
    results.append(cold_start(runs=max(1, repeats // 2 + 1)))
    return results


def skill_turns(turns: int) -> MicroResult:
    """SkillRunner on the scripted runners' envelopes, SQLite store: median µs per turn."""
    from skill.alexa.skill import SkillRunner, build_skill
    from skill.storage.sqlite import SQLiteStore

    with tempfile.TemporaryDirectory(prefix="footcoach-bench-") as folder:
        store = SQLiteStore(Path(folder) / "micro.db")
        run_skill = SkillRunner(build_skill(store, clock=fast_clock()))
        runners = [ScriptedRunner(index, tag="micro") for index in range(50)]
        timings = []
        for turn in range(turns):
            runner = runners[turn % len(runners)]
            envelope = runner.envelope()
            started = time.perf_counter()
            response = run_skill(envelope)
            timings.append(time.perf_counter() - started)
            runner.answered(response)
        reads, writes = store.reads, store.writes
        store.close()
    return MicroResult(
        "full skill turn (SkillRunner, SQLite)",
        statistics.median(timings) * 1e6,
        f"median of {turns} scripted turns (mean {statistics.fmean(timings) * 1e6:.0f} µs); "
        f"{reads} reads, {writes} writes",
    )


def cold_start(runs: int) -> MicroResult:
    """Wall time of a new process that imports the app and builds it (measured from outside)."""
    with tempfile.TemporaryDirectory(prefix="footcoach-bench-") as folder:
        code = (
            "from skill.app import create_app; "
            f"create_app({{'STORE_URL': 'sqlite:///{folder}/cold.db', "
            "'VERIFY_SIGNATURES': False, 'SKILL_ID': 'x'})"
        )
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", code],
                cwd=PROJECT_ROOT,
                check=True,
                timeout=60,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            timings.append(time.perf_counter() - started)
    return MicroResult(
        "cold start: python -c 'create_app()'",
        statistics.median(timings) * 1e6,
        f"median of {runs} new processes (interpreter start + imports + app build)",
    )

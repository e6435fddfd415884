"""The load cases: each starts gunicorn the production way, drives it with wrk, and measures.

Per case: turns/s and latency (wrk's latency histograms, merged over the case's runs), errors
(wrk + the script's checks + ERROR log records in the workers), store reads and writes (the
workers' own counters, read over GET /bench/counters before and after the measured runs),
worker CPU time per turn and peak RSS (/proc), and the time from spawning gunicorn to its first
answered turn.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from loadgen import LoadResult, merge, run_wrk
from script import BENCH_SKILL_ID, CLOCK_BASE_ENV, ScriptedRunner
from service import (
    PROJECT_ROOT,
    BenchError,
    GunicornService,
    StoreTiming,
    WorkerCounters,
    children_of,
    cpu_seconds,
)

sys.path.insert(0, str(PROJECT_ROOT / "tests"))  # tests/dynamo_server.py

DYNAMODB_TABLE = "footcoach-bench"
SETTLE_S = 0.3  # after wrk stops, for the last in-flight turns to finish before counting


@dataclass(frozen=True)
class LoadSettings:
    rounds: int  # measured runs per case (interleaved between the cases run side by side)
    round_seconds: int
    warmup_seconds: int
    connections: int
    workers: int
    runners_per_connection: int


@dataclass(frozen=True)
class CaseResult:
    name: str
    load: LoadResult
    startup_s: float  # gunicorn spawned -> first turn answered
    cpu_us_per_turn: float  # all workers' user + system CPU time / turns
    worker_cpu_shares: tuple[float, ...]  # how the CPU time split between the workers
    peak_rss_mib: float  # the largest worker's VmHWM
    counted: WorkerCounters | None  # the workers' own counts over the measured run (summed)
    note: str = ""
    helper_cpu_us_per_turn: float | None = None  # e.g. the local DynamoDB server's CPU time

    @property
    def errors(self) -> int:
        return self.load.errors + (self.counted.errors_logged if self.counted else 0)

    @property
    def reads_per_session_start(self) -> float | None:
        """Store reads over the session starts the workers saw (both counted server-side)."""
        if self.counted is None:
            return None
        return self.counted.reads / max(1, self.counted.session_starts)

    @property
    def writes_per_turn(self) -> float | None:
        if self.counted is None:
            return None
        return self.counted.writes / max(1, self.counted.turns)


def skill_env(store_url: str) -> dict[str, str]:
    return {
        "FOOTCOACH_STORE": store_url,
        "FOOTCOACH_VERIFY_SIGNATURES": "0",
        "FOOTCOACH_SKILL_ID": BENCH_SKILL_ID,
        CLOCK_BASE_ENV: repr(time.time()),
    }


class LoadCase:
    """One case's gunicorn, from its start to its figures; ``drive`` may be called several
    times (interleaved with other cases') and the runs add up.

        with LoadCase(...) as case:
            case.drive(5)
            result = case.result()
    """

    def __init__(
        self,
        name: str,
        app_spec: str,
        env: dict[str, str],
        settings: LoadSettings,
        wrk: str,
        log: IO[bytes],
        *,
        counted: bool,
        note: str = "",
        helper_pids: tuple[int, ...] = (),
    ) -> None:
        self.name, self.settings, self.wrk, self.note = name, settings, wrk, note
        self.counted, self.helper_pids = counted, helper_pids
        self.service = GunicornService(app_spec, env, settings.workers, log)
        self.tag = name.split()[0][:4] + str(int(time.time() * 1000) % 10**7)
        self.runs: list[LoadResult] = []
        self.cpu: dict[int, float] = {}
        self.helper_cpu = 0.0
        self.startup_s = 0.0
        self.pids: list[int] = []
        self.before: dict[int, WorkerCounters] = {}

    def __enter__(self) -> LoadCase:
        try:
            self.service.start()
            probe = ScriptedRunner(10**6 - 1, tag=self.tag).body()
            self.startup_s = self.service.wait_until_answering(probe)
            self.pids = self.service.wait_for_workers()
            self.cpu = dict.fromkeys(self.pids, 0.0)
            if self.settings.warmup_seconds:
                self._wrk(self.settings.warmup_seconds, self.tag + "w")
                time.sleep(SETTLE_S)
            if self.counted:
                self.before = self.service.counters(reset_max=True)
        except BaseException:
            self.service.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.service.stop()

    def _wrk(self, seconds: int, tag: str) -> LoadResult:
        self.service.check_alive()
        return run_wrk(
            self.wrk,
            self.service.url,
            seconds=seconds,
            connections=self.settings.connections,
            tag=tag,
            runners_per_connection=self.settings.runners_per_connection,
        )

    def drive(self, seconds: int) -> None:
        """One measured run of ``seconds``. Every run of a case has the same runners: their
        progress is in the store, so later runs meet returning runners."""
        cpu_before = self.service.cpu_seconds()
        helpers_before = sum(cpu_seconds(pid) for pid in self.helper_pids)
        self.runs.append(self._wrk(seconds, self.tag))
        time.sleep(SETTLE_S)
        cpu_after = self.service.cpu_seconds()
        if sorted(cpu_after) != self.pids:
            raise BenchError(f"{self.name}: gunicorn workers changed during the run")
        for pid in self.pids:
            self.cpu[pid] += cpu_after[pid] - cpu_before[pid]
        self.helper_cpu += sum(cpu_seconds(pid) for pid in self.helper_pids) - helpers_before

    def result(self) -> CaseResult:
        load = merge(self.runs)
        after = self.service.counters(reset_max=False) if self.counted else {}
        rss = self.service.peak_rss_kib()
        total_cpu = sum(self.cpu.values())
        turns = max(1, load.requests)
        return CaseResult(
            name=self.name,
            load=load,
            startup_s=self.startup_s,
            cpu_us_per_turn=total_cpu / turns * 1e6,
            worker_cpu_shares=tuple(
                self.cpu[pid] / total_cpu if total_cpu else 0.0 for pid in self.pids
            ),
            peak_rss_mib=max(rss.values()) / 1024,
            counted=counter_delta(self.before, after) if self.counted else None,
            note=note_with_runs(self.note, len(self.runs)),
            helper_cpu_us_per_turn=self.helper_cpu / turns * 1e6 if self.helper_pids else None,
        )


def note_with_runs(note: str, runs: int) -> str:
    if runs < 2:
        return note
    return "; ".join(filter(None, [f"{runs} runs, interleaved with the other cases'", note]))


def counter_delta(
    before: dict[int, WorkerCounters], after: dict[int, WorkerCounters]
) -> WorkerCounters:
    """What all the workers counted between ``before`` and ``after`` (maxima: over the run)."""
    if set(before) != set(after):
        raise BenchError("the workers that answered /bench/counters changed during the run")

    def total(field: str) -> int:
        return sum(getattr(after[pid], field) - getattr(before[pid], field) for pid in after)

    def timing(field: str) -> StoreTiming:
        spans = [(getattr(before[pid], field), getattr(after[pid], field)) for pid in after]
        return StoreTiming(
            calls=sum(end.calls - start.calls for start, end in spans),
            seconds=sum(end.seconds - start.seconds for start, end in spans),
            max_seconds=max((end.max_seconds for _, end in spans), default=0.0),
            slow=sum(end.slow - start.slow for start, end in spans),
        )

    return WorkerCounters(
        pid=0,
        turns=total("turns"),
        session_starts=total("session_starts"),
        reads=total("reads"),
        writes=total("writes"),
        errors_logged=total("errors_logged"),
        load=timing("load"),
        save=timing("save"),
    )


def baseline_case(settings: LoadSettings, wrk: str, log: IO[bytes]) -> LoadCase:
    return LoadCase(
        "baseline (fixed JSON)", "baseline_app:app", {}, settings, wrk, log, counted=False
    )


def sqlite_case(settings: LoadSettings, wrk: str, log: IO[bytes], folder: Path) -> LoadCase:
    env = skill_env(f"sqlite:///{folder / 'bench.db'}")
    return LoadCase("skill, SQLite", "counting_app:app", env, settings, wrk, log, counted=True)


@contextmanager
def dynamodb_case(settings: LoadSettings, wrk: str, log: IO[bytes]) -> Iterator[LoadCase]:
    """The skill on a DynamoDB store served by a local DynamoDB-protocol server (moto)."""
    with (
        local_dynamodb() as (env, server_name),
        LoadCase(
            "skill, DynamoDB",
            "counting_app:app",
            {**skill_env(f"dynamodb://{DYNAMODB_TABLE}"), **env},
            settings,
            wrk,
            log,
            counted=True,
            note=f"{server_name}, on loopback, sharing the machine's cores",
            helper_pids=tuple(moto_pids()),
        ) as case,
    ):
        yield case


@contextmanager
def local_dynamodb() -> Iterator[tuple[dict[str, str], str]]:
    """tests/dynamo_server.py's loopback server with the bench table created in it."""
    from dynamo_server import SERVER_NAME, start_dynamodb_server

    with start_dynamodb_server() as endpoint:
        env = {
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
        }
        created = subprocess.run(
            [sys.executable, "-m", "skill.cli", "store", "create", "--table", DYNAMODB_TABLE],
            cwd=PROJECT_ROOT,
            env=without_aws_profile({**os.environ, **env}),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if created.returncode != 0:
            raise BenchError(f"footcoach store create failed: {created.stderr.strip()[-800:]}")
        yield env, f"{SERVER_NAME}, moto {importlib.metadata.version('moto')}"


def without_aws_profile(env: dict[str, str]) -> dict[str, str]:
    """The environment without a named profile or session token that could override the
    local server's dummy credentials."""
    return {k: v for k, v in env.items() if k not in ("AWS_PROFILE", "AWS_SESSION_TOKEN")}


def moto_pids() -> list[int]:
    """This process's children that run the moto server (for its CPU time)."""
    found = []
    for pid in children_of(os.getpid()):
        try:
            if b"moto" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found

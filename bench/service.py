"""gunicorn as production runs it (infra/gunicorn.conf.py), bound to loopback, for one case.

The only settings given on the command line are the bind address and, through WEB_CONCURRENCY
(which the config reads), the worker count, which every case shares. The listening socket is
made here (127.0.0.1, a port the kernel picks) and handed to gunicorn as ``fd://N``: no other
process can take the port between choosing and binding it, and connections made before the
workers are up wait in the backlog instead of being refused. A case is driven only once its
server has answered a real request (wait_until_answering) and all its workers are up.
The master runs in its own session so that stopping it takes its workers along, and a Ctrl-C
in the terminal reaches only the benchmark, which then stops it.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = PROJECT_ROOT / "bench"
GUNICORN_CONFIG = PROJECT_ROOT / "infra" / "gunicorn.conf.py"
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


class BenchError(RuntimeError):
    """The benchmark could not run a case (a server did not start, a tool is missing...)."""


@dataclass(frozen=True)
class StoreTiming:
    calls: int = 0
    seconds: float = 0.0
    max_seconds: float = 0.0
    slow: int = 0  # calls over counting_app.SLOW_STORE_CALL_S


@dataclass(frozen=True)
class WorkerCounters:
    """What one worker of bench/counting_app.py counted (or the sum over workers)."""

    pid: int
    turns: int
    session_starts: int
    reads: int
    writes: int
    errors_logged: int
    load: StoreTiming
    save: StoreTiming

    @staticmethod
    def from_json(data: dict[str, Any]) -> WorkerCounters:
        return WorkerCounters(
            pid=int(data["pid"]),
            turns=int(data["turns"]),
            session_starts=int(data["session_starts"]),
            reads=int(data["reads"]),
            writes=int(data["writes"]),
            errors_logged=int(data["errors_logged"]),
            load=StoreTiming(**data["store"]["load"]),
            save=StoreTiming(**data["store"]["save"]),
        )


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def post(port: int, path: str, body: bytes, timeout: float = 5.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class GunicornService:
    """One gunicorn master serving ``app_spec`` (module:variable, from bench/) on loopback."""

    def __init__(self, app_spec: str, env: dict[str, str], workers: int, log: IO[bytes]) -> None:
        self.app_spec = app_spec
        self.workers = workers
        self.port = 0  # chosen by the kernel in start()
        self.env = {**os.environ, **env, "WEB_CONCURRENCY": str(workers)}
        for inherited in ("GUNICORN_CMD_ARGS", "PORT", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
            self.env.pop(inherited, None)
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.spawned_at = 0.0
        self.listener: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/alexa"

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
        self.port = self.listener.getsockname()[1]
        fd = self.listener.fileno()
        command = [
            sys.executable, "-m", "gunicorn",
            "--config", str(GUNICORN_CONFIG),
            "--bind", f"fd://{fd}",
            "--pythonpath", str(BENCH_DIR),
            self.app_spec,
        ]  # fmt: skip
        self.spawned_at = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
            pass_fds=(fd,),
        )

    def check_alive(self) -> None:
        """BenchError unless the master still runs (say so plainly, not as a wrk failure)."""
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise BenchError(f"gunicorn ({self.app_spec}) is not running (exit code {code})")

    def wait_until_answering(self, body: bytes) -> float:
        """Post ``body`` until it is answered with 200; seconds from spawn to that answer."""
        assert self.process is not None
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise BenchError(f"gunicorn ({self.app_spec}) exited with {code}")
            try:
                status, _ = post(self.port, "/alexa", body, timeout=2.0)
            except OSError:
                time.sleep(0.005)
                continue
            if status == 200:
                return time.perf_counter() - self.spawned_at
            raise BenchError(f"gunicorn ({self.app_spec}) answered the probe with {status}")
        raise BenchError(f"gunicorn ({self.app_spec}) did not answer in {READY_TIMEOUT_S} s")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        return children_of(self.process.pid)

    def wait_for_workers(self, timeout: float = READY_TIMEOUT_S) -> list[int]:
        """The worker pids, once all ``workers`` have been forked and have served a request."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) == self.workers:
                return pids
            time.sleep(0.02)
        raise BenchError(f"gunicorn has {len(self.worker_pids())} workers, not {self.workers}")

    def counters(self, *, reset_max: bool, timeout: float = 10.0) -> dict[int, WorkerCounters]:
        """GET /bench/counters on fresh connections until every worker has answered once."""
        pids = set(self.worker_pids())
        seen: dict[int, WorkerCounters] = {}
        deadline = time.monotonic() + timeout
        while set(seen) != pids and time.monotonic() < deadline:
            # Before a run, nothing else is posted: resetting one worker's maxima twice is harmless.
            path = "/bench/counters" + ("?reset_max=1" if reset_max else "")
            status, payload = get(self.port, path)
            if status != 200:
                raise BenchError(f"GET /bench/counters answered {status}")
            answer = WorkerCounters.from_json(json.loads(payload))
            seen.setdefault(answer.pid, answer)
        if set(seen) != pids:
            raise BenchError(f"workers {sorted(pids - set(seen))} never answered /bench/counters")
        return seen

    def cpu_seconds(self) -> dict[int, float]:
        return {pid: cpu_seconds(pid) for pid in self.worker_pids()}

    def peak_rss_kib(self) -> dict[int, int]:
        return {pid: peak_rss_kib(pid) for pid in self.worker_pids()}

    def stop(self) -> None:
        """SIGTERM the master (graceful), then SIGKILL its whole session if it lingers."""
        process, self.process = self.process, None
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.close()
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> GunicornService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def children_of(parent: int) -> list[int]:
    """Pids whose parent is ``parent`` (from /proc/<pid>/stat)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return sorted(children)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kib(pid: int) -> int:
    """VmHWM (peak resident set size) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise BenchError(f"no VmHWM for pid {pid}")

"""The load generator: wrk (Debian's package) with bench/alexa.lua.

wrk is C and event-driven, so on this 2-core machine it takes far less CPU from the server
than a Python load generator would; the Lua script gives it what Alexa does: distinct runners
whose session attributes travel from one turn to the next.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from script import ENVELOPE_TEMPLATE, LOCALES, SESSIONS

LUA_SCRIPT = Path(__file__).resolve().parent / "alexa.lua"
WRK_INSTALL_HINT = "install it with: sudo apt-get update && sudo apt-get install -y wrk"
REQUEST_TIMEOUT_S = 5


class WrkMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class LoadResult:
    requests: int  # answered (any status), as wrk counts them
    seconds: float
    ok: int  # 200 with speech where speech is expected
    errors: int  # wrong status, no speech, socket errors, timeouts
    session_starts: int  # answered turns that opened a session (store read expected)
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def turns_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def find_wrk() -> str | None:
    return shutil.which("wrk")


def ensure_wrk(install: bool) -> str:
    """wrk's path; with ``install`` (and root), apt-get installs it first when it is missing."""
    found = find_wrk()
    if found:
        return found
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is not installed: running apt-get update && apt-get install -y wrk", flush=True)
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
            subprocess.run(command, check=False, stdout=subprocess.DEVNULL, timeout=600)
        found = find_wrk()
        if found:
            return found
    raise WrkMissing(f"the load generator wrk is not installed; {WRK_INSTALL_HINT}")


def run_wrk(
    wrk: str, url: str, *, seconds: int, connections: int, tag: str, runners_per_connection: int
) -> LoadResult:
    """Drive ``url`` for ``seconds`` with ``connections`` connections (one per wrk thread)."""
    command = [
        wrk,
        "--threads", str(connections),
        "--connections", str(connections),
        "--duration", f"{seconds}s",
        "--timeout", f"{REQUEST_TIMEOUT_S}s",
        "--script", str(LUA_SCRIPT),
        url,
        "--",
        tag,
        str(runners_per_connection),
        ",".join(LOCALES),
        ENVELOPE_TEMPLATE,
        *(session.as_arg() for session in SESSIONS),
    ]  # fmt: skip
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=False,
        start_new_session=True,
    )
    marker = "BENCH_RESULT "
    lines = [line for line in completed.stdout.splitlines() if line.startswith(marker)]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(
            f"wrk failed ({completed.returncode}): {completed.stderr.strip()[-1000:]}"
            f" {completed.stdout.strip()[-1000:]}"
        )
    data = json.loads(lines[-1][len(marker) :])
    socket_errors = sum(
        data[name] for name in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        ok=data["ok"],
        errors=data["script_errors"] + socket_errors,
        session_starts=data["session_starts"],
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
    )

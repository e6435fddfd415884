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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from script import ENVELOPE_TEMPLATE, LOCALES, SESSIONS

LUA_SCRIPT = Path(__file__).resolve().parent / "alexa.lua"
WRK_INSTALL_HINT = "install it with: sudo apt-get update && sudo apt-get install -y wrk"
REQUEST_TIMEOUT_S = 5


class WrkMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class LoadResult:
    """One or more wrk runs against one server (runs merge: counts add, histograms add)."""

    requests: int  # answered (any status), as wrk counts them
    seconds: float
    ok: int  # 200 with speech where speech is expected
    errors: int  # wrong status, no speech, socket errors, timeouts
    session_starts: int  # answered turns that opened a session
    latency_us: dict[int, int] = field(repr=False)  # µs -> how many turns took that long

    @property
    def turns_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, percent: float) -> float:
        """The smallest latency that ``percent`` % of the turns did not exceed."""
        total = sum(self.latency_us.values())
        if not total:
            return 0.0
        wanted, seen = percent / 100 * total, 0
        for value in sorted(self.latency_us):
            seen += self.latency_us[value]
            if seen >= wanted:
                return value / 1000
        return max(self.latency_us) / 1000

    @property
    def p50_ms(self) -> float:
        return self.percentile_ms(50)

    @property
    def p90_ms(self) -> float:
        return self.percentile_ms(90)

    @property
    def p99_ms(self) -> float:
        return self.percentile_ms(99)

    @property
    def max_ms(self) -> float:
        return max(self.latency_us, default=0) / 1000

    def summary(self) -> dict[str, float]:
        return {
            "requests": self.requests,
            "seconds": self.seconds,
            "ok": self.ok,
            "errors": self.errors,
            "session_starts": self.session_starts,
            "turns_per_s": self.turns_per_s,
            "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
        }


def merge(results: list[LoadResult]) -> LoadResult:
    latency: Counter[int] = Counter()
    for result in results:
        latency.update(result.latency_us)
    return LoadResult(
        requests=sum(result.requests for result in results),
        seconds=sum(result.seconds for result in results),
        ok=sum(result.ok for result in results),
        errors=sum(result.errors for result in results),
        session_starts=sum(result.session_starts for result in results),
        latency_us=dict(latency),
    )


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
    latency = {}
    for pair in filter(None, data["histogram"].split(",")):
        value, count = pair.split(":")
        latency[int(value)] = int(count)
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        ok=data["ok"],
        errors=data["script_errors"] + socket_errors,
        session_starts=data["session_starts"],
        latency_us=latency,
    )

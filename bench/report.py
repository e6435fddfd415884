"""The printed report: the load table, the targets with PASS/MISS, the micro-benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

from cases import CaseResult, LoadSettings
from micro import MicroResult
from service import StoreTiming

SLOW_STORE_CALL_MS = 5.0  # bench/counting_app.py's SLOW_STORE_CALL_S
MIN_THROUGHPUT_RATIO = 0.6
MAX_P99_RATIO = 2.0
MAX_READS_PER_SESSION_START = 1.0
MAX_WRITES_PER_TURN = 1.0
MAX_COLD_START_S = 1.0
MAX_WORKER_RSS_MIB = 80.0


@dataclass(frozen=True)
class Target:
    name: str
    wanted: str
    measured: str
    met: bool

    @property
    def verdict(self) -> str:
        return "PASS" if self.met else "MISS"


def _dash(value: float | None, form: str) -> str:
    return "-" if value is None else format(value, form)


def _mean_ms(timing: StoreTiming) -> str:
    return f"{timing.seconds / timing.calls * 1e3:.2f}" if timing.calls else "-"


def load_table(settings: LoadSettings, cases: list[CaseResult]) -> str:
    baseline = next((case for case in cases if case.name.startswith("baseline")), None)
    header = (
        f"Load: gunicorn -c infra/gunicorn.conf.py ({settings.workers} workers, gthread), "
        f"bound to 127.0.0.1; wrk, {settings.connections} connections, {settings.rounds} x "
        f"{settings.round_seconds} s per case after {settings.warmup_seconds} s of warm-up, "
        f"{settings.connections * settings.runners_per_connection} simulated runners"
    )
    columns = (
        f"{'case':<22} {'turns/s':>8} {'xbase':>6} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} "
        f"{'xbase':>6} {'errors':>6} {'reads/start':>11} {'writes/turn':>11} "
        f"{'CPU µs/turn':>11} {'RSS MiB':>7} {'worker CPU split':>16}"
    )
    lines = [header, "", columns]
    for case in cases:
        load = case.load
        ratio = load.turns_per_s / baseline.load.turns_per_s if baseline else None
        p99_ratio = load.p99_ms / baseline.load.p99_ms if baseline else None
        split = "/".join(f"{share:.0%}" for share in case.worker_cpu_shares)
        lines.append(
            f"{case.name:<22} {load.turns_per_s:8.0f} {_dash(ratio, '6.2f')} "
            f"{load.p50_ms:7.2f} {load.p90_ms:7.2f} {load.p99_ms:7.2f} "
            f"{_dash(p99_ratio, '6.2f')} {case.errors:6d} "
            f"{_dash(case.reads_per_session_start, '11.2f')} "
            f"{_dash(case.writes_per_turn, '11.2f')} {case.cpu_us_per_turn:11.0f} "
            f"{case.peak_rss_mib:7.1f} {split:>16}"
        )
    lines.append("")
    for case in cases:
        counted = case.counted
        counts = (
            f"; the workers saw {counted.turns} turns, {counted.session_starts} session starts; "
            f"store: {counted.reads} reads (mean {_mean_ms(counted.load)} ms, max "
            f"{counted.load.max_seconds * 1e3:.1f} ms), {counted.writes} writes (mean "
            f"{_mean_ms(counted.save)} ms, max {counted.save.max_seconds * 1e3:.1f} ms, "
            f"{counted.save.slow} over {SLOW_STORE_CALL_MS:.0f} ms)"
            if counted
            else ""
        )
        helper = (
            f"; DynamoDB server CPU {case.helper_cpu_us_per_turn:.0f} µs/turn"
            if case.helper_cpu_us_per_turn is not None
            else ""
        )
        lines.append(
            f"  {case.name}: {case.load.requests} turns answered in {case.load.seconds:.1f} s, "
            f"slowest {case.load.max_ms:.1f} ms; first turn answered {case.startup_s:.2f} s after "
            f"spawning gunicorn{counts}{helper}" + (f"\n    ({case.note})" if case.note else "")
        )
    return "\n".join(lines)


def targets(cases: list[CaseResult], micro: list[MicroResult]) -> list[Target]:
    by_name = {case.name: case for case in cases}
    baseline = by_name.get("baseline (fixed JSON)")
    sqlite = by_name.get("skill, SQLite")
    found: list[Target] = []
    if baseline and sqlite:
        ratio = sqlite.load.turns_per_s / baseline.load.turns_per_s
        found.append(
            Target(
                "skill turn on SQLite, throughput",
                f">= {MIN_THROUGHPUT_RATIO} x baseline",
                f"{ratio:.2f} x ({sqlite.load.turns_per_s:.0f} vs "
                f"{baseline.load.turns_per_s:.0f} turns/s)",
                ratio >= MIN_THROUGHPUT_RATIO,
            )
        )
        p99_ratio = sqlite.load.p99_ms / baseline.load.p99_ms
        found.append(
            Target(
                "skill turn on SQLite, p99 latency",
                f"<= {MAX_P99_RATIO} x baseline p99",
                f"{p99_ratio:.2f} x ({sqlite.load.p99_ms:.2f} vs {baseline.load.p99_ms:.2f} ms)",
                p99_ratio <= MAX_P99_RATIO,
            )
        )
    for case in cases:
        counted = case.counted
        if counted is None:
            continue
        reads = case.reads_per_session_start or 0.0
        writes = case.writes_per_turn or 0.0
        found.append(
            Target(
                f"{case.name}: store reads",
                f"<= {MAX_READS_PER_SESSION_START:.0f} per session start",
                f"{reads:.2f} ({counted.reads} reads / {counted.session_starts} starts)",
                reads <= MAX_READS_PER_SESSION_START,
            )
        )
        found.append(
            Target(
                f"{case.name}: store writes",
                f"<= {MAX_WRITES_PER_TURN:.0f} per turn",
                f"{writes:.2f} ({counted.writes} writes / {counted.turns} turns)",
                writes <= MAX_WRITES_PER_TURN,
            )
        )
    if sqlite:
        found.append(
            Target(
                "cold start: gunicorn spawned -> first turn answered",
                f"<= {MAX_COLD_START_S:.0f} s",
                f"{sqlite.startup_s:.2f} s",
                sqlite.startup_s <= MAX_COLD_START_S,
            )
        )
    for case in cases:
        if case.name.startswith("skill"):
            found.append(
                Target(
                    f"{case.name}: worker peak RSS (VmHWM)",
                    f"<= {MAX_WORKER_RSS_MIB:.0f} MiB",
                    f"{case.peak_rss_mib:.1f} MiB",
                    case.peak_rss_mib <= MAX_WORKER_RSS_MIB,
                )
            )
    for case in cases:
        if case.errors:
            found.append(Target(f"{case.name}: errors", "0", str(case.errors), False))
    return found


def targets_table(found: list[Target]) -> str:
    lines = [f"{'target':<52} {'wanted':<26} {'measured':<44} verdict"]
    for target in found:
        lines.append(
            f"{target.name:<52} {target.wanted:<26} {target.measured:<44} {target.verdict}"
        )
    return "\n".join(lines)


def micro_table(results: list[MicroResult]) -> str:
    lines = [f"{'in-process micro-benchmark':<44} {'µs/op':>10}  what"]
    for result in results:
        lines.append(f"{result.name:<44} {result.us_per_op:10.1f}  {result.detail}")
    return "\n".join(lines)

"""`make bench`: the skill under load against a baseline measured in the same run, then
in-process micro-benchmarks and where a turn's time goes.

    .venv/bin/python bench/run.py            # the full run (about 2 minutes)
    .venv/bin/python bench/run.py --quick    # a few seconds per part: checks that it works

Needs wrk (Debian: apt-get install -y wrk); run as root, this script installs it with apt-get
when it is missing, unless --no-install. Everything listens on 127.0.0.1 only, every loop is
bounded, and every process started here is stopped on the way out, Ctrl-C included.
See bench/README.md for what is measured and how.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import (
    CaseResult,
    LoadCase,
    LoadSettings,
    baseline_case,
    dynamodb_case,
    sqlite_case,
)
from loadgen import WrkMissing, ensure_wrk
from micro import MicroResult, run_micro
from profile_turn import format_stages, profile_stages
from report import load_table, micro_table, targets, targets_table
from service import BenchError

CASES = ("baseline", "sqlite", "dynamodb")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description="Foot Coach benchmarks (see bench/README.md)")
    parser.add_argument("--seconds", type=int, default=15, help="measured seconds per case")
    parser.add_argument("--rounds", type=int, default=3, help="runs the seconds are split into")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per case")
    parser.add_argument(
        "--connections", type=int, default=2 * cores, help="wrk connections (2 per core)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers, the same for every case"
    )
    parser.add_argument("--runners", type=int, default=50, help="simulated runners per connection")
    parser.add_argument(
        "--cases", default=",".join(CASES), help="comma-separated, from: " + ",".join(CASES)
    )
    parser.add_argument("--no-micro", action="store_true", help="skip the in-process parts")
    parser.add_argument("--quick", action="store_true", help="tiny run: checks the harness")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--no-install", action="store_true", help="never apt-get install wrk")
    args = parser.parse_args(argv)
    unknown = set(args.cases.split(",")) - set(CASES)
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    if args.quick:
        args.seconds, args.rounds, args.warmup, args.runners = 1, 1, 0, 5
    return args


def stop_on_signals() -> None:
    """SIGTERM unwinds like Ctrl-C, so every `finally` stops what it started; Ctrl-C does so
    even where the shell started this with SIGINT ignored (a background job)."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def run(args: argparse.Namespace) -> dict[str, Any]:
    wrk = ensure_wrk(install=not args.no_install)
    settings = LoadSettings(
        rounds=args.rounds,
        round_seconds=max(1, args.seconds // args.rounds),
        warmup_seconds=args.warmup,
        connections=args.connections,
        workers=args.workers,
        runners_per_connection=args.runners,
    )
    wanted = args.cases.split(",")
    cases: list[CaseResult] = []
    with tempfile.TemporaryDirectory(prefix="footcoach-bench-") as folder:
        log_path = Path(folder) / "gunicorn.log"
        with log_path.open("wb") as log:
            try:
                # The baseline and the skill on SQLite run side by side, in interleaved runs,
                # so that this machine's ups and downs fall on both alike.
                with ExitStack() as stack:
                    live: list[LoadCase] = []
                    if "baseline" in wanted:
                        progress("starting the baseline")
                        live.append(stack.enter_context(baseline_case(settings, wrk, log)))
                    if "sqlite" in wanted:
                        progress("starting the skill on SQLite")
                        live.append(
                            stack.enter_context(sqlite_case(settings, wrk, log, Path(folder)))
                        )
                    for case in interleaved(live, settings.rounds):
                        progress(f"driving {case.name} for {settings.round_seconds} s")
                        case.drive(settings.round_seconds)
                    cases.extend(case.result() for case in live)
                if "dynamodb" in wanted:
                    progress("starting the skill on DynamoDB (moto)")
                    with dynamodb_case(settings, wrk, log) as case:
                        for _ in range(settings.rounds):
                            progress(f"driving {case.name} for {settings.round_seconds} s")
                            case.drive(settings.round_seconds)
                        cases.append(case.result())
            except BenchError:
                log.flush()
                sys.stderr.write(log_path.read_text(errors="replace")[-3000:])
                raise
    print()
    print(load_table(settings, cases))

    micro: list[MicroResult] = []
    stages = None
    if not args.no_micro:
        progress("in-process micro-benchmarks")
        if args.quick:
            micro = run_micro(target_s=0.01, repeats=1, turns=50)
            stages = profile_stages(runner_count=2, rounds=1)
        else:
            micro = run_micro()
            progress("profiling the skill turn")
            stages = profile_stages()
        print()
        print(micro_table(micro))
        print()
        print(format_stages(stages))
    found = targets(cases, micro)
    print()
    print(targets_table(found))
    return {
        "settings": asdict(settings),
        "cases": [
            {
                **asdict(case),
                "load": case.load.summary(),
                "errors": case.errors,
                "reads_per_session_start": case.reads_per_session_start,
                "writes_per_turn": case.writes_per_turn,
            }
            for case in cases
        ],
        "micro": [asdict(result) for result in micro],
        "stages": asdict(stages) if stages else None,
        "targets": [{**asdict(target), "verdict": target.verdict} for target in found],
    }


def interleaved(cases: list[LoadCase], rounds: int) -> list[LoadCase]:
    """A, B, B, A, A, B...: each case goes first as often as last, so a trend in the
    machine's load over the run does not favour one of them."""
    order: list[LoadCase] = []
    for round_number in range(rounds):
        order.extend(cases if round_number % 2 == 0 else reversed(cases))
    return order


def progress(step: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {step}...", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_signals()
    started = time.monotonic()
    try:
        results = run(args)
    except WrkMissing as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; every server it started has been stopped", file=sys.stderr)
        return 130
    print(f"\n(whole run: {time.monotonic() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

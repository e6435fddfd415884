"""Where a skill turn's time goes: µs per stage, in process, through the real Flask app.

    .venv/bin/python bench/profile_turn.py [--turns N] [--cprofile]

The app is ``skill.app.create_app()`` on a SQLite file (signature checks off, as in the load
cases), called as gunicorn calls it (a WSGI environ), with the scripted runners of
bench/script.py. Stages are timed by wrapping the functions that bound them (on the objects
or modules of this process only; nothing under skill/ is edited), and each stage's own time is
its wrapper's time minus the stages inside it. ``--cprofile`` adds cProfile's view: own time
per area of code and the hottest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from script import BENCH_SKILL_ID, ScriptedRunner, fast_clock

# CPU time of this thread: the machine's other processes (2 cores, shared) add wall time to a
# turn but not CPU time, so the figures stay comparable from one run to the next.
clock = time.thread_time

COACH_COMMANDS = (
    "launch", "start", "next", "resume", "previous", "repeat", "skip_exercise", "start_over",
    "go_to", "change_pace", "pause", "stop", "yes", "no", "reps_left", "where_am_i",
    "time_left", "progress_report", "help",
)  # fmt: skip


@dataclass
class Stopwatch:
    """Accumulates the time spent inside the outermost call of whatever it wraps."""

    seconds: float = 0.0
    calls: int = 0
    depth: int = 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.depth:
                return function(*args, **kwargs)
            self.depth += 1
            started = clock()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += clock() - started
                self.calls += 1
                self.depth -= 1

        return timed


@dataclass
class StageReport:
    turns: int
    rounds: int
    plain_us_per_turn: float  # the same turns without any stopwatch
    baseline_us_per_turn: float  # bench/baseline_app.py, the same WSGI call
    stages: list[tuple[str, float]] = field(default_factory=list)  # (stage, µs per turn)
    reads: int = 0
    writes: int = 0


@contextmanager
def patched(target: Any, name: str, value: Any) -> Iterator[None]:
    if isinstance(target, type) and name not in target.__dict__:  # inherited: shadow it
        setattr(target, name, value)
        try:
            yield
        finally:
            delattr(target, name)
        return
    original = target.__dict__[name] if isinstance(target, type) else getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, original)


def build_app(folder: Path) -> Any:
    from skill.app import create_app

    os.environ["FOOTCOACH_LOG_LEVEL"] = "ERROR"  # no "signatures off" warning, no INFO per turn
    logging.getLogger().setLevel(logging.ERROR)
    return create_app(
        {
            "STORE_URL": f"sqlite:///{folder / 'profile.db'}",
            "VERIFY_SIGNATURES": False,
            "SKILL_ID": BENCH_SKILL_ID,
            "CLOCK": fast_clock(),  # every turn after the previous answer played out
        }
    )


def environ_for(body: bytes) -> dict[str, Any]:
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(
        path="/alexa", method="POST", data=body, content_type="application/json"
    )
    try:
        environ: dict[str, Any] = builder.get_environ()
    finally:
        builder.close()
    return environ


def run_turns(
    app: Any, runners: list[ScriptedRunner], turns: int, profiler: cProfile.Profile | None = None
) -> float:
    """Post ``turns`` scripted turns through the WSGI app; seconds spent inside the app (the
    only part ``profiler``, if given, sees: not building the requests or reading the answers)."""
    inside = 0.0
    status: list[str] = []

    def start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
        status.append(code)
        return lambda data: None

    for turn in range(turns):
        runner = runners[turn % len(runners)]
        environ = environ_for(runner.body())
        status.clear()
        if profiler:
            profiler.enable()
        started = clock()
        result = app(environ, start_response)
        payload = b"".join(result)
        getattr(result, "close", lambda: None)()
        inside += clock() - started
        if profiler:
            profiler.disable()
        if not status or not status[0].startswith("200"):
            raise RuntimeError(f"turn {turn} answered {status}: {payload[:300]!r}")
        runner.answered(json.loads(payload))
    return inside


def cycle_turns(folder: Path) -> int:
    """How many turns one runner takes to go through every session of the script once."""
    app = build_app(folder)
    runner = ScriptedRunner(0, tag="cycle")
    turns = 0
    while turns < 10_000:
        run_turns(app, [runner], 1)
        turns += 1
        if runner.session_index == 0 and runner.turn == 0:
            break
    app.extensions["footcoach"].store.close()
    return turns


def profile_stages(runner_count: int = 10, rounds: int = 8) -> StageReport:
    """Stage times per turn. Each round is one whole cycle of the script for each of
    ``runner_count`` runners (the same mix of turns every round); rounds alternate a plain and
    a timed run, and the fastest round of each is kept: this machine's noise only adds time."""
    with tempfile.TemporaryDirectory(prefix="footcoach-profile-") as folder:
        turns = cycle_turns(Path(folder) / "cycle") * runner_count
        plain_app = build_app(Path(folder) / "plain")
        timed_app = build_app(Path(folder) / "timed")
        plain_runners = [ScriptedRunner(index, tag="plain") for index in range(runner_count)]
        timed_runners = [ScriptedRunner(index, tag="timed") for index in range(runner_count)]
        run_turns(plain_app, plain_runners, min(200, turns))  # warm up
        with stopwatches(timed_app):
            run_turns(timed_app, timed_runners, min(200, turns))
        from baseline_app import app as baseline_app

        baseline_runners = [ScriptedRunner(index, tag="base") for index in range(runner_count)]
        best_baseline = float("inf")
        best_plain = float("inf")
        best: dict[str, float] | None = None
        store = timed_app.extensions["footcoach"].store
        reads, writes = store.reads, store.writes
        for _ in range(rounds):
            best_baseline = min(best_baseline, run_turns(baseline_app, baseline_runners, turns))
            best_plain = min(best_plain, run_turns(plain_app, plain_runners, turns))
            with stopwatches(timed_app) as watches:
                run_turns(timed_app, timed_runners, turns)
            seconds = {name: stopwatch.seconds for name, stopwatch in watches.items()}
            if best is None or seconds["total"] < best["total"]:
                best = seconds
        reads, writes = store.reads - reads, store.writes - writes
        for app in (plain_app, timed_app):
            app.extensions["footcoach"].store.close()
    assert best is not None
    s = {name: seconds / turns * 1e6 for name, seconds in best.items()}
    for name in ("run_skill", "invoke", "serialize", "jsonify", "load", "save", "state_json",
                 "engine", "ssml"):  # fmt: skip
        s.setdefault(name, 0.0)
    inside_invoke = s["load"] + s["save"] + s["state_json"] + s["engine"]
    stages = [
        ("Flask + werkzeug (routing, request/response objects)",
         s["total"] - s["verify"] - s["run_skill"] - s["jsonify"]),
        ("verification: JSON parse, timestamp, skill id", s["verify"]),
        ("envelope deserialisation (SkillRunner before invoke)",
         s["run_skill"] - s["invoke"] - s["serialize"]),
        ("ask-sdk dispatch: handler lookup, interceptors, builder", s["invoke"] - inside_invoke),
        ("engine (Coach), excluding SSML", s["engine"] - s["ssml"]),
        ("SSML rendering (cues_ssml, text_ssml)", s["ssml"]),
        ("runner state from/to JSON", s["state_json"]),
        ("store read (SQLite load)", s["load"]),
        ("store write (SQLite save)", s["save"]),
        ("ask-sdk response serialisation", s["serialize"]),
        ("JSON response (Flask jsonify)", s["jsonify"]),
        ("total per turn (with stopwatches)", s["total"]),
    ]  # fmt: skip
    return StageReport(
        turns=turns * rounds,
        rounds=rounds,
        plain_us_per_turn=best_plain / turns * 1e6,
        baseline_us_per_turn=best_baseline / turns * 1e6,
        stages=stages,
        reads=reads // rounds,
        writes=writes // rounds,
    )


@contextmanager
def stopwatches(app: Any) -> Iterator[dict[str, Stopwatch]]:
    """Wrap the functions that bound each stage of ``app``'s turn in stopwatches (those the
    app still has: the skill code may change under the benchmark)."""
    import skill.app as app_module
    import skill.routine.replies as replies_module
    from skill.routine.engine import Coach
    from skill.routine.state import RunnerState

    services = app.extensions["footcoach"]
    runner, store = services.run_skill, services.store
    watches: dict[str, Stopwatch] = {"total": Stopwatch(), "verify": Stopwatch()}
    with ExitStack() as stack:

        def watch(name: str, target: Any, attribute: str) -> None:
            if isinstance(target, type):  # the class's own or inherited (Coach's mixins)
                owner = next((k for k in target.__mro__ if attribute in k.__dict__), None)
                original = owner.__dict__[attribute] if owner is not None else None
            else:
                original = getattr(target, attribute, None)
            if original is None:
                return
            stopwatch = watches.setdefault(name, Stopwatch())
            if isinstance(original, staticmethod):
                wrapped: Any = staticmethod(stopwatch.wrap(original.__func__))
            else:
                wrapped = stopwatch.wrap(original)
            stack.enter_context(patched(target, attribute, wrapped))

        verify = watches["verify"].wrap(services.verifier.verify)
        stack.enter_context(patched(services, "verifier", SimpleNamespace(verify=verify)))
        watch("run_skill", services, "run_skill")
        watch("invoke", runner.skill, "invoke")
        watch("serialize", runner.serializer, "serialize")
        watch("jsonify", app_module, "jsonify")
        watch("load", store, "load")
        watch("save", store, "save")
        watch("state_json", RunnerState, "from_json")
        watch("state_json", RunnerState, "to_json")
        watch("state_json", RunnerState, "encode")
        for command in COACH_COMMANDS:
            watch("engine", Coach, command)
        for renderer in ("cues_ssml", "text_ssml"):
            watch("ssml", replies_module, renderer)
        stack.enter_context(patched(app, "wsgi_app", watches["total"].wrap(app.wsgi_app)))
        yield watches


def cprofile_turns(turns: int, runner_count: int = 50, top: int = 25) -> str:
    """cProfile over ``turns`` turns: own time per area of code, then the hottest functions."""
    with tempfile.TemporaryDirectory(prefix="footcoach-profile-") as folder:
        app = build_app(Path(folder))
        runners = [ScriptedRunner(index, tag="cprofile") for index in range(runner_count)]
        run_turns(app, runners, min(200, turns))
        profiler = cProfile.Profile()
        run_turns(app, runners, turns, profiler)
        app.extensions["footcoach"].store.close()
    stats = pstats.Stats(profiler)
    areas: dict[str, float] = {}
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in entries.items():
        areas[area_of(filename)] = areas.get(area_of(filename), 0.0) + own
    total = sum(areas.values())
    out = io.StringIO()
    out.write(f"cProfile, {turns} turns: own time per area (profiler overhead included)\n")
    for area, own in sorted(areas.items(), key=lambda item: -item[1]):
        out.write(f"  {own / turns * 1e6:8.1f} µs/turn  {own / total:6.1%}  {area}\n")
    out.write(f"\nhottest {top} functions by own time:\n")
    listing = io.StringIO()
    pstats.Stats(profiler, stream=listing).sort_stats("tottime").print_stats(top)
    text = listing.getvalue()
    out.write(text[text.find("   ncalls") :].rstrip() + "\n")
    return out.getvalue()


def area_of(filename: str) -> str:
    path = filename.replace("\\", "/")
    for marker, area in (
        ("/skill/routine/", "skill.routine (engine, plan, speech, state)"),
        ("/skill/alexa/", "skill.alexa (handlers, interceptors)"),
        ("/skill/storage/", "skill.storage"),
        ("/skill/web/", "skill.web (verification)"),
        ("/skill/app.py", "skill.app"),
        ("/ask_sdk_model/", "ask_sdk_model (request/response model classes)"),
        ("/ask_sdk_core/", "ask_sdk_core (serializer, dispatch)"),
        ("/ask_sdk_runtime/", "ask_sdk_runtime (dispatch)"),
        ("/flask/", "flask"),
        ("/werkzeug/", "werkzeug"),
        ("/json/", "json (stdlib)"),
        ("/dateutil/", "dateutil (ask-sdk timestamps)"),
    ):
        if marker in path:
            return area
    if "sqlite3" in path or "method 'execute' of 'sqlite3" in path:
        return "sqlite3"
    if path.startswith("~"):
        return "builtins (C functions)"
    return "other stdlib"


def format_stages(report: StageReport) -> str:
    lines = [
        f"Skill turn, in process (WSGI call, SQLite, signatures off), CPU time per stage: best "
        f"of {report.rounds} rounds of {report.turns // report.rounds} turns ({report.reads} "
        f"store reads, {report.writes} writes per round)",
        f"  {'stage':<58} {'µs/turn':>8} {'share':>6}",
    ]
    total = report.stages[-1][1]
    for name, us in report.stages[:-1]:
        lines.append(f"  {name:<58} {us:8.1f} {us / total:6.1%}")
    lines.append(f"  {report.stages[-1][0]:<58} {total:8.1f}")
    lines.append(f"  {'total per turn without stopwatches':<58} {report.plain_us_per_turn:8.1f}")
    lines.append(
        f"  {'for comparison: the baseline app, the same WSGI call':<58} "
        f"{report.baseline_us_per_turn:8.1f}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runners", type=int, default=10, help="runners per round")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--cprofile", action="store_true", help="add cProfile's view")
    args = parser.parse_args(argv)
    report = profile_stages(args.runners, args.rounds)
    print(format_stages(report))
    if args.cprofile:
        print()
        print(cprofile_turns(report.turns // args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())

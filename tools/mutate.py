"""`make mutate`: mutation testing of chosen modules with mutmut 3, outside CI.

    .venv/bin/python tools/mutate.py                           # the default modules
    .venv/bin/python tools/mutate.py skill/routine/plan.py     # one module (globs work)
    make mutate MODULES="skill/routine/plan.py skill/routine/state.py"

mutmut's settings are in pyproject.toml ([tool.mutmut]): which tests may run (a first, traced run
records which of them execute each function; a mutant then runs only those). Results are kept
in mutants/ between runs, so a second run only retests what changed; --fresh starts over.
Prints, per module, the mutants killed, survived, timed out and not covered, and the score:
killed (timeouts included) out of all mutants that were tested or had no test.
"""

from __future__ import annotations

import argparse
import glob
import json
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODULES = (
    "skill/routine/engine*.py",
    "skill/routine/questions.py",
    "skill/routine/replies.py",
    "skill/routine/run.py",
    "skill/routine/plan.py",
    "skill/routine/position.py",
    "skill/routine/wording.py",
    "skill/storage/records.py",
    "skill/routine/state.py",
)
# How mutmut 3 reads a mutant's exit code (mutmut.stats.status_by_exit_code, kept in step).
KILLED = {
    1: "killed",
    3: "killed",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "killed",
}
OTHER = {
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    None: "not checked",
    2: "interrupted",
    -11: "segfault",
    -9: "segfault",
}
SHOWN_SURVIVORS = 15


def mutmut_settings() -> dict[str, object]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    settings: dict[str, object] = data.get("tool", {}).get("mutmut", {})
    return settings


def module_files(patterns: list[str]) -> list[Path]:
    allowed = [str(p) for p in mutmut_settings().get("only_mutate", []) or ["*"]]  # type: ignore[attr-defined]
    files: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, root_dir=ROOT))
        if not matches:
            raise SystemExit(f"mutate: no module matches {pattern!r}")
        for match in matches:
            path = Path(match)
            if path.suffix != ".py" or path.parts[0] != "skill":
                raise SystemExit(f"mutate: {match} is not a module of the skill package")
            if not any(fnmatch(str(path), pattern) for pattern in allowed):
                raise SystemExit(
                    f"mutate: {match} is outside [tool.mutmut] only_mutate in "
                    f"pyproject.toml ({', '.join(allowed)}): add it there"
                )
            if path not in files:
                files.append(path)
    return files


def mutant_glob(path: Path) -> str:
    """mutmut names a mutant after its module: skill.routine.plan.x_compile_plan__mutmut_3."""
    return ".".join(path.with_suffix("").parts) + ".*"


def status(exit_code: int | None) -> str:
    return KILLED.get(exit_code) or OTHER.get(exit_code) or "suspicious"  # type: ignore[arg-type]


def results(path: Path) -> dict[str, int | None]:
    meta = ROOT / "mutants" / f"{path}.meta"
    if not meta.exists():
        return {}
    data = json.loads(meta.read_text("utf-8"))
    return dict(data.get("exit_code_by_key", {}))


def score(counts: Counter[str]) -> float | None:
    killed = counts["killed"] + counts["timeout"]
    judged = killed + counts["survived"] + counts["no tests"] + counts["suspicious"]
    return None if judged == 0 else 100.0 * killed / judged


def report(files: list[Path]) -> float | None:
    total: Counter[str] = Counter()
    survivors: list[str] = []
    print(
        f"\n{'module':<34} {'mutants':>7} {'killed':>7} {'survived':>8} {'timeout':>7} "
        f"{'no tests':>8} {'score':>6}"
    )
    for path in files:
        codes = results(path)
        counts = Counter(status(code) for code in codes.values())
        total.update(counts)
        survivors += sorted(name for name, code in codes.items() if status(code) == "survived")
        value = score(counts)
        shown = "-" if value is None else f"{value:.0f}%"
        print(
            f"{path!s:<34} {len(codes):>7} {counts['killed']:>7} {counts['survived']:>8} "
            f"{counts['timeout']:>7} {counts['no tests']:>8} {shown:>6}"
        )
    overall = score(total)
    print(
        f"{'total':<34} {sum(total.values()):>7} {total['killed']:>7} {total['survived']:>8} "
        f"{total['timeout']:>7} {total['no tests']:>8} "
        f"{'-' if overall is None else f'{overall:.0f}%':>6}"
    )
    if survivors:
        print(f"\nSurvivors ({len(survivors)}; `.venv/bin/mutmut show NAME` shows the change):")
        for name in survivors[:SHOWN_SURVIVORS]:
            print(f"  {name}")
        if len(survivors) > SHOWN_SURVIVORS:
            print(f"  ... and {len(survivors) - SHOWN_SURVIVORS} more (`.venv/bin/mutmut results`)")
    return overall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "modules",
        nargs="*",
        default=list(DEFAULT_MODULES),
        help="module paths or globs (default: %(default)s)",
    )
    parser.add_argument(
        "--max-children",
        type=int,
        default=2,
        help="mutants tested in parallel (default %(default)s)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="forget earlier results (delete mutants/) first"
    )
    parser.add_argument(
        "--min-score",
        type=float,
        default=None,
        help="exit 1 when the overall score is below this percentage",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="print the results of the last run without running mutmut",
    )
    args = parser.parse_args(argv)
    files = module_files(args.modules)
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or shutil.which("mutmut")
    if mutmut is None:
        print(
            "mutate: mutmut is not installed (make mutate installs it: pip install "
            "-e '.[mutation]')",
            file=sys.stderr,
        )
        return 2
    if args.fresh:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    if not args.report_only:
        command = [
            mutmut,
            "run",
            "--max-children",
            str(args.max_children),
            *(mutant_glob(path) for path in files),
        ]
        print("mutate:", " ".join(command[1:]), flush=True)
        finished = subprocess.run(command, cwd=ROOT, check=False)
        if finished.returncode != 0:
            print(f"mutate: mutmut exited with {finished.returncode}", file=sys.stderr)
    overall = report(files)
    if overall is None:
        print("mutate: no results (did mutmut run?)", file=sys.stderr)
        return 1
    if args.min_score is not None and overall < args.min_score:
        print(f"mutate: score {overall:.0f}% is below {args.min_score:g}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

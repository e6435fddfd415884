"""requirements.lock: the image's exact runtime dependencies, with hashes, from pyproject.toml.

    python infra/lock.py write     # (re)write the lock after changing [project] dependencies
    python infra/lock.py check     # CI: the lock agrees with pyproject.toml

`check` first compares the two files without a network: every runtime dependency of
pyproject.toml is pinned at a version its range allows, nothing else is listed as coming from
pyproject.toml, and every pin carries hashes. Then (unless --offline) it runs pip-compile over a
copy of the lock, which keeps every pin and adds or drops what the ranges now need, and fails
if a pin changed. Test and dev extras are not locked. `make lock` and `make lock-check` run
these two commands.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
FROM_PYPROJECT = "foot-coach (pyproject.toml)"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def runtime_requirements(pyproject_text: str) -> dict[str, Requirement]:
    project = tomllib.loads(pyproject_text)["project"]
    requirements = [Requirement(line) for line in project.get("dependencies", [])]
    return {canonicalize_name(req.name): req for req in requirements}


def parse_lock(lock_text: str) -> dict[str, tuple[str, int, set[str]]]:
    """name -> (version, number of hashes, what it is required by)."""
    entries: dict[str, tuple[str, int, set[str]]] = {}
    current: str | None = None
    in_via = False
    for line in lock_text.splitlines():
        stripped = line.strip()
        pin = _PIN.match(line)
        if pin:
            current = canonicalize_name(pin.group(1))
            entries[current] = (pin.group(2), 0, set())
            in_via = False
        elif current is None or not stripped:
            continue
        elif stripped.startswith("--hash="):
            version, hashes, via = entries[current]
            entries[current] = (version, hashes + 1, via)
        elif stripped.startswith("# via"):
            rest = stripped[len("# via") :].strip()
            in_via = not rest
            if rest:
                entries[current][2].add(rest)
        elif in_via and stripped.startswith("#"):
            entries[current][2].add(stripped.lstrip("#").strip())
    return entries


def offline_problems(pyproject_text: str, lock_text: str) -> list[str]:
    wanted = runtime_requirements(pyproject_text)
    locked = parse_lock(lock_text)
    problems: list[str] = []
    for name, requirement in sorted(wanted.items()):
        if name not in locked:
            problems.append(f"{requirement} is in pyproject.toml but not in requirements.lock")
            continue
        version = locked[name][0]
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"requirements.lock pins {name}=={version}, outside {requirement}")
    for name, (version, hashes, via) in sorted(locked.items()):
        if FROM_PYPROJECT in via and name not in wanted:
            problems.append(
                f"requirements.lock lists {name}=={version}, which pyproject.toml dropped"
            )
        if name in wanted and FROM_PYPROJECT not in via:
            problems.append(
                f"requirements.lock does not record {name} as coming from pyproject.toml"
            )
        if hashes == 0:
            problems.append(f"requirements.lock pins {name}=={version} without a hash")
    return problems


def pip_compile(output: Path) -> subprocess.CompletedProcess[str]:
    """pip-compile from PyPI alone (no machine-local pip configuration, indexes or wheels)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, CUSTOM_COMPILE_COMMAND="make lock")
    command = [
        sys.executable, "-m", "piptools", "compile", "--quiet", "--generate-hashes",
        "--strip-extras", "--no-emit-index-url", "--no-emit-find-links",
        "--output-file", str(output), PYPROJECT.name,
    ]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def check(offline: bool) -> int:
    problems = offline_problems(PYPROJECT.read_text("utf-8"), LOCK.read_text("utf-8"))
    for problem in problems:
        print(f"lock: {problem}", file=sys.stderr)
    if problems:
        print("lock: run `make lock` and commit requirements.lock", file=sys.stderr)
        return 1
    if offline:
        print("lock: requirements.lock agrees with pyproject.toml (offline check)")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "requirements.lock"
        shutil.copyfile(LOCK, copy)
        result = pip_compile(copy)
        if result.returncode != 0:
            print(f"lock: pip-compile failed:\n{result.stderr}", file=sys.stderr)
            return 1
        recompiled = copy.read_text("utf-8")
    # Pins, not bytes: a wheel uploaded later for a pinned version adds a hash upstream without
    # making the lock wrong.
    ours, theirs = _pins(LOCK.read_text("utf-8")), _pins(recompiled)
    if ours != theirs:
        diff = "".join(difflib.unified_diff(ours, theirs, "requirements.lock", "pip-compile"))
        print(f"lock: requirements.lock is out of date; run `make lock`:\n{diff}", file=sys.stderr)
        return 1
    print("lock: requirements.lock agrees with pyproject.toml (pip-compile changes no pin)")
    return 0


def _pins(lock_text: str) -> list[str]:
    return [
        f"{name}=={version}  # via {', '.join(sorted(via))}\n"
        for name, (version, _, via) in sorted(parse_lock(lock_text).items())
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="infra/lock.py", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["write", "check"])
    parser.add_argument("--offline", action="store_true", help="check: skip pip-compile")
    args = parser.parse_args(argv)
    if args.action == "check":
        return check(args.offline)
    result = pip_compile(LOCK)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())

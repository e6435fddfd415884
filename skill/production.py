"""Start-up checks for the production service, and the image's entrypoint.

With ``FOOTCOACH_ENV=production`` (the image sets it) the service refuses to start on the
embedded SQLite store: a file inside a container is lost with the container and is not shared
between replicas, so every restart would silently forget every runner's progress. A
single-node trial can allow it on purpose with ``FOOTCOACH_ALLOW_EMBEDDED_STORE=1``.

``python -m skill.production COMMAND [ARG...]`` checks the settings, then replaces itself with
COMMAND (the image's ``CMD``, gunicorn). A bad setting stops it with one line and exit code 2
instead of a traceback: gunicorn itself reads ``WEB_CONCURRENCY`` with ``int()`` when it is
imported, before any config file can check it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from skill.storage import StoreConfigError

__all__ = [
    "SettingsError",
    "embedded_store_problem",
    "is_production",
    "main",
    "positive_int",
    "require_durable_store",
    "startup_problems",
]

LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A setting in the environment has a value the service cannot run with."""


def is_production(environ: Mapping[str, str]) -> bool:
    return environ.get("FOOTCOACH_ENV", "").strip().lower() == "production"


def embedded_store_problem(environ: Mapping[str, str]) -> str | None:
    """Why these settings would run production on the embedded store, or None if they don't."""
    if not is_production(environ):
        return None
    if environ.get("FOOTCOACH_ALLOW_EMBEDDED_STORE", "").strip() == "1":
        return None
    url = environ.get("FOOTCOACH_STORE", "").strip()
    allow = "(FOOTCOACH_ALLOW_EMBEDDED_STORE=1 allows it for a single-node trial)"
    if not url:
        return (
            "FOOTCOACH_STORE is not set and FOOTCOACH_ENV=production: set "
            f"FOOTCOACH_STORE=dynamodb://TABLE; the embedded SQLite file would be lost {allow}"
        )
    if url.startswith("sqlite:"):
        return (
            f"FOOTCOACH_STORE={url} is the embedded SQLite store and FOOTCOACH_ENV=production: "
            f"use dynamodb://TABLE; a file in the container would be lost {allow}"
        )
    return None


def require_durable_store(environ: Mapping[str, str]) -> None:
    """Raise StoreConfigError (one line) when production would run on the embedded store."""
    problem = embedded_store_problem(environ)
    if problem:
        raise StoreConfigError(problem)


def positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, got {value}")
    return value


def _choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...]) -> None:
    raw = environ.get(name, "").strip()
    if raw and raw.upper() not in {choice.upper() for choice in choices}:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")


def startup_problems(environ: Mapping[str, str]) -> list[str]:
    """Every setting the service would fail on, one line each (empty: all good)."""
    problems: list[str] = []
    checks = (
        lambda: positive_int(environ, "PORT", 8080),
        lambda: positive_int(environ, "WEB_CONCURRENCY", 2),
        lambda: _choice(environ, "FOOTCOACH_LOG_FORMAT", LOG_FORMATS),
        lambda: _choice(environ, "FOOTCOACH_LOG_LEVEL", LOG_LEVELS),
    )
    for check in checks:
        try:
            check()
        except SettingsError as error:
            problems.append(str(error))
    store = embedded_store_problem(environ)
    if store:
        problems.append(store)
    return problems


def main(argv: list[str] | None = None) -> int:
    command = sys.argv[1:] if argv is None else argv
    problems = startup_problems(os.environ)
    for problem in problems:
        print(f"footcoach: {problem}", file=sys.stderr)
    if problems:
        return 2
    if not command:
        print("usage: python -m skill.production COMMAND [ARG...]", file=sys.stderr)
        return 2
    try:
        os.execvp(command[0], command)  # replaces this process: gunicorn gets PID 1's signals
    except OSError as error:
        print(f"footcoach: cannot run {command[0]!r}: {error.strerror}", file=sys.stderr)
    return 127


if __name__ == "__main__":
    raise SystemExit(main())

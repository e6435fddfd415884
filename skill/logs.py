"""Logging set-up: plain text lines (the default) or one JSON object per line.

``FOOTCOACH_LOG_FORMAT=json`` writes each record as one JSON object with the fields ``time``
(UTC, ISO 8601), ``level``, ``logger``, ``message`` and, for an error with a traceback,
``exception``. JSON escapes line breaks, so one event is always one line, and log services
(CloudWatch Logs metric filters, for one) can match fields instead of text.
``FOOTCOACH_LOG_LEVEL`` sets the level (default INFO).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def wants_json(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("FOOTCOACH_LOG_FORMAT", "").strip().lower() == "json"


def log_level(environ: Mapping[str, str] = os.environ) -> str:
    return environ.get("FOOTCOACH_LOG_LEVEL", "").strip().upper() or "INFO"


def configure_logging(environ: Mapping[str, str] = os.environ) -> None:
    """Give the root logger one handler on stderr, unless something (gunicorn's logconfig_dict,
    a test harness) has already configured it."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if wants_json(environ) else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(log_level(environ))


def gunicorn_logconfig(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """gunicorn's ``logconfig_dict`` for JSON lines: its error log and the application's records
    on stderr, its access log on stdout, all through JsonFormatter."""

    def stream(name: str) -> dict[str, str]:
        return {"class": "logging.StreamHandler", "formatter": "json", "stream": name}

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "json_stderr": stream("ext://sys.stderr"),
            "json_stdout": stream("ext://sys.stdout"),
        },
        "root": {"level": log_level(environ), "handlers": ["json_stderr"]},
        "loggers": {
            "gunicorn.error": {
                "level": environ.get("GUNICORN_LOG_LEVEL", "").strip().upper() or "INFO",
                "handlers": ["json_stderr"],
                "propagate": False,
            },
            "gunicorn.access": {"level": "INFO", "handlers": ["json_stdout"], "propagate": False},
        },
    }

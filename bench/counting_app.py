"""The skill as production builds it, plus GET /bench/counters for the benchmark to read.

    gunicorn -c infra/gunicorn.conf.py --bind 127.0.0.1:PORT --pythonpath bench counting_app:app

``app`` is ``skill.app.create_app()`` (configured from the environment, built in each worker
after the fork, as with ``'skill.app:create_app()'``), on the bench's fast clock. This worker
counts, from the outside of the skill's code:
- the turns it was posted, and how many of them open a session (``"new":true``);
- its store's own ``reads``/``writes`` counters, and the time spent in ``load``/``save``;
- the ERROR records logged (a turn that failed inside the skill still answers 200).
GET /bench/counters answers them with the worker's pid. POST /alexa is otherwise untouched.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from flask import Response, jsonify, request
from script import fast_clock

from skill.app import create_app

SLOW_STORE_CALL_S = 0.005


@dataclass
class Timing:
    calls: int = 0
    seconds: float = 0.0
    max_seconds: float = 0.0
    slow: int = 0  # calls over SLOW_STORE_CALL_S


class Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.turns = 0
        self.session_starts = 0
        self.errors_logged = 0
        self.store = {"load": Timing(), "save": Timing()}

    def timed(self, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        timing = self.store[name]

        def timed_call(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                with self.lock:
                    timing.calls += 1
                    timing.seconds += elapsed
                    timing.max_seconds = max(timing.max_seconds, elapsed)
                    timing.slow += elapsed > SLOW_STORE_CALL_S

        return timed_call


class ErrorCounter(logging.Handler):
    def __init__(self, counters: Counters) -> None:
        super().__init__(level=logging.ERROR)
        self.counters = counters

    def emit(self, record: logging.LogRecord) -> None:
        with self.counters.lock:
            self.counters.errors_logged += 1


class TurnCounter:
    """WSGI middleware: counts POST /alexa and the session starts among them."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], counters: Counters) -> None:
        self.wsgi_app = wsgi_app
        self.counters = counters

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == "/alexa":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            with self.counters.lock:
                self.counters.turns += 1
                self.counters.session_starts += b'"new":true' in body
        return self.wsgi_app(environ, start_response)


# The coach's clock runs fast (script.fast_clock): each runner's turn comes after the previous
# answer has played out, as a runner waiting for the coach would speak (bench/README.md).
app = create_app({"CLOCK": fast_clock()})
counters = Counters()
_store = app.extensions["footcoach"].store
_store.load = counters.timed("load", _store.load)
_store.save = counters.timed("save", _store.save)
logging.getLogger().addHandler(ErrorCounter(counters))
app.wsgi_app = TurnCounter(app.wsgi_app, counters)  # type: ignore[method-assign]


@app.get("/bench/counters")
def bench_counters() -> Response:
    """This worker's counters; with ?reset_max=1 the store calls' maxima start again."""
    with counters.lock:
        answer = jsonify(
            pid=os.getpid(),
            turns=counters.turns,
            session_starts=counters.session_starts,
            reads=int(getattr(_store, "reads", -1)),
            writes=int(getattr(_store, "writes", -1)),
            errors_logged=counters.errors_logged,
            store={name: asdict(timing) for name, timing in counters.store.items()},
        )
        if request.args.get("reset_max") == "1":
            for timing in counters.store.values():
                timing.max_seconds = 0.0
        return answer

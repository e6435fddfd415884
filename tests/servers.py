"""Real servers for the tests: the Flask app in a thread, or `footcoach serve` as a process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alexa_client import get
from flask import Flask
from werkzeug.serving import make_server

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_in_thread(app: Flask) -> Iterator[str]:
    """The app on a real loopback socket (threaded werkzeug server); yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class FileClock:
    """A fake clock another process can read (tests/fast_clock_serve.py): epoch seconds kept
    in a file, moved on only by the test."""

    def __init__(self, path: Path, start: float | None = None) -> None:
        self.path = path
        self.now = time.time() if start is None else start
        self._write()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError(f"the clock only moves forward, not by {seconds!r} s")
        self.now += seconds
        self._write()
        return self.now

    def _write(self) -> None:
        partial = self.path.with_suffix(".partial")
        partial.write_text(repr(self.now))
        os.replace(partial, self.path)  # a reader never sees a half-written number


class ServiceProcess:
    """`python -m skill.cli serve` in its own process, restartable and killable."""

    def __init__(
        self,
        env: dict[str, str],
        port: int | None = None,
        *,
        fast_clock: bool = False,
        clock: FileClock | None = None,
    ) -> None:
        """With ``fast_clock``, the service is tests/fast_clock_serve.py: the same CLI, its
        coach on bench/script.fast_clock from a base fixed here for every (re)start; with
        ``clock``, the coach reads that FileClock, which the test moves on."""
        self.port = port or free_port()
        self.command = ["-m", "skill.cli"]
        if fast_clock or clock is not None:
            self.command = [str(Path(__file__).resolve().parent / "fast_clock_serve.py")]
            env = {"FOOTCOACH_BENCH_CLOCK_BASE": repr(time.time()), **env}
        if clock is not None:
            env = {"FOOTCOACH_TEST_CLOCK_FILE": str(clock.path), **env}
        self.env = {**os.environ, **env}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = PROJECT_ROOT / ".pytest_cache" / f"serve-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> None:
        self.log.parent.mkdir(exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, *self.command, "serve", "--port", str(self.port)],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"service exited early: {self.log.read_text()[-2000:]}")
            try:
                if get(self.url + "/healthz", timeout=1).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"service did not answer in {timeout} s")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)

    def __enter__(self) -> ServiceProcess:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.kill(signal.SIGTERM)

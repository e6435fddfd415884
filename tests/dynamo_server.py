"""A DynamoDB-protocol server on loopback for tests and benchmarks: moto's server mode.

    with start_dynamodb_server() as endpoint:   # "http://127.0.0.1:PORT"
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint

It runs in a subprocess, so moto's imports and warnings stay out of the test process. It is
moto's own server application (what ``python -m moto.server`` runs) with one change: requests
are handled one at a time. moto checks a PutItem's ConditionExpression and then writes in two
unlocked steps, so two concurrent conditional writes on one item can both succeed (seen in the
many-writers test: two PutItems conditional on the same version both "won"). DynamoDB applies
each conditional write atomically; served one request at a time, moto does too.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

SERVER_NAME = "moto server (one request at a time)"
START_TIMEOUT_S = 30.0

_LAUNCHER = """
import signal, sys, threading
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication, MotoRequestHandler, create_backend_app,
)
from werkzeug.serving import run_simple

moto_app = DomainDispatcherApplication(create_backend_app)
one_at_a_time = threading.Lock()

def serialised_app(environ, start_response):
    with one_at_a_time:
        return list(moto_app(environ, start_response))

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
run_simple(sys.argv[1], int(sys.argv[2]), serialised_app, threaded=True,
           request_handler=MotoRequestHandler)
"""


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def start_dynamodb_server(port: int | None = None, data: Path | None = None) -> Iterator[str]:
    """Start the server on 127.0.0.1, yield its endpoint URL once it answers, then stop it.

    With ``data`` (a file), the server keeps its data across restarts: every request it
    serves is appended there (moto's recorder), and a server started on a file that holds
    requests first replays them, so it holds what the last one held when it stopped.
    """
    port = port or free_loopback_port()
    environment = dict(os.environ)
    if data is not None:
        environment |= {"MOTO_ENABLE_RECORDING": "true", "MOTO_RECORDER_FILEPATH": str(data)}
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, "127.0.0.1", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
        )
        try:
            _wait_until_answering(server, port, log)
            if data is not None and data.exists():
                _replay(port, data)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _replay(port: int, data: Path) -> None:
    """Send the requests recorded in ``data`` again, in order, without recording them twice.
    (moto's own replay endpoint would call this server from inside a request, which the
    one-request-at-a-time lock does not allow.)"""
    _post(port, "/moto-api/recorder/stop-recording")
    for line in data.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        body = entry.get("body") or ""
        payload = base64.b64decode(body) if entry.get("body_encoded") else body.encode()
        target = urlsplit(entry["url"])
        path = target.path + (f"?{target.query}" if target.query else "")
        headers = {k: v for k, v in entry["headers"].items() if k.lower() != "transfer-encoding"}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request(entry["method"], path, body=payload, headers=headers)
            connection.getresponse().read()
        finally:
            connection.close()
    _post(port, "/moto-api/recorder/start-recording")


def _post(port: int, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", path)
        connection.getresponse().read()
    finally:
        connection.close()


def _wait_until_answering(server: subprocess.Popen[bytes], port: int, log: IO[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{SERVER_NAME} exited with {server.returncode}: {_tail(log)}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            connection.request("GET", "/moto-api/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
        finally:
            connection.close()
    raise RuntimeError(f"{SERVER_NAME} did not answer on port {port} in {START_TIMEOUT_S} s")


def _tail(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read()[-2000:].decode("utf-8", "replace")

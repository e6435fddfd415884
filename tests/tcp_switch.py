"""A loopback TCP relay that can be switched off: a real network failure between the skill and
its store, without stopping (and so emptying) the store itself."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class TcpSwitch:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.on = True
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def switch_off(self) -> None:
        """Refuse new connections and cut the open ones."""
        self.on = False
        with self._lock:
            for sock in self._open:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def switch_on(self) -> None:
        self.on = True

    def close(self) -> None:
        self.switch_off()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.on:
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while self.on and (data := source.recv(65536)):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with suppress(OSError):
                    sock.close()
                with self._lock:
                    self._open.discard(sock)


@contextmanager
def tcp_switch(endpoint: str) -> Iterator[TcpSwitch]:
    """A switch in front of ``http://host:port``; yields it (its URL is http://127.0.0.1:PORT)."""
    host_port = endpoint.split("://", 1)[-1].rstrip("/")
    host, _, port = host_port.rpartition(":")
    switch = TcpSwitch(host, int(port))
    try:
        yield switch
    finally:
        switch.close()

"""A TCP relay on loopback to a server, which a test can cut: its listening socket and every
connection it relays closed at once, as a network that drops a client would."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


class TcpRelay:
    """Relays each connection made to ``address`` (``host:port`` on loopback) to ``target``
    (``host:port``), both ways, until :meth:`cut`."""

    def __init__(self, target: str) -> None:
        host, _, port = target.rpartition(":")
        self.target = (host, int(port))
        self.listening = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listening.getsockname()[1]}"
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                near, _ = self.listening.accept()
                far = socket.create_connection(self.target)
            except OSError:  # cut
                return
            with self.lock:
                self.open += [near, far]
            for source, sink in ((near, far), (far, near)):
                threading.Thread(target=self._pass, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pass(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def cut(self) -> None:
        """Refuse new connections and close those relayed."""
        self.listening.close()
        with self.lock:
            for side in self.open:
                with contextlib.suppress(OSError):
                    side.shutdown(socket.SHUT_RDWR)
                side.close()


@contextlib.contextmanager
def relayed(target: str) -> Iterator[TcpRelay]:
    """A :class:`TcpRelay` to ``target`` for the ``with`` block, cut on leaving."""
    relay = TcpRelay(target)
    try:
        yield relay
    finally:
        relay.cut()

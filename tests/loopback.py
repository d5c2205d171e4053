"""Small loopback helpers for tests: a port nothing listens on, a server that drips, a port
that takes connections and never answers (:class:`Trap`: a request there hangs, and nothing
reaching it is missed), one that closes each at once (:class:`Dropper`: a request there
fails at once), a page server (:class:`Pages`), a base for servers that answer as a test
scripts it (:class:`Answering`) and an HTTP server quiet when a client hangs up
(:class:`LoopbackServer`: the one tests serve HTTP with, Drip's, Pages', the arXiv replay
server's, the store proxy's and the test modules' own)."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HUNG_UP = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class LoopbackServer(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 (an ephemeral port) for which a client that hangs up
    is a normal end, said nothing of: a misbehaving server's client often does (one that leaves
    a body past its cap unread resets the connection). Any other error of a handler still
    prints its traceback. ``closed`` counts the connections it has ended. Before, a reset that
    reached socketserver's ``handle_error`` (a kept-alive connection's, as the handler read the
    next request) printed a ConnectionResetError traceback among passing tests
    (test_http_cut_short's gzip answer over the cap)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.closed = 0
        self._counting = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], HUNG_UP):
            super().handle_error(request, client_address)

    def close_request(self, request: Any) -> None:
        super().close_request(request)
        with self._counting:
            self.closed += 1


def free_port() -> int:
    """A loopback port nothing listens on (free when asked; a request there is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Drip:
    """An HTTP/1.0 server (the answer closes its connection) that sends ``body`` one byte every
    ``every`` seconds, with its full Content-Length; ``asked`` is set at the first request."""

    def __init__(self, body: bytes, every: float) -> None:
        self.asked = threading.Event()
        drip = self

        class Handler(BaseHTTPRequestHandler):  # protocol_version "HTTP/1.0"
            def do_GET(self) -> None:
                drip.asked.set()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(every)
                except OSError:
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = LoopbackServer(Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/profile.txt"

    def stop(self) -> None:
        self.server.shutdown()


class Pages:
    """An HTTP server answering every GET and POST with ``page(path)``'s (Content-Type, body)
    and ``status``; the paths asked, as they came, are in ``paths``. A context manager (closed
    on leaving)."""

    def __init__(self, page: Callable[[str], tuple[str, bytes]], status: int = 200) -> None:
        self.paths: list[str] = []
        seen = self.paths

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.do_GET()

            def do_GET(self) -> None:
                seen.append(self.path)
                content_type, body = page(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = LoopbackServer(Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Pages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stop_listening(sock: socket.socket, acceptor: threading.Thread) -> None:
    """Close a listening ``sock`` whose ``acceptor`` thread blocks in ``accept()``: shut down
    first (the blocked accept returns), wait for the thread, then close. Closing alone leaves
    the thread in the call, and one about to enter it may take its file number once a later
    server reuses it (a connection meant for that server answered by this one)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    acceptor.join(timeout=30)
    sock.close()


class Trap:
    """A loopback port that listens and never answers. :meth:`connections` counts every
    connection made to it so far: each waits in the listen backlog until counted, so none is
    missed and the count needs no waiting."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.setblocking(False)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.seen = 0

    def connections(self) -> int:
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return self.seen
            conn.close()
            self.seen += 1

    def close(self) -> None:
        self.sock.close()


class Dropper:
    """A loopback TCP server that accepts every connection and closes it at once; ``accepted``
    counts them (each before it is closed, so before its client sees the close)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        stop_listening(self.sock, self.thread)


class Answering:
    """A loopback TCP server handing each connection to :meth:`answer` in a thread of its own
    (closed after it; a client gone mid-answer is no error). A subclass that sets ``keeps``
    keeps each connection open after :meth:`answer` (one it never answers hangs its client)
    until :meth:`close`."""

    keeps = False

    def __init__(self) -> None:
        self.kept: list[socket.socket] = []  # with ``keeps``: every connection taken
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.keeps:
                self.kept.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            try:
                self.answer(conn)
            finally:
                if not self.keeps:
                    conn.close()

    def answer(self, conn: socket.socket) -> None:
        """Read the request from ``conn`` and answer it."""
        raise NotImplementedError

    def close(self) -> None:
        stop_listening(self.sock, self.acceptor)
        for conn in self.kept:
            conn.close()


class Scripted(Answering):
    """Answers every request with ``content_type`` and ``body`` (``status``: its status line's
    code and reason)."""

    def __init__(self, content_type: str, body: bytes, status: str = "200 OK") -> None:
        super().__init__()
        self.content_type, self.body, self.status = content_type, body, status

    def answer(self, conn: socket.socket) -> None:
        read_request(conn)
        head = (
            f"HTTP/1.1 {self.status}\r\nContent-Type: {self.content_type}\r\n"
            f"Content-Length: {len(self.body)}\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode("ascii") + self.body)


def read_request(conn: socket.socket) -> None:
    """Read one request whole (closing with part of it unread would reset the connection)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        body += chunk

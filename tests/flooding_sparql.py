"""A loopback SPARQL server that answers every request with more than anyone asked for
(:class:`Flood`): shared by test_store_answer_cap.py and test_serve_store_settings.py."""

from __future__ import annotations

import json
import socket

from loopback import Answering, read_request

ROWS = {"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}  # no graph, for any read
ANSWER = json.dumps(ROWS).encode() + b" " * 4000
MIB = 1024 * 1024


class Flood(Answering):
    """A loopback SPARQL server answering every request with ``ANSWER`` (``padding`` bytes of
    spaces after it, chunked, no length declared; ``declared``: with its Content-Length)."""

    def __init__(self, padding: int = 0, *, declared: bool = False) -> None:
        self.padding = padding
        self.declared = declared
        self.sent = 0
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        read_request(conn)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        if self.declared:
            size = len(ANSWER) + self.padding
            conn.sendall(head + b"Content-Length: %d\r\n\r\n" % size + ANSWER)
            return  # the body is never sent: a declared size over the cap is enough
        conn.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
        self._chunk(conn, ANSWER)
        left = self.padding
        while left > 0:
            piece = min(left, 64 * 1024)
            self._chunk(conn, b" " * piece)
            left -= piece
        conn.sendall(b"0\r\n\r\n")

    def _chunk(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(b"%x\r\n" % len(data) + data + b"\r\n")
        self.sent += len(data)

"""A request refused while its client is still sending it is answered, and the connection
ends cleanly: what the client still sends is read and dropped, the server's side ended after
the answer (scholarkg.serve.lingering_end). Raw sockets against a real server."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from isolated_serving import address_of, answered
from scholarkg.config import ServeSettings
from serve_helpers import running_server

pytestmark = pytest.mark.server


def _sent_whole(server_address: tuple[str, int], request: bytes) -> bytes:
    """Send ``request`` (the server may refuse it before it is all sent) and read the answer to
    its end; a reset (the server closing on bytes it had not read) fails."""
    with socket.create_connection(server_address, timeout=60) as sock:
        sock.sendall(request)  # a reset here fails too: the server stopped reading
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /sparql?query=" + b"%20" * 400_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
        (
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n200000\r\n" + b" " * 0x200000 + b"\r\n0\r\n\r\n",
            b"413",
        ),
        (b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n" + b"x" * 2_000_000, b"400"),
    ],
    ids=["long-line-414", "large-chunk-413", "unparsable-400"],
)
def test_a_refused_request_still_being_sent_reads_its_answer_and_a_clean_end(
    tmp_path: Path, request_bytes: bytes, status: bytes
) -> None:
    """A request refused while its client is still sending it (a request line of 1.2 MB, a
    chunk announcing 2 MiB) is answered, what the client still sends read and dropped, and the
    connection ended cleanly (before: closed on the unread bytes, which resets it: a reset can
    erase the answer before the client reads it, RFC 9112 9.6)."""
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        answer = _sent_whole(address_of(server), request_bytes)
        assert answer.startswith(b"HTTP/1.1 " + status), answer[:200]
        assert answered(server.url)


@pytest.mark.parametrize(
    "request_head",
    [
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 99999999\r\n\r\nASK {}",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Expect: 100-continue\r\nContent-Length: 99999999\r\n\r\n",
    ],
    ids=["body-begun", "expect-100-continue"],
)
def test_an_answer_sent_before_its_body_came_ends_the_connection(
    tmp_path: Path, request_head: bytes
) -> None:
    """A request answered before its body came whole (413 on its ``Content-Length``, its client
    waiting for ``100 Continue`` or still sending) has its connection ended after the answer,
    cleanly, though the client keeps its side open (before: kept open, the body awaited until
    ``request_timeout``, here 600 s)."""
    settings = ServeSettings(workers=1, refresh_interval=0.2, request_timeout=600, keep_alive=600)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        with socket.create_connection(address_of(server), timeout=60) as sock:
            sock.sendall(request_head)  # and nothing more, the socket left open
            answer = b""
            while chunk := sock.recv(65536):  # until the server ends (a hang fails at 60 s)
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
        assert answer.endswith(b"\r\n\r\nrequest body larger than 1048576 bytes\n"), answer
        assert answered(server.url)

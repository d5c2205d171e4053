"""A chunked request body is read in at most ``MAX_BODY_CHUNKS`` chunks: past that it is
answered 413 in one line and its connection closed, the rest never parsed. h11 spends ~20 µs of
the event loop's one thread on each chunk, whatever its size: a body of one-byte chunks (6 MB
on the wire, well under ``max_body_bytes`` of payload) held every other client of the server
for ~10 s. Raw sockets against a real server."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator

import pytest

from isolated_serving import address_of, answered
from polls import until
from scholarkg.config import ServeSettings
from scholarkg.serve import ServerHandle
from scholarkg.serve.body_chunks import MAX_BODY_CHUNKS
from serve_helpers import running_server

pytestmark = pytest.mark.server

HEAD = (
    b"POST /sparql?%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    b"Accept: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\n\r\n"
)
REFUSAL = (
    f"request body in more than {MAX_BODY_CHUNKS} chunks: send it in fewer, larger ones\n"
).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    with running_server(tmp_path_factory.mktemp("chunks") / "s", settings=settings) as (s, _):
        yield s


def _chunked(query: bytes, chunks: int) -> bytes:
    """``query`` after spaces, in ``chunks`` chunks: one byte each, the query the last."""
    return b"1\r\n \r\n" * (chunks - 1) + b"%x\r\n%s\r\n0\r\n\r\n" % (len(query), query)


def _answer(server: ServerHandle, data: bytes) -> tuple[bytes, bytes]:
    with socket.create_connection(address_of(server), timeout=60) as sock:
        with contextlib.suppress(ConnectionResetError):  # closed before all was sent
            sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):  # until the server closes (a hang fails at 60 s)
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return head, body


def test_a_body_in_as_many_chunks_as_allowed_is_read(server: ServerHandle) -> None:
    head, body = _answer(server, HEAD % b"most" + _chunked(b"ASK {}", MAX_BODY_CHUNKS))
    assert head.startswith(b"HTTP/1.1 200 "), head
    assert body == b'{"head":{},"boolean":true}', body


def test_a_body_in_more_chunks_is_refused_in_one_line(
    server: ServerHandle, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        head, body = _answer(server, HEAD % b"many" + _chunked(b"ASK {}", 5 * MAX_BODY_CHUNKS))
        assert head.split(b"\r\n")[0] == b"HTTP/1.1 413 Request Entity Too Large", head
        assert b"connection: close" in head.lower() and body == REFUSAL, body

        def logged() -> list[str]:
            return [
                r.getMessage()
                for r in caplog.records
                if r.name == "scholarkg.serve.access" and "POST /sparql?many" in r.getMessage()
            ]

        until(lambda: len(logged()) == 1, "the refused request was not logged")
    assert f'"POST /sparql?many" 413 {len(REFUSAL)} ' in logged()[0], logged()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert answered(server.url)


def test_a_pipelined_body_in_more_chunks_is_refused_at_once(server: ServerHandle) -> None:
    """A request sent right behind another on one connection, its body past the chunks: the
    first answered, the second 413 once the first is done (before: parsed while the first's
    answer completed, where nothing looked at the count: 408 at the request timeout)."""
    first = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"
    head, body = _answer(
        server, first + HEAD % b"behind" + _chunked(b"ASK {}", 2 * MAX_BODY_CHUNKS)
    )
    assert head.startswith(b"HTTP/1.1 200 "), head
    second = body.partition(b"HTTP/1.1 ")[2]
    assert second.startswith(b"413 Request Entity Too Large"), body
    assert second.endswith(REFUSAL), body


@pytest.mark.parametrize(
    "sent",
    [b"200000\r\nASK {}", b"200000\r\n", b"6\r\nASK {}\r\nfffff\r\n "],
    ids=["chunk-begun", "size-line-only", "second-chunk"],
)
def test_a_chunk_announcing_more_than_max_body_bytes_is_refused_at_once(
    server: ServerHandle, sent: bytes
) -> None:
    """A chunk-size line whose size (with the body before it) passes ``max_body_bytes`` is
    answered 413 as soon as it is read, the connection closed, though the client keeps its side
    open and sends nothing more (before: the route waited for the body until
    ``request_timeout``, then 408)."""
    limit = server.kg.settings.max_body_bytes
    assert limit < 0x200000 and 6 + 0xFFFFF > limit >= 0xFFFFF  # the second: with the first
    with socket.create_connection(address_of(server), timeout=60) as sock:
        sock.sendall(HEAD % b"huge" + sent)  # and nothing more, the socket left open
        answer = b""
        while chunk := sock.recv(65536):  # until the server closes (a hang fails at 60 s)
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 413 Request Entity Too Large", answer
    assert body == f"request body larger than {limit} bytes\n".encode(), body
    assert answered(server.url)

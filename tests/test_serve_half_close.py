"""A client that ends its side of the connection: ``shutdown(SHUT_WR)`` after a body shorter
than its ``Content-Length`` reads a 408 (before: the route's 408 was logged, with its bytes,
and the connection closed with nothing sent); after a whole request it reads its answer, after
an interim ``100 Continue`` when the server read the end first (before: closed unanswered);
one that closes its socket while its query runs has the query stopped and is logged 499 with
no byte sent. Raw sockets against a real server; waits are bounds of minutes that only stop a
hang."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from isolated_serving import address_of
from polls import until
from scholarkg.config import ServeSettings
from scholarkg.serve import ServerHandle
from serve_helpers import running_server
from served_queries import slow

pytestmark = pytest.mark.server

HEAD = b"POST /sparql?%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
ENDED = b"request body incomplete: the client ended its side of the connection first\n"


@pytest.fixture
def server(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[ServerHandle]:
    settings = ServeSettings(workers=1, time_limit=600, request_timeout=600, refresh_interval=0.2)
    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "s", settings=settings) as (
            handle,
            _,
        ),
    ):
        assert handle.kg.warmed.wait(300)  # no warm-up query runs beside the tests'
        yield handle


def _half_closed(server: ServerHandle, data: bytes) -> bytes:
    """What a client reads that sends ``data`` and then ends its side (until the server closes;
    a server that never does fails at the socket's timeout)."""
    with socket.create_connection(address_of(server), timeout=300) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def _after_probe(answer: bytes) -> bytes:
    """``answer`` past the interim ``100 Continue`` the server probes a half-closed client with
    when it reads the end before answering (on a busy machine it can answer first)."""
    interim = b"HTTP/1.1 100 Continue\r\n\r\n"
    return answer[len(interim) :] if answer.startswith(interim) else answer


def _access(caplog: pytest.LogCaptureFixture, marker: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "scholarkg.serve.access" and marker in r.getMessage()
    ]


def test_a_short_body_then_half_close_reads_408(
    server: ServerHandle, caplog: pytest.LogCaptureFixture
) -> None:
    answer = _half_closed(server, HEAD % b"short" + b"Content-Length: 100\r\n\r\nASK")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 408 Request Timeout", answer
    assert b"connection: close" in head.lower() and body == ENDED, answer
    until(lambda: len(_access(caplog, "?short")) == 1, "the 408 was not logged")
    assert f'"POST /sparql?short" 408 {len(ENDED)} ' in _access(caplog, "?short")[0]


def test_a_whole_request_then_half_close_is_answered(
    server: ServerHandle, caplog: pytest.LogCaptureFixture
) -> None:
    answer = _half_closed(server, HEAD % b"whole" + b"Content-Length: 6\r\n\r\nASK {}")
    head, _, body = _after_probe(answer).partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 200 OK", answer
    assert b'"boolean":true' in body.replace(b" ", b""), answer
    until(lambda: len(_access(caplog, "?whole")) == 1, "the answer was not logged")
    assert f'"POST /sparql?whole" 200 {len(body)} ' in _access(caplog, "?whole")[0]


def test_a_get_then_half_close_is_answered_too(
    server: ServerHandle, caplog: pytest.LogCaptureFixture
) -> None:
    query = urlencode({"query": "ASK {}"}).encode()
    answer = _half_closed(server, b"GET /sparql?" + query + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert _after_probe(answer).split(b"\r\n")[0] == b"HTTP/1.1 200 OK", answer


def test_a_client_that_closes_mid_query_is_logged_499(
    server: ServerHandle, caplog: pytest.LogCaptureFixture
) -> None:
    """Closed (not half-closed) while its runaway runs: the probe is answered with a reset,
    the query is stopped (its worker replaced) and the access log says 499, 0 bytes."""
    kg = server.kg
    query = urlencode({"query": slow(7)}).encode()
    with socket.create_connection(address_of(server), timeout=300) as sock:
        sock.sendall(b"GET /sparql?gone=1&" + query + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        until(lambda: kg.flights.running() == 1, "the runaway never ran", bound=300)
    until(lambda: len(_access(caplog, "?gone=1")) == 1, "the gone client was not logged", 300)
    assert '" 499 0 ' in _access(caplog, "?gone=1")[0], _access(caplog, "?gone=1")
    assert kg.flights.running() == 0 and kg.pool.replaced == 1


def test_an_http_1_0_client_is_never_sent_an_interim_answer(server: ServerHandle) -> None:
    """RFC 9110 forbids a 1xx to an HTTP/1.0 client: one that ends its side is taken as gone
    (answered only if its answer was written first), never probed."""
    query = urlencode({"query": "ASK {}"}).encode()
    answer = _half_closed(server, b"GET /sparql?" + query + b" HTTP/1.0\r\nHost: x\r\n\r\n")
    assert b" 100 Continue" not in answer, answer
    assert answer == b"" or answer.startswith(b"HTTP/1.1 200 OK"), answer


def test_pipelined_requests_then_half_close_are_all_answered_in_order(
    server: ServerHandle, caplog: pytest.LogCaptureFixture
) -> None:
    """Three requests sent at once, then the client's side ended: each is answered, in the
    order sent, and then the connection is closed (before: only the first was answered)."""
    asks = [f"ASK {{ FILTER({n} = {n}) }}" for n in range(3)]
    data = b"".join(
        b"GET /sparql?piped=%d&" % n
        + urlencode({"query": ask}).encode()
        + b" HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n"
        for n, ask in enumerate(asks)
    )
    answer = _half_closed(server, data)
    finals = [part for part in answer.split(b"HTTP/1.1 ")[1:] if not part.startswith(b"100 ")]
    assert [p.split(b"\r\n")[0] for p in finals] == [b"200 OK"] * 3, answer
    until(lambda: len(_access(caplog, "?piped=")) == 3, "not every request was logged")
    logged = [line.split('"')[1].split("&")[0] for line in _access(caplog, "?piped=")]
    assert logged == [f"GET /sparql?piped={n}" for n in range(3)]
    bodies = [p.rsplit(b"\r\n\r\n", 1)[1] for p in finals]
    assert bodies == [b"true"] * 3, answer


def test_a_pipelined_short_body_after_the_answers_reads_408(server: ServerHandle) -> None:
    """A whole request, then one whose body stops short, then the client's end: the first is
    answered, the second 408, and the connection closes."""
    query = urlencode({"query": "ASK {}"}).encode()
    first = b"GET /sparql?" + query + b" HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n"
    answer = _half_closed(server, first + HEAD % b"cut" + b"Content-Length: 50\r\n\r\nASK")
    finals = [part for part in answer.split(b"HTTP/1.1 ")[1:] if not part.startswith(b"100 ")]
    assert [p.split(b"\r\n")[0] for p in finals] == [b"200 OK", b"408 Request Timeout"], answer
    assert finals[1].endswith(ENDED), answer

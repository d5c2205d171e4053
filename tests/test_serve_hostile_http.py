"""Slow or malformed HTTP cannot take the endpoint down: requests framed two ways are refused
and what follows them never served, slow clients are cut off, and every refusal and cut is
one log line naming the client.

Time limits here are generous upper bounds that catch hangs, never speed assertions."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from isolated_serving import (
    SecretEndpoint,
    address_of,
    answered,
    isolated_server,
    uvicorn_records_reach_caplog,  # noqa: F401 (autouse)
)
from polls import until
from scholarkg.config import ServeSettings
from serve_fixtures import build_v2_store
from serve_helpers import running_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    store = build_v2_store(tmp_path_factory.mktemp("hostile-http") / "store")
    secret = SecretEndpoint()
    try:
        with isolated_server(store, secret) as served:
            yield served
    finally:
        secret.close()


def _raw(url: str, data: bytes) -> bytes:
    host, port = url.split("//")[1].strip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_duplicate_content_length_and_huge_headers_are_refused(
    served: tuple[str, object],
) -> None:
    url = served[0]
    body = b"query=ASK%20%7B%7D"
    duplicate = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(body), len(body))
        + body
    )
    assert _raw(url, duplicate).startswith(b"HTTP/1.1 400")
    huge = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 10_000 + b"\r\n\r\n"
    assert _raw(url, huge).split(b"\r\n")[0].split(b" ")[1] in (b"400", b"431")
    large_body = requests.post(url + "sparql", data={"query": "ASK {} #" + "x" * 70_000})
    assert large_body.status_code == 413
    assert answered(url)


def test_a_body_framed_by_both_length_headers_is_refused_and_the_rest_never_served(
    served: tuple[str, object],
) -> None:
    """``Content-Length`` with ``Transfer-Encoding: chunked`` (RFC 9112 6.1): a proxy reading
    the body by its length forwards the chunked body's tail as the next request. Refused with
    400 and closed (before: served as chunked, and the smuggled GET after it answered 404 on
    the same connection)."""
    url = served[0]
    smuggled = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nASK{}\r\n0\r\n\r\n"
        b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    answer = _raw(url, smuggled)
    assert answer.count(b"HTTP/1.1 ") == 1, answer
    assert answer.startswith(b"HTTP/1.1 400")
    assert answer.endswith(b"\r\n\r\nboth Content-Length and Transfer-Encoding headers\n")
    chunked = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Accept: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n5\r\nASK{}\r\n0\r\n\r\n"
    )
    assert _raw(url, chunked).startswith(b"HTTP/1.1 200")  # chunked alone is read as such
    assert answered(url)


def test_a_connection_refused_or_cut_off_is_logged_with_its_address(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A request refused before it reaches a route (no access-log line), and a connection
    closed at ``request_timeout``, are one log line each naming the client's address (before:
    "request rejected: …" and "connection closed: …" said nothing of whom)."""

    settings = ServeSettings(workers=1, request_timeout=1, refresh_interval=0.2)
    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "s", settings=settings) as (
            server,
            _,
        ),
    ):
        host, port = address_of(server)
        with socket.create_connection((host, port), 30, ("127.0.0.2", 0)) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n")
            sock.sendall(b"Content-Length: 0\r\n\r\n")
            assert sock.recv(1024).startswith(b"HTTP/1.1 400")
        with socket.create_connection((host, port), 30, ("127.0.0.3", 0)) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")
            assert sock.recv(1024) == b""
        assert answered(server.url)
    said = [
        r.getMessage()
        for r in caplog.records
        if r.getMessage().startswith(("request rejected", "connection of"))
    ]
    assert said == [
        "request rejected from 127.0.0.2: more than one Content-Length header",
        "connection of 127.0.0.3 closed: request not received within 1s",
    ], said


@pytest.mark.parametrize(
    "request_head",
    [b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n"],
    ids=["nul-in-request-line", "malformed-header"],
)
def test_an_invalid_request_is_logged_with_its_address(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, request_head: bytes
) -> None:
    """A request uvicorn's parser cannot read is answered 400 and logged once, naming the
    client (before: uvicorn's "Invalid HTTP request received." said nothing of whom)."""

    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "s", settings=ServeSettings(workers=1)) as (server, _),
    ):
        host, port = address_of(server)
        with socket.create_connection((host, port), 30, ("127.0.0.4", 0)) as sock:
            sock.sendall(request_head)
            assert sock.recv(1024).startswith(b"HTTP/1.1 400")
        assert answered(server.url)
    said = [r.getMessage() for r in caplog.records if "nvalid HTTP request" in r.getMessage()]
    assert said == ["request rejected from 127.0.0.4: invalid HTTP request"], said


def test_a_body_cut_short_is_one_log_line_and_no_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A POST whose body stops short of its Content-Length, cut off at ``request_timeout`` or
    closed by its client: one access-log line (408, the reason) and no error record (before:
    uvicorn's "Exception in ASGI application" with a ClientDisconnect traceback, and the
    access line said 500)."""

    settings = ServeSettings(workers=1, request_timeout=1, refresh_interval=0.2)
    head = (
        b"POST /sparql?%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\nASK"
    )
    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "s", settings=settings) as (
            server,
            _,
        ),
    ):
        host, port = address_of(server)
        with socket.create_connection((host, port), timeout=30) as cut:
            cut.sendall(head % b"cut")
            answer = b""
            while chunk := cut.recv(1024):  # answered 408 and closed at the deadline
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 408 "), answer
        with socket.create_connection((host, port), timeout=30) as gone:
            gone.sendall(head % b"gone")
        lines: list[str] = []

        def logged() -> bool:
            lines[:] = [
                r.getMessage()
                for r in caplog.records
                if r.name == "scholarkg.serve.access" and "POST /sparql?" in r.getMessage()
            ]
            return len(lines) == 2

        until(logged, "the cut requests were not logged")
        assert answered(server.url)
    assert sorted(line.split('" ')[1].split()[0] for line in lines) == ["408", "408"], lines
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


def test_slow_clients_are_cut_off_and_do_not_pile_up(served: tuple[str, object]) -> None:
    url = served[0]
    host, port = url.split("//")[1].strip("/").split(":")
    stalled = []
    for _ in range(10):
        sock = socket.create_connection((host, int(port)), timeout=30)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
        stalled.append(sock)
    closed = 0
    for sock in stalled:
        try:
            sock.sendall(b"X-Slow: 1\r\n")  # a trickle does not extend the deadline
            if sock.recv(1024) == b"":
                closed += 1
        except TimeoutError:  # still open after 30 s: not cut off
            pass
        except OSError:
            closed += 1
        sock.close()
    assert closed == len(stalled)
    assert answered(url)

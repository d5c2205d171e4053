"""No client can hold every connection: past ``max_connections`` (every place with a request
under way: an idle one gives way, test_serve_idle_connections) or its own
``max_connections_per_client`` a connection reads a 503 and is closed, a flood of them lingers
only up to a bound, and a WebSocket upgrade frees its place.

Time limits here are generous upper bounds that catch hangs, never speed assertions."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest
import requests

from isolated_serving import (
    BODY_TO_COME,
    CHEAP,
    address_of,
    answered,
    open_connections,
    uvicorn_records_reach_caplog,  # noqa: F401 (autouse)
)
from polls import until
from scholarkg.config import ServeSettings
from scholarkg.serve import ServerHandle
from serve_helpers import running_server

pytestmark = pytest.mark.server

CLOSING_QUERY = (  # one cheap query, the connection closed after its answer
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n"
    b"Content-Type: application/sparql-query\r\nConnection: close\r\n"
    + f"Content-Length: {len(CHEAP)}\r\n\r\n{CHEAP}".encode()
)


def test_connections_past_the_cap_are_answered_503_and_closed(tmp_path: Path) -> None:
    """Past ``max_connections``, each place with a request under way (its head received, its
    body coming, so none gives way), the newest connection reads a 503 naming the limit
    (before: closed without a word), and such refused connections linger only up to a bound;
    the connections held are answered once their bodies come."""
    settings = ServeSettings(workers=1, max_connections=3, request_timeout=600, keep_alive=600)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        host, port = address_of(server)
        held = [
            socket.create_connection((host, port), timeout=30, source_address=(source, 0))
            for source in ("127.0.0.1", "127.0.0.2", "127.0.0.3")
        ]
        for sock in held:
            sock.sendall(BODY_TO_COME)
        until(lambda: open_connections(server) == 3, "the server never took the 3 held")
        for source in ("127.0.0.1", "127.0.0.4"):  # a client with no other connection too
            with socket.create_connection((host, port), 30, (source, 0)) as extra:
                answer = _exchange(extra, CLOSING_QUERY)  # the request sent at once is dropped
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 503"), answer[:100]
            assert b"retry-after: 5" in head.lower()
            assert body == (
                b"too many connections: the server has its limit of 3 open; try again shortly\n"
            )
        refused = requests.get(server.url + "queries", timeout=30)  # a real client sees it
        assert refused.status_code == 503 and "its limit of 3 open" in refused.text
        flood = _flood_is_bounded(server, settings.max_connections)
        assert open_connections(server) <= settings.max_connections
        for sock in held:  # the open connections are still served
            answer = _exchange(sock, CHEAP.encode())
            assert answer.startswith(b"HTTP/1.1 200") and b'"value":"8"' in answer
        for sock in held + flood:
            sock.close()
        until(lambda: open_connections(server) == 0, "the closed connections stayed open")
        assert answered(server.url)


def _flood_is_bounded(server: ServerHandle, bound: int) -> list[socket.socket]:
    """Ten more connections kept open: each reads a 503 or is dropped at once, and at most
    ``bound`` refused ones linger for their client. Returns them (the caller closes them)."""
    host, port = address_of(server)
    flood = [socket.create_connection((host, port), timeout=30) for _ in range(10)]
    for sock in flood:
        try:
            answer = sock.recv(65536)
        except ConnectionResetError:  # past the bound: dropped at once
            answer = b""
        assert answer == b"" or answer.startswith(b"HTTP/1.1 503")
    assert len(server.config.http.refused) <= bound  # type: ignore[union-attr]
    return flood


def _exchange(sock: socket.socket, request: bytes) -> bytes:
    """Send ``request`` and read until the server closes (the request says Connection: close,
    or the server refused the connection)."""
    sock.sendall(request)
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    return answer


def test_a_websocket_upgrade_is_served_as_plain_http_and_frees_its_place(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The server has no WebSocket route: a request asking to upgrade is answered as any
    request (one access-log line), and its connection, once closed, frees its place of
    ``max_connections_per_client`` (before: uvicorn handed the connection to its WebSocket
    protocol, the count of open connections was never lowered, and three upgrade requests
    locked their address out for good, or every client behind a proxy)."""

    settings = ServeSettings(workers=1, max_connections_per_client=3, refresh_interval=0.2)
    upgrade = (
        b"GET /queries HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "s", settings=settings) as (
            server,
            _,
        ),
    ):
        host, port = address_of(server)
        for _ in range(5):
            with socket.create_connection((host, port), timeout=30) as sock:
                sock.sendall(upgrade)
                answer = sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200"), answer[:100]
        until(lambda: open_connections(server) == 0, "the closed connections stayed open")
        assert requests.get(server.url + "queries", timeout=30).status_code == 200
        protocol: Any = server.config.http
        until(lambda: protocol.per_client == {}, "a closed connection is still counted")
    lines = [r.getMessage() for r in caplog.records if r.name == "scholarkg.serve.access"]
    assert [line.split('" ')[1].split()[0] for line in lines] == ["200"] * 6, lines
    uvicorn = [r.getMessage() for r in caplog.records if r.name.startswith("uvicorn")]
    assert [m for m in uvicorn if "ebSocket" in m or "pgrade" in m or "403" in m] == [], uvicorn


def test_one_client_cannot_hold_every_connection(tmp_path: Path) -> None:
    """A client at ``max_connections_per_client`` gets 503 with the reason for each further
    connection (those take none of ``max_connections``), while another client (another
    loopback address) and the client's own open connections are still served."""
    settings = ServeSettings(  # the held connections, idle, are kept (keep_alive)
        workers=1,
        max_connections=6,
        max_connections_per_client=3,
        request_timeout=600,
        keep_alive=600,
    )
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        host, port = address_of(server)
        held = [socket.create_connection((host, port), timeout=30) for _ in range(3)]
        for _ in range(5):  # more than the places max_connections has left
            with socket.create_connection((host, port), timeout=30) as extra:
                answer = _exchange(extra, CLOSING_QUERY)  # the request sent at once is dropped
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 503"), answer[:100]
            assert b"retry-after: 5" in head.lower()
            assert (
                body == b"too many connections from 127.0.0.1: at most 3 open at a time; "
                b"close one or try again shortly\n"
            )
        refused = requests.get(server.url + "queries", timeout=30)  # a real client sees it
        assert refused.status_code == 503 and "too many connections" in refused.text
        flood = _flood_is_bounded(server, settings.max_connections)
        for source in ("127.0.0.2", "127.0.0.3"):  # other clients are served
            with socket.create_connection((host, port), 30, (source, 0)) as other:
                answer = _exchange(other, CLOSING_QUERY)
            assert answer.startswith(b"HTTP/1.1 200") and b'"value":"8"' in answer
        answer = _exchange(held[0], CLOSING_QUERY)  # the client's own connections still work
        assert answer.startswith(b"HTTP/1.1 200") and b'"value":"8"' in answer
        held.pop(0).close()  # the server closed it after answering: one place free again
        assert answered(server.url)
        for sock in held + flood:
            sock.close()

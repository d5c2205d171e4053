"""Connections that send no request cannot lock real clients out: at ``max_connections`` a new
connection closes the one that has waited longest for a request (none under way), and one that
sends no byte is closed after ``keep_alive``, as an idle keep-alive connection is (a connection
with its request under way is never closed so: test_serve_connection_caps). Real sockets
from distinct loopback addresses (127.0.0.x), each under ``max_connections_per_client``.

Time limits here are generous upper bounds that catch hangs, never speed assertions."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import requests

from isolated_serving import address_of, answered, open_connections
from polls import until
from scholarkg.config import ServeSettings
from serve_helpers import running_server

pytestmark = pytest.mark.server


def _closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed ``sock`` (EOF, or a reset); waits up to the socket's timeout."""
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True


def _still_open(sock: socket.socket) -> bool:
    """Whether ``sock`` has neither data nor an end from the server now (no wait)."""
    sock.setblocking(False)
    try:
        sock.recv(1)
    except BlockingIOError:
        return True
    except ConnectionResetError:
        return False
    finally:
        sock.setblocking(True)
    return False


def test_idle_connections_from_many_addresses_leave_room_for_real_clients(
    tmp_path: Path,
) -> None:
    """Three times ``max_connections`` idle connections, each from its own address: each past
    the cap closes the oldest idle one, the newest stay open, and a real client from another
    address is answered (before: every connection past the cap, the real client's too, was
    answered 503 until the idle ones reached ``request_timeout``)."""
    cap = 10
    settings = ServeSettings(
        workers=1, max_connections=cap, request_timeout=600, keep_alive=600, refresh_interval=0.2
    )
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        host, port = address_of(server)
        idle = [
            socket.create_connection((host, port), timeout=60, source_address=(f"127.0.0.{n}", 0))
            for n in range(10, 10 + 3 * cap)
        ]
        until(lambda: open_connections(server) == cap, "the idle connections passed the cap")
        answer = requests.get(server.url + "queries", timeout=60, headers={"Connection": "close"})
        assert answer.status_code == 200, answer.text
        gone = 2 * cap + 1  # the oldest, one for each idle connection past the cap and the client
        closed = [n for n, sock in enumerate(idle[:gone]) if _closed_by_server(sock)]
        assert closed == list(range(gone)), closed
        assert [_still_open(sock) for sock in idle[gone:]] == [True] * (cap - 1)
        assert answered(server.url)  # a query too (its connection from 127.0.0.1)
        for sock in idle:
            sock.close()
        until(lambda: open_connections(server) == 0, "the closed connections stayed open")


def test_a_connection_that_sends_nothing_is_closed_after_keep_alive(tmp_path: Path) -> None:
    """A connection that sends no byte is closed after ``keep_alive`` seconds, as one idle
    after an answer is (before: it stayed until ``request_timeout``, here 600 s); one that
    sends its request is answered."""
    settings = ServeSettings(workers=1, request_timeout=600, keep_alive=1)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        host, port = address_of(server)
        with socket.create_connection((host, port), timeout=60) as silent:
            assert _closed_by_server(silent)  # a hang (no close) fails at 60 s
        until(lambda: open_connections(server) == 0, "the silent connection stayed open")
        assert answered(server.url)


def test_a_connection_closed_for_room_part_way_through_its_head_reads_why(
    tmp_path: Path,
) -> None:
    """The connection waiting longest, part of a request head sent, is closed for a newcomer
    with a 503 saying why (with ``Retry-After``); the newcomer is answered."""
    settings = ServeSettings(workers=1, max_connections=2, request_timeout=600, keep_alive=600)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        host, port = address_of(server)
        begun = socket.create_connection((host, port), 60, ("127.0.0.10", 0))
        begun.sendall(b"GET /queries HTTP/1.1\r\nHo")
        until(lambda: open_connections(server) == 1, "the server never took the first")
        idle = socket.create_connection((host, port), 60, ("127.0.0.11", 0))
        until(lambda: open_connections(server) == 2, "the server never took the second")
        answer = requests.get(server.url + "queries", timeout=60, headers={"Connection": "close"})
        assert answer.status_code == 200, answer.text
        why = b""
        while chunk := begun.recv(65536):
            why += chunk
        head, _, body = why.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 503") and b"retry-after: 5" in head.lower(), why
        assert body == (
            b"connection closed: the server has its limit of 2 open, and this one had sent no "
            b"whole request; send it at once on a new connection\n"
        )
        assert _still_open(idle)
        begun.close()
        idle.close()

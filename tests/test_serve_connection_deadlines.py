"""A connection that sends nothing, idles, or leaves its answer unread is closed, and a client
cut off midway through an answer can tell it is incomplete.

Time limits here are generous upper bounds that catch hangs, never speed assertions."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
import requests

from isolated_serving import (
    address_of,
    answered,
    open_connections,
)
from polls import until, within
from scholarkg.config import ServeSettings
from serve_helpers import running_server

pytestmark = pytest.mark.server

# Bounds a hang only where a worker makes a ~30 MB answer first: a busy two-core machine took
# over 60 s (the bound before) for it; the time limit of those servers is 600 s.
HANG = 600.0


def test_an_idle_keep_alive_connection_is_closed(tmp_path: Path) -> None:
    settings = ServeSettings(workers=1, keep_alive=1.0)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        host, port = server.url.split("//")[1].strip("/").split(":")
        with socket.create_connection((host, int(port)), timeout=60) as sock:
            sock.sendall(b"GET /queries HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200")
            while chunk := sock.recv(65536):  # the rest of the answer, then the close
                answer += chunk
        # recv returned b"": the server closed the idle connection (a hang fails at 60 s)


def test_connections_that_send_nothing_are_closed(tmp_path: Path) -> None:
    """Opened and silent: closed at ``request_timeout`` (1 s here; 60 s only bounds a hang)."""
    settings = ServeSettings(workers=1, request_timeout=1.0)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        silent = [socket.create_connection(address_of(server), timeout=60) for _ in range(5)]
        for sock in silent:
            with sock:
                assert sock.recv(1024) == b""  # closed by the server, no answer
        assert answered(server.url)


def test_a_client_that_leaves_its_answer_unread_is_disconnected(tmp_path: Path) -> None:
    """A client that asks for a large answer and reads none of it held its connection (and the
    answer, buffered for it) for ever; past ``send_timeout`` without reading it is dropped."""
    settings = ServeSettings(
        workers=1, send_timeout=1.0, keep_alive=1.0, max_result_mb=64, time_limit=600.0
    )
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000"  # ~30 MB of JSON
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # room for little
        sock.settimeout(HANG)
        sock.connect(address_of(server))
        request = requests.Request(
            "GET", server.url + "sparql", params={"query": query, "format": "json"}
        ).prepare()
        path = str(request.path_url)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        deadline = time.monotonic() + HANG  # bounds a hang only: the limit is 1 s
        # until the server has taken the connection
        within(lambda: open_connections(server) != 0, HANG, every=0.05)
        assert open_connections(server) == 1
        left = max(0.0, deadline - time.monotonic())
        within(lambda: open_connections(server) == 0, left, every=0.1)
        assert open_connections(server) == 0  # dropped while nothing was read
        received = 0
        with sock:
            try:
                while chunk := sock.recv(65536):
                    received += len(chunk)
            except ConnectionResetError:
                pass
        assert received < 20_000_000  # at most what the buffers held, never the whole answer
        assert answered(server.url)


def test_a_client_cut_off_midway_through_its_answer_can_tell_it_is_incomplete(
    tmp_path: Path,
) -> None:
    """The endpoint sends an answer only once the worker has made all of it (a limit met
    before is a 503 and no row: test_query_time_limit), with its Content-Length. So the one way
    a client gets part of an answer is a cut connection (here: unread past ``send_timeout``),
    and a real client (requests) then raises instead of taking the part for the whole."""
    settings = ServeSettings(
        workers=1, send_timeout=1.0, keep_alive=1.0, max_result_mb=64, time_limit=600.0
    )
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000"  # ~30 MB of JSON
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        with requests.get(
            server.url + "sparql",
            params={"query": query, "format": "json"},
            stream=True,
            timeout=HANG,
        ) as response:
            assert response.status_code == 200
            length = int(response.headers["Content-Length"])
            first = response.raw.read(4096)
            until(lambda: open_connections(server) == 0, "the stalled answer is dropped", HANG)
            got = len(first)
            with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
                for chunk in response.iter_content(65536):
                    got += len(chunk)
        assert 0 < got < length
        assert answered(server.url)

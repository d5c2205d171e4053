"""A client waiting for the answer of an identical query already running for someone else (the
single-flight path) is watched for leaving like one whose query runs: gone, it stops waiting
and is logged 499 with no byte sent (before: it waited on, unwatched, up to the time limit).
The running query is stopped once no client wants it any more (before: the asker's leaving
stopped it though another client still waited for it, who then ran it again); the asker's
request, which runs it, ends with it. Raw sockets, each from its own loopback address,
against a real server; waits are bounds of minutes that only stop a hang."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from isolated_serving import address_of
from polls import until
from scholarkg.config import ServeSettings
from scholarkg.errors import QueryLimitError
from scholarkg.serve import ServerHandle
from scholarkg.serve.protocol import Operation
from scholarkg.serve.protocol import negotiate as negotiate_query
from scholarkg.serve.workers import CLIENT_GONE
from serve_helpers import SPARQL_JSON, running_server
from served_queries import ROWS, SLOW, slow

pytestmark = pytest.mark.server


@pytest.fixture
def server(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[ServerHandle]:
    settings = ServeSettings(
        workers=1, quick_workers=0, time_limit=600, queue_wait=600, refresh_interval=0.2
    )
    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "s", settings=settings) as (handle, _),
    ):
        assert handle.kg.warmed.wait(300)  # no warm-up query runs beside the tests'
        yield handle


def _ask(server: ServerHandle, marker: str, query: str, number: int) -> socket.socket:
    """A connection from 127.0.0.``number`` that has sent ``query`` marked ``marker``."""
    sock = socket.create_connection(
        address_of(server), timeout=300, source_address=(f"127.0.0.{number}", 0)
    )
    fields = urlencode({"query": query})
    sock.sendall(f"GET /sparql?{marker}=1&{fields} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return sock


def _access(caplog: pytest.LogCaptureFixture, marker: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "scholarkg.serve.access" and f"?{marker}=1" in r.getMessage()
    ]


def _left(caplog: pytest.LogCaptureFixture, marker: str) -> None:
    """``marker``'s request is logged once, as a client that left: 499, no byte."""
    until(lambda: len(_access(caplog, marker)) == 1, f"{marker} was not logged", 300)
    assert '" 499 0 ' in _access(caplog, marker)[0], _access(caplog, marker)


def test_a_waiter_that_leaves_stops_waiting_and_the_query_runs_on(
    server: ServerHandle, caplog: pytest.LogCaptureFixture
) -> None:
    kg = server.kg
    with _ask(server, "asker", slow(3), 10):
        until(lambda: kg.flights.running() == 1, "the runaway never ran", 300)
        with _ask(server, "waiter", slow(3), 11):
            until(lambda: kg.flights.waiting() == 1, "the same query never waited", 300)
        _left(caplog, "waiter")
        # its 499 is logged as its answer ends; its wait is given up when its request's task is
        # cancelled, a moment later (before: asserted at once, 1 == 0 under load in CI)
        until(lambda: kg.flights.waiting() == 0, "the waiter that left still waits", 300)
        assert kg.flights.running() == 1 and kg.pool.replaced == 0  # its asker is still there
    _left(caplog, "asker")
    until(lambda: kg.flights.running() == 0, "the runaway ran on", 300)
    assert kg.pool.replaced == 1


def test_the_query_is_stopped_once_its_last_client_has_left(
    server: ServerHandle, caplog: pytest.LogCaptureFixture
) -> None:
    kg = server.kg
    asker = _ask(server, "asker", slow(4), 10)
    until(lambda: kg.flights.running() == 1, "the runaway never ran", 300)
    waiter = _ask(server, "waiter", slow(4), 11)
    until(lambda: kg.flights.waiting() == 1, "the same query never waited", 300)
    asker.close()
    waiter.close()
    _left(caplog, "waiter")
    _left(caplog, "asker")  # its request ends with the query, stopped once nobody waits
    until(lambda: kg.flights.running() == 0, "the unwanted runaway ran on", 300)
    assert kg.pool.replaced == 1 and kg.flights.waiting() == 0  # stopped once, never rerun


def test_a_waiter_left_alone_gets_the_one_run_s_answer(
    server: ServerHandle, caplog: pytest.LogCaptureFixture
) -> None:
    kg = server.kg
    before = kg.pool.answered
    asker = _ask(server, "asker", SLOW, 10)
    until(lambda: kg.flights.running() == 1, "the slow query never ran", 300)
    with _ask(server, "waiter", SLOW, 11) as waiter:
        until(lambda: kg.flights.waiting() == 1, "the same query never waited", 300)
        asker.close()
        answer = b""
        while b'"value":"' + ROWS.encode() not in answer.replace(b" ", b""):
            chunk = waiter.recv(65536)
            assert chunk, answer
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK"), answer
    assert kg.pool.answered - before == 1 and kg.pool.replaced == 0  # one run, never stopped
    # the asker's answer (its query was not stopped: the access log's rule) went to no one
    until(lambda: len(_access(caplog, "asker")) == 1, "the asker was not logged", 300)
    assert '" 200 0 ' in _access(caplog, "asker")[0], _access(caplog, "asker")


def test_a_waiter_in_a_query_thread_stops_waiting_when_its_client_leaves(
    server: ServerHandle,
) -> None:
    """The other way to wait (a query thread that found the same query running as it began):
    its client gone, it stops at once with 499 while the query runs on for its asker; the
    asker gone too, the query is stopped."""
    kg = server.kg
    wanted = negotiate_query(SPARQL_JSON, None)
    operation = Operation("query", slow(6))
    asker, waiter = threading.Event(), threading.Event()
    failures: list[QueryLimitError] = []

    def ask(gone: threading.Event) -> None:
        CLIENT_GONE.set(gone)
        try:
            kg.query(operation, wanted)
        except QueryLimitError as exc:
            failures.append(exc)

    first = threading.Thread(target=ask, args=(asker,), daemon=True)
    first.start()
    until(lambda: kg.flights.running() == 1, "the runaway never ran", 300)
    second = threading.Thread(target=ask, args=(waiter,), daemon=True)
    second.start()
    until(lambda: kg.flights.wanted(kg._key(operation, wanted)), "it never waited", 300)
    waiter.set()
    second.join(300)
    assert [f.status for f in failures] == [499] and kg.flights.running() == 1
    asker.set()
    first.join(300)
    assert [f.status for f in failures] == [499, 499] and kg.pool.replaced == 1

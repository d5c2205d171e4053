"""One query cannot take the endpoint down: hostile queries get an error within their limit,
the next query is answered, SERVICE reaches nothing, and slow or malformed HTTP is cut off.

Time limits here are generous upper bounds that catch hangs, never speed assertions."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import requests

from hostile_queries import DEEP, LOAD_TRICKS, SERVICE_TRICKS
from loopback import LoopbackServer, Trap
from scholarkg.cli import main
from scholarkg.config import ServeSettings
from scholarkg.serve import ServerHandle
from serve_fixtures import build_v2_store
from serve_helpers import SPARQL_JSON, running_server

pytestmark = pytest.mark.server

NESTED = "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000
CONCAT = (
    'SELECT ?v WHERE { BIND("ab" AS ?v0) '
    + " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(31))
    + " BIND(?v31 AS ?v) }"
)
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }"
CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/scholarkg/ontology#Person> }"


class SecretEndpoint:
    """A loopback HTTP endpoint that records the path of every request and answers it with a
    500 and a secret body (which the server must never pass on to its client)."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.answer()

            def do_POST(self) -> None:
                self.answer()

            def answer(self) -> None:
                endpoint.hits.append(self.path)
                body = b"SECRET-ADMIN-BODY"
                self.send_response(500)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = LoopbackServer(Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/internal/admin"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _uvicorn_records_reach_caplog() -> Iterator[None]:
    """uvicorn's records reach pytest's handler whatever ran before: Prefect's logging set-up,
    done by any earlier test that ran a flow in this process, stops them at the ``uvicorn``
    logger (``propagate: false``), so a test of a line uvicorn's logger writes saw nothing when
    the whole suite ran and a test that none is written could not fail."""
    logger = logging.getLogger("uvicorn")
    saved = logger.propagate, logger.level
    logger.propagate, logger.level = True, logging.NOTSET
    yield
    logger.propagate, logger.level = saved


@pytest.fixture(scope="module")
def secret_endpoint() -> Iterator[SecretEndpoint]:
    running = SecretEndpoint()
    yield running
    running.close()


@pytest.fixture(scope="module")
def trap() -> Iterator[Trap]:
    opened = Trap()
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_v2_store(tmp_path_factory.mktemp("isolation") / "store")


@pytest.fixture(scope="module")
def served(store_path: Path, secret_endpoint: SecretEndpoint) -> Iterator[tuple[str, object]]:
    settings = ServeSettings(
        workers=2,
        time_limit=3.0,
        memory_limit_mb=768,
        federation=(secret_endpoint.url + "-allowed",),
        request_timeout=1.5,
        max_connections=30,
        max_body_bytes=65536,
        max_header_bytes=4096,
    )
    with running_server(store_path, build=False, settings=settings) as (server, _):
        yield server.url, server


def ask(url: str, query: str) -> requests.Response:
    return requests.post(
        url + "sparql", data={"query": query}, headers={"Accept": SPARQL_JSON}, timeout=120
    )


def answered(url: str) -> bool:
    response = ask(url, CHEAP)
    return (
        response.status_code == 200
        and response.json()["results"]["bindings"][0]["n"]["value"] == "8"
    )


def test_deep_nesting_is_refused_before_parsing(served: tuple[str, object]) -> None:
    url = served[0]
    response = ask(url, NESTED)
    assert response.status_code == 400
    assert "nested 10000 deep" in response.text
    assert answered(url)


def test_concat_doubling_hits_the_memory_limit_and_the_worker_is_replaced(
    served: tuple[str, object],
) -> None:
    url, server = served
    before = server.kg.pool.replaced  # type: ignore[attr-defined]
    response = ask(url, CONCAT)  # past 120 s: requests raises, a hang fails the test
    assert response.status_code == 503, response.text
    assert "memory limit of 768 MiB" in response.text or "time limit" in response.text
    assert server.kg.pool.replaced == before + 1  # type: ignore[attr-defined]
    assert answered(url)


def test_cartesian_count_is_stopped_at_the_time_limit(served: tuple[str, object]) -> None:
    url = served[0]
    response = ask(url, CARTESIAN)
    assert response.status_code == 503 and "time limit of 3 s" in response.text
    assert "Retry-After" not in response.headers  # asked again, it would stop again
    assert answered(url)


def test_a_query_that_ran_past_its_limit_is_refused_at_once_until_the_store_changes(
    tmp_path: Path,
) -> None:
    """Asked again on the same store, a query that ran past the time limit gets its 503 at
    once: it does not hold a worker for the whole limit again (other clients would queue)."""
    settings = ServeSettings(workers=1, time_limit=3.0)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        pool = server.kg.pool
        first = ask(server.url, CARTESIAN)
        assert first.status_code == 503 and "time limit of 3 s" in first.text
        replaced = pool.replaced
        again = ask(server.url, CARTESIAN)
        assert again.status_code == 503 and "ran past the time limit of 3 s" in again.text
        assert "Retry-After" not in again.headers  # refused until the store changes
        commented = ask(server.url, "# the same, with a comment\n" + CARTESIAN.replace(" ", "\n"))
        assert commented.status_code == 503 and "ran past the time limit" in commented.text
        assert pool.replaced == replaced  # no worker ran either, so none was stopped
        assert answered(server.url)
        writer = ox.Store(str(tmp_path / "store"))  # a run loads something: a new version
        writer.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }")
        writer.flush()
        del writer
        server.kg.check_store(force=True)  # it may run again on the new version
        third = ask(server.url, CARTESIAN)
        assert third.status_code == 503 and "time limit of 3 s" in third.text
        assert pool.replaced == replaced + 1


def test_service_is_refused_and_reaches_nothing(served: tuple[str, object], trap: Trap) -> None:
    url = served[0]
    for target in (trap.url, "http://127.0.0.1:1/x"):
        query = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
        response = ask(url, query)
        assert response.status_code == 403 and "SERVICE" in response.text
        silent = ask(url, f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}")
        assert silent.status_code == 403
    variable = ask(url, "SELECT * WHERE { BIND(<x:y> AS ?e) SERVICE ?e { ?s ?p ?o } }")
    assert variable.status_code == 403
    hidden = ask(url, f'SELECT * WHERE {{ ?s ?p "SERVICE" . ?s <{trap.url}> ?o }}')
    assert hidden.status_code == 200  # the word in a string or an IRI is not a SERVICE call
    assert trap.connections() == 0
    assert answered(url)


def test_no_way_of_writing_service_reaches_the_network(
    served: tuple[str, object], trap: Trap
) -> None:
    url = served[0]
    for name, text in SERVICE_TRICKS.items():
        response = ask(url, text % trap.url)
        assert response.status_code == 403 and "SERVICE" in response.text, name
    assert trap.connections() == 0
    assert answered(url)


def test_updates_can_neither_load_nor_call_a_service(tmp_path: Path, trap: Trap) -> None:
    from scholarkg.serve import make_server
    from scholarkg.store.embedded import EmbeddedStore

    def update(server_url: str, text: str) -> requests.Response:
        return requests.post(server_url + "update", data={"update": text}, timeout=120)

    EmbeddedStore(tmp_path / "rw").close()
    settings = ServeSettings(workers=1, time_limit=3.0)
    with EmbeddedStore(tmp_path / "rw", read_only=True) as store:
        server = make_server(store, allow_updates=True, settings=settings).start()
        try:
            for name, text in LOAD_TRICKS.items():
                response = update(server.url, text % trap.url)
                assert response.status_code == 403 and "LOAD" in response.text, name
            smuggled = SERVICE_TRICKS["escaped IRI, quote"].replace(
                "SELECT *", "DELETE { ?s ?p ?o }"
            )
            response = update(server.url, smuggled % trap.url)
            assert response.status_code == 403 and "SERVICE" in response.text
            assert trap.connections() == 0
            insert = "INSERT DATA { <urn:x:a> <urn:x:p> <urn:x:b> }"
            assert update(server.url, insert).status_code == 204
        finally:
            server.stop()


def test_an_operator_chain_is_refused_before_any_worker_runs(served: tuple[str, object]) -> None:
    """12,000 negations, 12 KB, crashed a worker; the guard counts them as nesting."""
    url, server = served
    before = server.kg.pool.replaced  # type: ignore[attr-defined]
    response = ask(url, DEEP["negations"])
    assert response.status_code == 400 and "query refused: nested 3002 deep" in response.text
    assert server.kg.pool.replaced == before  # type: ignore[attr-defined]
    assert answered(url)


def test_an_allowed_service_never_echoes_the_upstream_body(
    served: tuple[str, object], secret_endpoint: SecretEndpoint
) -> None:
    url = served[0]
    allowed = secret_endpoint.url + "-allowed"
    response = ask(url, f"SELECT * WHERE {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}")
    assert response.status_code >= 400
    assert "SECRET" not in response.text
    assert secret_endpoint.hits  # federation on: the allowed endpoint was asked
    secret_endpoint.hits.clear()


def test_a_crash_in_the_engine_is_an_error_and_the_server_keeps_serving(tmp_path: Path) -> None:
    settings = ServeSettings(workers=1, max_nesting=100_000, max_query_bytes=1_000_000)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        response = ask(server.url, NESTED)
        assert response.status_code == 500
        assert "crashed" in response.text
        assert answered(server.url)


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
    import logging

    settings = ServeSettings(workers=1, request_timeout=1, refresh_interval=0.2)
    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "s", settings=settings) as (
            server,
            _,
        ),
    ):
        host, port = _address(server)
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
    import logging

    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "s", settings=ServeSettings(workers=1)) as (server, _),
    ):
        host, port = _address(server)
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
    import logging

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
        host, port = _address(server)
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

        _until(logged, "the cut requests were not logged")
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


def test_connections_past_the_cap_are_answered_503_and_closed(tmp_path: Path) -> None:
    """Past ``max_connections`` the newest connection reads a 503 naming the limit (before:
    closed without a word), and such refused connections linger only up to a bound."""
    settings = ServeSettings(workers=1, max_connections=3, request_timeout=30)
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n"
        b"Content-Type: application/sparql-query\r\nConnection: close\r\n"
        + f"Content-Length: {len(CHEAP)}\r\n\r\n{CHEAP}".encode()
    )
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        host, port = _address(server)
        held = [
            socket.create_connection((host, port), timeout=30, source_address=(source, 0))
            for source in ("127.0.0.1", "127.0.0.2", "127.0.0.3")
        ]
        _until(lambda: _open_connections(server) == 3, "the server never took the 3 held")
        for source in ("127.0.0.1", "127.0.0.4"):  # a client with no other connection too
            with socket.create_connection((host, port), 30, (source, 0)) as extra:
                answer = _exchange(extra, request)  # the request sent at once is dropped
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 503"), answer[:100]
            assert b"retry-after: 5" in head.lower()
            assert body == (
                b"too many connections: the server has its limit of 3 open; try again shortly\n"
            )
        refused = requests.get(server.url + "queries", timeout=30)  # a real client sees it
        assert refused.status_code == 503 and "its limit of 3 open" in refused.text
        flood = _flood_is_bounded(server, settings.max_connections)
        assert _open_connections(server) <= settings.max_connections
        answer = _exchange(held[0], request)  # the open connections are still served
        assert answer.startswith(b"HTTP/1.1 200") and b'"value":"8"' in answer
        for sock in held + flood:
            sock.close()
        _until(lambda: _open_connections(server) == 0, "the closed connections stayed open")
        assert answered(server.url)


def _flood_is_bounded(server: ServerHandle, bound: int) -> list[socket.socket]:
    """Ten more connections kept open: each reads a 503 or is dropped at once, and at most
    ``bound`` refused ones linger for their client. Returns them (the caller closes them)."""
    host, port = _address(server)
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
    import logging

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
        host, port = _address(server)
        for _ in range(5):
            with socket.create_connection((host, port), timeout=30) as sock:
                sock.sendall(upgrade)
                answer = sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200"), answer[:100]
        _until(lambda: _open_connections(server) == 0, "the closed connections stayed open")
        assert requests.get(server.url + "queries", timeout=30).status_code == 200
        protocol: Any = server.config.http
        _until(lambda: protocol.per_client == {}, "a closed connection is still counted")
    lines = [r.getMessage() for r in caplog.records if r.name == "scholarkg.serve.access"]
    assert [line.split('" ')[1].split()[0] for line in lines] == ["200"] * 6, lines
    uvicorn = [r.getMessage() for r in caplog.records if r.name.startswith("uvicorn")]
    assert [m for m in uvicorn if "ebSocket" in m or "pgrade" in m or "403" in m] == [], uvicorn


def test_one_client_cannot_hold_every_connection(tmp_path: Path) -> None:
    """A client at ``max_connections_per_client`` gets 503 with the reason for each further
    connection (those take none of ``max_connections``), while another client (another
    loopback address) and the client's own open connections are still served."""
    settings = ServeSettings(
        workers=1, max_connections=6, max_connections_per_client=3, request_timeout=30
    )
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n"
        b"Content-Type: application/sparql-query\r\nConnection: close\r\n"
        + f"Content-Length: {len(CHEAP)}\r\n\r\n{CHEAP}".encode()
    )
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        host, port = _address(server)
        held = [socket.create_connection((host, port), timeout=30) for _ in range(3)]
        for _ in range(5):  # more than the places max_connections has left
            with socket.create_connection((host, port), timeout=30) as extra:
                answer = _exchange(extra, request)  # the request sent at once is dropped
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
                answer = _exchange(other, request)
            assert answer.startswith(b"HTTP/1.1 200") and b'"value":"8"' in answer
        answer = _exchange(held[0], request)  # the client's own connections still work
        assert answer.startswith(b"HTTP/1.1 200") and b'"value":"8"' in answer
        held.pop(0).close()  # the server closed it after answering: one place free again
        assert answered(server.url)
        for sock in held + flood:
            sock.close()


def test_cli_query_has_the_same_limits(
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    config = tmp_path / "c.toml"
    config.write_text("[serve]\ntime_limit = 3.0\nmemory_limit_mb = 768\n", encoding="utf-8")
    deep = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    assert main(["query", "--sparql", deep, "--config", str(config)]) == 1
    assert "nested 3000 deep" in capsys.readouterr().err
    assert main(["query", "--sparql", CONCAT, "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and ("memory limit" in err or "time limit" in err)
    assert main(["query", "--sparql", CARTESIAN, "--config", str(config)]) == 1
    assert "time limit of 3 s" in capsys.readouterr().err
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"
    assert main(["query", "--sparql", service, "--config", str(config)]) == 1
    assert "SERVICE" in capsys.readouterr().err


def test_cli_query_refuses_a_smuggled_service(
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    trap: Trap,
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    config = tmp_path / "c.toml"
    config.write_text("[serve]\ntime_limit = 3.0\n", encoding="utf-8")
    for name in ("escaped IRI, quote", "escaped IRI, hash", "SERVICE:x"):
        text = SERVICE_TRICKS[name] % trap.url
        assert main(["query", "--sparql", text, "--config", str(config)]) == 1
        assert "SERVICE" in capsys.readouterr().err, name
    assert trap.connections() == 0


def test_a_query_that_allocates_without_bound_stops_at_the_memory_limit(tmp_path: Path) -> None:
    """The time limit set far away, so only the memory limit can stop the doubling CONCAT."""
    settings = ServeSettings(workers=1, time_limit=300.0, memory_limit_mb=512)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        before = server.kg.pool.replaced
        response = ask(server.url, CONCAT)
        assert response.status_code == 503, response.text  # a limit, like the time limit
        assert "memory limit of 512 MiB" in response.text
        assert server.kg.pool.replaced == before + 1
        assert answered(server.url)
        again = ask(server.url, CONCAT)  # it would be stopped again: refused, no worker used
        assert again.status_code == 503
        assert "it exceeded the memory limit of 512 MiB" in again.text
        assert server.kg.pool.replaced == before + 1


def test_a_query_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    settings = ServeSettings(workers=1, max_query_bytes=2000, max_body_bytes=65536)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        response = ask(server.url, "ASK {} #" + "x" * 5000)  # within the body limit
        assert response.status_code == 413
        assert "more than the limit of 2000" in response.text
        assert answered(server.url)


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


def _address(server: ServerHandle) -> tuple[str, int]:
    host, port = server.url.split("//")[1].strip("/").split(":")
    return host, int(port)


# Bounds a hang only where a worker makes a ~30 MB answer first: a busy two-core machine took
# over 60 s (the bound before) for it; the time limit of those servers is 600 s.
HANG = 600.0


def _open_connections(server: ServerHandle) -> int:
    return len(server.server.server_state.connections)


def _until(condition: Callable[[], bool], what: str, bound: float = 60.0) -> None:
    """Poll ``condition`` until it holds; ``bound`` seconds only stop a hang (a loaded machine
    gets there late, never wrongly)."""
    deadline = time.monotonic() + bound
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_connections_that_send_nothing_are_closed(tmp_path: Path) -> None:
    """Opened and silent: closed at ``request_timeout`` (1 s here; 60 s only bounds a hang)."""
    settings = ServeSettings(workers=1, request_timeout=1.0)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        silent = [socket.create_connection(_address(server), timeout=60) for _ in range(5)]
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
        sock.connect(_address(server))
        request = requests.Request(
            "GET", server.url + "sparql", params={"query": query, "format": "json"}
        ).prepare()
        path = str(request.path_url)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        deadline = time.monotonic() + HANG  # bounds a hang only: the limit is 1 s
        while _open_connections(server) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)  # until the server has taken the connection
        assert _open_connections(server) == 1
        while _open_connections(server) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _open_connections(server) == 0  # dropped while nothing was read
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
            _until(lambda: _open_connections(server) == 0, "the stalled answer is dropped", HANG)
            got = len(first)
            with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
                for chunk in response.iter_content(65536):
                    got += len(chunk)
        assert 0 < got < length
        assert answered(server.url)


def test_both_ways_of_running_out_of_memory_are_the_memory_limit() -> None:
    """The allocator stopping the worker (above) and the engine raising MemoryError in it give
    one answer: 503, marked as the memory limit, so the server refuses the repeat at once."""
    from scholarkg.serve.job_errors import failure_error
    from scholarkg.serve.jobs import JobFailure

    error = failure_error(JobFailure("memory", "the query ran out of memory"))
    assert getattr(error, "status", None) == 503
    assert getattr(error, "limit", None) == "memory"

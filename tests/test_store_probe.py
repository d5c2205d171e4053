"""A SPARQL server that answers it cannot take a run's queries or writes is refused before the
run reads a source: one line naming the server and its answer, nothing written. Before, a run
into a read-only `scholarkg serve` read and validated every source, then put all 46 graphs of
the sample profile in the dead-letter folder (each 'HTTP 403 Forbidden: SPARQL Update is
disabled'), and said the store 'holds 7682 quads' (the served store's); a server answering 406
to the Accept scholarkg sends, or 400 to ``GRAPH`` in an update, failed the run half-way.

The servers: a real `scholarkg serve` (read-only) over a store a run built, a real
``oxigraph serve``, and loopback servers answering as an older or narrower server does."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from building import sparql_store
from conftest import write_config
from hanging_store import Hold, stopped_when_asked
from loopback import Answering, Dropper, free_port, read_request
from polls import until
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.errors import ConfigError
from scholarkg.store.probe import PROBE_GRAPH, check_writable
from scholarkg.store.remote import SparqlStore

pytest_plugins = ("oxigraph_server", "read_only_serve_fixtures")


class Narrow(Answering):
    """Answers a query with ``query`` (status, body) and an update with ``update``; counts
    the requests to each endpoint."""

    def __init__(self, query: tuple[int, str], update: tuple[int, str]) -> None:
        super().__init__()
        self.query, self.update = query, update
        self.asked: list[str] = []

    def answer(self, conn: socket.socket) -> None:
        head = conn.recv(65536, socket.MSG_PEEK).split(b" ", 2)[1].decode()
        read_request(conn)
        self.asked.append(head)
        status, body = self.update if head.startswith("/update") else self.query
        kind = "application/sparql-results+json" if status == 200 else "text/plain"
        data = body.encode()
        conn.sendall(
            f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {len(data)}\r\n"
            f"Connection: close\r\n\r\n".encode()
            + data
        )


ASK_TRUE = '{"head":{},"boolean":true}'


def _run(tmp_path: Path, base: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """``scholarkg run`` into the server at ``base``: its exit code is 1 and it wrote nothing;
    returns what it printed on stderr."""
    tmp_path.mkdir(exist_ok=True)
    config = write_config(tmp_path, [SAMPLE_PROFILE], store=sparql_store(base))
    assert main(["run", "--config", str(config)]) == 1
    shown = capsys.readouterr()
    assert shown.out == ""
    assert not (tmp_path / "data").exists()  # no source read, no outbox, no dead letter
    return shown.err.splitlines()


def test_a_run_into_a_read_only_scholarkg_serve_is_refused_before_it_starts(
    tmp_path: Path, served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path / "run", served, capsys) == [
        f"error: the SPARQL server at {served}/query cannot be this run's store: "
        f"{served}/update: SPARQL update: HTTP 403 Forbidden: SPARQL Update is disabled: this "
        "server is read-only"
    ]


def test_a_server_answering_406_to_the_accept_sent_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = Narrow((406, "no acceptable format"), (204, ""))
    try:
        assert _run(tmp_path, old.url, capsys) == [
            f"error: the SPARQL server at {old.url}/query cannot be this run's store: "
            f"{old.url}/query: SPARQL query: HTTP 406 X: no acceptable format"
        ]
    finally:
        old.close()
    assert old.asked == ["/query"]


def test_a_server_rejecting_graph_in_updates_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    narrow = Narrow((200, ASK_TRUE), (400, "GRAPH is not supported"))
    try:
        assert _run(tmp_path, narrow.url, capsys) == [
            f"error: the SPARQL server at {narrow.url}/query cannot be this run's store: "
            f"{narrow.url}/update: SPARQL update: HTTP 400 X: GRAPH is not supported"
        ]
    finally:
        narrow.close()
    assert narrow.asked == ["/query", "/update"]


def test_the_probe_changes_nothing_on_a_real_server(oxigraph_url: str) -> None:
    with SparqlStore.for_oxigraph(oxigraph_url) as store:
        check_writable(store)
        assert store.quad_count() == 0
        assert PROBE_GRAPH not in store.graph_names()


def test_a_server_down_or_failing_is_left_to_the_outbox() -> None:
    """A server that cannot be reached, or fails (5xx), may be back in a moment: not refused."""
    down = Dropper()
    failing = Narrow((503, "starting"), (503, "starting"))
    try:
        for base in (down.url, failing.url):
            with SparqlStore(f"{base}/query", f"{base}/update") as store:
                check_writable(store)
    finally:
        down.close()
        failing.close()
    assert down.accepted == 1  # the query only: the update is not asked after it failed
    assert failing.asked == ["/query"]


def test_a_server_refusing_credentials_is_refused(tmp_path: Path) -> None:
    locked = Narrow((401, "credentials required"), (401, "credentials required"))
    try:
        with (
            SparqlStore(f"{locked.url}/query", f"{locked.url}/update", user="a") as store,
            pytest.raises(ConfigError, match=r"HTTP 401 X: credentials required$"),
        ):
            check_writable(store)
    finally:
        locked.close()


def test_sigterm_while_the_server_is_probed_ends_the_command_before_the_run(
    tmp_path: Path,
) -> None:
    """The probe waits on a server that never answers: SIGTERM ends the command at once, in
    one line, with nothing written (before the probe said so, it took the stop for a server
    that was down and started the run)."""
    out, err = stopped_when_asked(Hold(None), tmp_path)
    assert out == b""
    assert err.decode().splitlines() == [
        "stopping (SIGTERM): finishing the current step",
        "interrupted: stop requested",
    ]
    assert not (tmp_path / "data").exists()


@pytest.fixture
def union_server(tmp_path: Path) -> Iterator[str]:
    """A real ``oxigraph serve --union-default-graph`` holding one graph; its base URL."""
    from oxigraph_server import OxigraphServer, oxigraph_binary  # the plugin: imported by now

    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the `oxigraph` CLI is not installed")
    port = free_port()
    command = [str(binary), "serve", "--location", str(tmp_path / "db")]
    process = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = OxigraphServer(process, f"http://127.0.0.1:{port}", tmp_path / "log")
    try:
        # until it answers or ends (before: 600 tries of 0.05 s, short on a busy machine)
        until(
            lambda: server.answers() or process.poll() is not None,
            "oxigraph serve neither answered nor ended",
            bound=300.0,
            every=0.05,
        )
        assert server.answers(), "oxigraph serve did not start"
        with SparqlStore.for_oxigraph(server.url) as store:
            store.replace_graph_ntriples("urn:x:g", '<urn:x:a> <urn:x:b> "x" .\n')
        yield server.url
    finally:
        server.stop()


def test_a_server_whose_default_graph_is_the_union_is_refused_for_kind_oxigraph(
    union_server: str,
) -> None:
    """Its counts would be twice the truth: one quad counted as two (before: the run's report
    said the store held twice what it did)."""
    with SparqlStore.for_oxigraph(union_server) as store:
        assert store.quad_count() == 2  # what every report would have said
        with pytest.raises(ConfigError) as refused:
            check_writable(store)
    assert str(refused.value) == (
        f"the SPARQL server at {union_server}/query shows its named graphs in its default graph"
        " (an `oxigraph serve --union-default-graph`?), where [store] server = 'oxigraph' keeps"
        " them apart: every count of the store would count them twice; serve it without that"
        " setting, or set [store] server = 'generic'"
    )
    with SparqlStore.for_oxigraph(union_server, server="generic") as generic:
        check_writable(generic)  # counts only the named graphs: right on this server
        assert generic.quad_count() == 1


def test_a_server_keeping_its_default_graph_apart_passes_with_data(oxigraph_url: str) -> None:
    with SparqlStore.for_oxigraph(oxigraph_url) as store:
        store.replace_graph_ntriples("urn:x:g", '<urn:x:a> <urn:x:b> "x" .\n')
        check_writable(store)
        assert store.quad_count() == 1


def test_a_store_with_no_endpoint_its_writes_go_to_is_refused_naming_the_key(
    oxigraph_url: str,
) -> None:
    """A store with neither write endpoint, or ``replace_via = "update"`` without an Update
    endpoint: the run does not start (``"put"`` without a Graph Store endpoint writes updates)."""
    query = f"{oxigraph_url}/query"
    for store, key in (
        (SparqlStore(query), "store_url or update_url"),
        (SparqlStore(query, store_url=f"{oxigraph_url}/store", replace_via="update"), "update_url"),
    ):
        with pytest.raises(ConfigError) as refused:
            check_writable(store)
        assert str(refused.value) == (
            f"the SPARQL server at {query} cannot be this run's store: replace_via = "
            f"{store.replace_via!r} writes through [store] {key}, which is not set"
        )


def test_a_put_only_run_into_a_read_only_scholarkg_serve_is_refused_before_it_starts(
    tmp_path: Path, served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """No update endpoint: the probe asks the Graph Store endpoint with an empty ``PUT``."""
    store = sparql_store(served)
    del store["update_url"]
    config = write_config(tmp_path, [SAMPLE_PROFILE], store=store)
    assert main(["run", "--config", str(config)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(
        f"error: the SPARQL server at {served}/query cannot be this run's store: "
        f"{served}/store: replace graph <{PROBE_GRAPH}>: HTTP 40"
    )
    assert not (tmp_path / "data").exists()


def test_the_graph_store_probe_changes_nothing_on_a_real_server(oxigraph_url: str) -> None:
    put_only = SparqlStore(f"{oxigraph_url}/query", store_url=f"{oxigraph_url}/store")
    with put_only as store:
        check_writable(store)
        assert store.quad_count() == 0
        assert store.graph_names() == set()


def test_a_run_whose_graph_store_endpoint_is_wrong_is_refused_before_it_starts(
    tmp_path: Path, oxigraph_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both endpoints given, graphs written by ``PUT`` (``replace_via = "put"``, the default):
    the probe sends the ``PUT`` too (before: it asked the Update endpoint only, so a mistyped
    ``store_url`` passed, and the run read and validated the profile, then failed at its
    first graph, 'PUT /stor is not supported by this server')."""
    store = sparql_store(oxigraph_url, store_url=f"{oxigraph_url}/stor")
    config = write_config(tmp_path, [SAMPLE_PROFILE], store=store)
    assert main(["run", "--config", str(config)]) == 1
    shown = capsys.readouterr()
    assert shown.out == ""
    assert shown.err.splitlines() == [
        f"error: the SPARQL server at {oxigraph_url}/query cannot be this run's store: "
        f"{oxigraph_url}/stor: replace graph <{PROBE_GRAPH}>: HTTP 404 Not Found: PUT /stor "
        "is not supported by this server"
    ]
    assert not (tmp_path / "data").exists()


def test_the_probe_of_both_endpoints_changes_nothing_on_a_real_server(oxigraph_url: str) -> None:
    with SparqlStore.for_oxigraph(oxigraph_url) as store:
        assert store.store_url is not None and store.update_url is not None
        check_writable(store)
        assert store.quad_count() == 0
        assert store.graph_names() == set()

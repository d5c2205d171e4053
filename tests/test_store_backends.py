"""One contract for every GraphStore backend: embedded Oxigraph, a real Oxigraph server, files."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
import requests
from rdflib import BNode, Graph, Literal, URIRef

from loopback import Answering, free_port, read_request
from scholarkg.config import load_config
from scholarkg.errors import ConfigError, LoadError, QueryError
from scholarkg.serve.store_spec import spec_for
from scholarkg.store.base import GraphStore
from scholarkg.store.factory import open_store
from scholarkg.store.file_sink import INDEX_NAME, FileSink
from scholarkg.store.remote import SparqlStore
from scholarkg.store.sparql_text import iri_ref
from store_proxy import StoreProxy, running_proxy

pytest_plugins = ("oxigraph_server",)

G = URIRef("https://example.org/graph/1")
G2 = URIRef("https://example.org/graph/2")
S = URIRef("https://example.org/s")
P = URIRef("https://example.org/p")
HOSTILE = 'x" } } ; DROP ALL ; INSERT DATA { GRAPH <https://e.org/g> { <a> <b> "c'
TRICKY = [
    "line\nbreak\r\n",
    'quote " and \\ backslash \\" \\u0022',
    "Zoë Ångström 😀 \u0001 tab\t",
    HOSTILE,
    "} } ",
]
BACKENDS = ["embedded", "server-put", "server-update", "files"]
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def graph_of(*values: str) -> Graph:
    g = Graph()
    for v in values:
        g.add((S, P, Literal(v)))
    return g


def open_backend(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> GraphStore:
    if kind == "embedded":
        return open_store("oxigraph", path=tmp_path / "store")
    if kind == "files":
        return open_store("files", path=tmp_path / "files")
    base = request.getfixturevalue("oxigraph_url")
    via = kind.removeprefix("server-")  # only the endpoint of the chosen write path is given
    return open_store(
        "sparql",
        query_url=f"{base}/query",
        update_url=f"{base}/update" if via == "update" else None,
        store_url=f"{base}/store" if via == "put" else None,
        replace_via=via,
    )


@pytest.fixture(autouse=True)
def no_sparql_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """SCHOLARKG_SPARQL_* variables reach a loaded config: none may leak into these tests."""
    for name in ("QUERY_URL", "UPDATE_URL", "STORE_URL", "USER", "PASSWORD", "SERVER"):
        monkeypatch.delenv(f"SCHOLARKG_SPARQL_{name}", raising=False)
    monkeypatch.delenv("SCHOLARKG_SPARQL_REPLACE_VIA", raising=False)


@pytest.fixture(
    params=[
        pytest.param(kind, marks=pytest.mark.server) if kind.startswith("server") else kind
        for kind in BACKENDS
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    backend = open_backend(request.param, tmp_path, request)
    try:
        yield backend
    finally:
        backend.close()


def objects(store: GraphStore, iri: URIRef) -> set[str]:
    return {o for _, _, o in store.triples_in(iri)}


def test_every_backend_is_a_graph_store(store: GraphStore) -> None:
    assert isinstance(store, GraphStore)


def test_replace_swaps_content(store: GraphStore) -> None:
    store.replace_graph(G, graph_of("old", "kept"))
    store.replace_graph(G2, graph_of("other"))
    store.replace_graph(G, graph_of("new", "kept"))
    assert objects(store, G) == {'"new"', '"kept"'}
    assert objects(store, G2) == {'"other"'}
    assert store.graph_names() == {str(G), str(G2)}
    assert store.quad_count() == 3


def test_hostile_literals_round_trip_exactly(store: GraphStore) -> None:
    store.replace_graph(G, graph_of(*TRICKY))
    result = store.query(f"SELECT ?o WHERE {{ GRAPH {iri_ref(G)} {{ ?s ?p ?o }} }}", union=False)
    assert isinstance(result, ox.QuerySolutions)
    assert sorted(row["o"].value for row in result) == sorted(TRICKY)
    assert objects(store, G) == {str(ox.Literal(v)) for v in TRICKY}
    assert store.graph_names() == {str(G)}  # nothing escaped into another graph


EVIL_NTRIPLES = (
    '<https://e.org/s> <https://e.org/p> "x" . } } ; DROP ALL ; '
    "INSERT DATA { GRAPH <https://e.org/evil> { "
    "<https://e.org/a> <https://e.org/b> <https://e.org/c> ."
)


def test_hostile_ntriples_text_cannot_break_out(store: GraphStore) -> None:
    store.replace_graph(G2, graph_of("survivor"))
    with pytest.raises(LoadError):
        store.replace_graph_ntriples(G, EVIL_NTRIPLES)
    assert store.graph_names() == {str(G2)}
    assert objects(store, G2) == {'"survivor"'}


def test_iri_that_breaks_out_is_refused(store: GraphStore) -> None:
    store.replace_graph(G, graph_of("survivor"))
    for bad in ("https://example.org/g> } ; DROP ALL ; #", "https://e.org/a b", ""):
        with pytest.raises(LoadError):
            store.replace_graph(bad, graph_of("x"))
    assert store.graph_names() == {str(G)}
    assert objects(store, G) == {'"survivor"'}


def test_failed_replacement_leaves_old_graph(store: GraphStore) -> None:
    store.replace_graph(G, graph_of("old"))
    with pytest.raises(LoadError):
        store.replace_graph_ntriples(G, "<https://example.org/s> <broken")
    assert objects(store, G) == {'"old"'}


def test_union_select_sees_named_graphs(store: GraphStore) -> None:
    store.replace_graph(G, graph_of("one"))
    store.replace_graph(G2, graph_of("two"))
    union = store.query("SELECT ?o WHERE { ?s ?p ?o }", union=True)
    assert isinstance(union, ox.QuerySolutions)
    assert sorted(row["o"].value for row in union) == ["one", "two"]
    default_only = store.query("SELECT ?o WHERE { ?s ?p ?o }", union=False)
    assert isinstance(default_only, ox.QuerySolutions)
    assert list(default_only) == []  # the union really came from the union option


def test_ask_and_construct(store: GraphStore) -> None:
    store.replace_graph(G, graph_of("yes"))
    found = store.query(f'ASK {{ GRAPH {iri_ref(G)} {{ ?s ?p "yes" }} }}', union=False)
    missing = store.query('ASK { ?s ?p "no" }')
    assert isinstance(found, ox.QueryBoolean) and bool(found) is True
    assert isinstance(missing, ox.QueryBoolean) and bool(missing) is False
    triples = store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(triples, ox.QueryTriples)
    assert [(t.subject.value, t.object.value) for t in triples] == [(str(S), "yes")]


def test_query_syntax_error_is_a_query_error(store: GraphStore) -> None:
    with pytest.raises(QueryError):
        store.query("SELEC ?x WHERE { ?x ?y ?z }")


def varied_graph(n: int) -> Graph:
    g = Graph()
    for i in range(n):
        s = URIRef(f"https://example.org/thing/{n}/{i}")
        g.add((s, P, Literal(i)))
        g.add((s, P, Literal(f"{i}.50", datatype=XSD_DECIMAL)))
        g.add((s, P, Literal(f"Titre n°{i}", lang="fr")))
        g.add((s, P, Literal("2024-02-29", datatype=XSD_DATE)))
        g.add((s, URIRef("https://example.org/rel"), URIRef(f"https://example.org/é/{i}")))
        g.add((s, P, Literal(TRICKY[i % len(TRICKY)])))
    return g


@pytest.mark.server
def test_backends_agree_on_the_same_input(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    graphs = {URIRef(f"https://example.org/graph/agree/{n}"): varied_graph(n) for n in (1, 3, 7)}
    seen = []
    for kind in BACKENDS:
        backend = open_backend(kind, tmp_path / kind, request)
        try:
            for iri, graph in graphs.items():
                backend.replace_graph(iri, graph)
            seen.append(
                (
                    backend.graph_names(),
                    {iri: backend.triples_in(iri) for iri in graphs},
                    backend.quad_count(),
                )
            )
        finally:
            backend.close()
        if kind.startswith("server"):
            request.getfixturevalue("oxigraph_server").clear()
    assert seen[0][2] == sum(len(g) for g in graphs.values())
    assert all(entry == seen[0] for entry in seen[1:])


def test_blank_nodes_survive_every_backend(store: GraphStore) -> None:
    g = Graph()
    node = BNode()
    g.add((S, P, node))
    g.add((node, P, Literal("inner")))
    store.replace_graph(G, g)
    rows = store.query(
        f"SELECT ?v WHERE {{ GRAPH {iri_ref(G)} {{ {iri_ref(S)} {iri_ref(P)} ?b . ?b ?p ?v }} }}",
        union=False,
    )
    assert isinstance(rows, ox.QuerySolutions)
    assert [row["v"].value for row in rows] == ["inner"]


# -- file sink specifics ------------------------------------------------------------------------


def test_file_sink_layout_index_and_export(tmp_path: Path) -> None:
    with FileSink(tmp_path / "sink") as sink:
        sink.replace_graph(G, graph_of("a", "b"))
        sink.replace_graph("https://example.org/../../etc/passwd", graph_of("c"))
        files = sorted(p.name for p in (tmp_path / "sink").iterdir() if p.suffix == ".nt")
        assert len(files) == 2 and all("/" not in f and not f.startswith(".") for f in files)
        index = (tmp_path / "sink" / INDEX_NAME).read_text(encoding="utf-8")
        assert str(G) in index and "etc/passwd" in index
        assert not list((tmp_path / "sink").glob(".*.part"))  # no temporary file left
        nq = sink.export(tmp_path / "out" / "all.nq")
        trig = sink.export(tmp_path / "out" / "all.trig", format="trig")
    dataset = ox.Store()
    dataset.load(path=nq, format=ox.RdfFormat.N_QUADS)
    assert len(dataset) == 3
    again = ox.Store()
    again.load(path=trig, format=ox.RdfFormat.TRIG)
    assert set(again) == set(dataset)


def test_file_sink_has_one_writer_and_read_only_readers(tmp_path: Path) -> None:
    with FileSink(tmp_path / "sink") as sink:
        sink.replace_graph(G, graph_of("a"))
        with pytest.raises(LoadError, match="another process"):
            FileSink(tmp_path / "sink")
        reader = FileSink(tmp_path / "sink", read_only=True)
        assert objects(reader, G) == {'"a"'}
        with pytest.raises(LoadError, match="read-only"):
            reader.replace_graph(G, graph_of("b"))
    with pytest.raises(LoadError, match="no file sink here"):
        FileSink(tmp_path / "missing", read_only=True)


# -- factory and configuration ------------------------------------------------------------------


def test_unknown_store_kind_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown store kind"):
        open_store("postgres", path=tmp_path)
    with pytest.raises(ConfigError):
        open_store("oxigraph")
    with pytest.raises(ConfigError):
        SparqlStore("http://127.0.0.1:1/query", server="neptune")


def test_endpoints_and_credentials_from_the_environment_keep_secrets_out_of_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {
        "SCHOLARKG_SPARQL_QUERY_URL": "http://db.example/q",
        "SCHOLARKG_SPARQL_UPDATE_URL": "http://db.example/u",
        "SCHOLARKG_SPARQL_STORE_URL": "http://db.example/s",
        "SCHOLARKG_SPARQL_USER": "kg-writer-7f3a",  # a word no setting name holds
        "SCHOLARKG_SPARQL_PASSWORD": "hunter2",
        "SCHOLARKG_SPARQL_SERVER": "fuseki",
        "SCHOLARKG_STORE__KIND": "sparql",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = load_config()
    store = config.store.open()
    assert isinstance(store, SparqlStore)
    assert (store.query_url, store.update_url, store.store_url) == tuple(
        env[f"SCHOLARKG_SPARQL_{k}_URL"] for k in ("QUERY", "UPDATE", "STORE")
    )
    assert store.server == "fuseki" and store.credentials == ("kg-writer-7f3a", "hunter2")
    for shown in (repr(store), repr(config), str(config.store), repr(spec_for(store))):
        assert "hunter2" not in shown and "kg-writer-7f3a" not in shown
    monkeypatch.delenv("SCHOLARKG_SPARQL_QUERY_URL")
    with pytest.raises(ConfigError, match="SCHOLARKG_SPARQL_QUERY_URL"):
        load_config().store.open()


@pytest.mark.server
def test_read_only_sparql_store_cannot_write(oxigraph_url: str) -> None:
    store = open_store(
        "sparql",
        read_only=True,
        query_url=f"{oxigraph_url}/query",
        store_url=f"{oxigraph_url}/store",
    )
    with pytest.raises(LoadError, match="no write endpoint configured"):
        store.replace_graph(G, graph_of("x"))
    with pytest.raises(LoadError, match="no write endpoint configured"):
        store.replace_graphs([(G, "")])
    assert store.graph_names() == set()


# -- remote specifics ---------------------------------------------------------------------------


@pytest.fixture
def auth_proxy(oxigraph_url: str) -> Iterator[StoreProxy]:
    with running_proxy(oxigraph_url, "alice", "s3cret:é") as proxy:
        yield proxy


@pytest.mark.server
def test_basic_auth_header_is_sent(auth_proxy: StoreProxy) -> None:
    with SparqlStore.for_oxigraph(auth_proxy.url, user="alice", password="s3cret:é") as store:
        store.replace_graph(G, graph_of("secret"))
        assert objects(store, G) == {'"secret"'}
    assert {method for method, _ in auth_proxy.seen} == {"PUT", "POST"}
    assert all(auth == auth_proxy.expected for _, auth in auth_proxy.seen)


@pytest.mark.server
def test_configured_store_and_its_query_workers_authenticate(
    auth_proxy: StoreProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Endpoints from the file, credentials only from the environment; the serve workers (which
    open their own connection, in another process) get them too."""
    mine = tmp_path / "c.toml"
    base = auth_proxy.url.rstrip("/")
    mine.write_text(
        f'[store]\nkind = "sparql"\nquery_url = "{base}/query"\nstore_url = "{base}/store"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SCHOLARKG_SPARQL_USER", "alice")
    monkeypatch.setenv("SCHOLARKG_SPARQL_PASSWORD", "s3cret:é")
    config = load_config(mine)
    with config.store.open() as store:
        store.replace_graph(G, graph_of("configured"))
        spec = spec_for(store)
    assert "s3cret" not in repr(spec)
    worker_view, _ = spec.open()
    assert worker_view.graph_names() == {str(G)}
    assert auth_proxy.seen and all(auth == auth_proxy.expected for _, auth in auth_proxy.seen)


@pytest.mark.server
def test_wrong_or_missing_credentials_are_refused(auth_proxy: StoreProxy) -> None:
    wrong = SparqlStore.for_oxigraph(auth_proxy.url, user="alice", password="wrong")
    with wrong, pytest.raises(LoadError, match=r"HTTP 401.*credentials required"):
        wrong.replace_graph(G, graph_of("x"))
    anonymous = SparqlStore.for_oxigraph(auth_proxy.url)
    with anonymous, pytest.raises(QueryError, match="HTTP 401"):
        anonymous.graph_names()
    assert auth_proxy.seen[-1] == ("POST", None)


def test_unreachable_endpoint_names_the_url() -> None:
    base = f"http://127.0.0.1:{free_port()}"
    with SparqlStore.for_oxigraph(base, connect_timeout=2) as store:
        with pytest.raises(LoadError, match=re.escape(f"{base}/store") + ".*cannot connect"):
            store.replace_graph(G, graph_of("x"))
        with pytest.raises(QueryError, match=re.escape(f"{base}/query") + ".*cannot connect"):
            store.query("ASK {}")


class _HangsUp(Answering):
    """Reads each request whole, then closes the connection unanswered (a server that crashed
    under it, a proxy that dropped it)."""

    def answer(self, conn: socket.socket) -> None:
        read_request(conn)


def test_a_request_the_server_hangs_up_on_is_said_so_not_cannot_connect() -> None:
    """Before: ``cannot connect (('Connection aborted.', RemoteDisconnected(…)))``, though the
    connection was made and the request sent: an operator looked at the network."""
    server = _HangsUp()
    try:
        with SparqlStore.for_oxigraph(server.url) as store:
            for call, endpoint in (
                (lambda: store.replace_graph(G, graph_of("x")), "store: replace graph"),
                (lambda: store.update("DROP SILENT GRAPH <urn:g>"), "update: SPARQL update"),
                (lambda: store.query("ASK {}"), "query: SPARQL query"),
            ):
                with pytest.raises((LoadError, QueryError)) as failed:
                    call()
                said = str(failed.value)
                assert said.startswith(f"{server.url}/{endpoint}")
                assert ": no answer: the server closed the connection after the request (" in said
                assert "cannot connect" not in said and "\n" not in said
    finally:
        server.close()


def test_silent_server_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        base = f"http://127.0.0.1:{silent.getsockname()[1]}"
        store = SparqlStore.for_oxigraph(base, timeout=0.5)
        with store, pytest.raises(LoadError, match=re.escape(f"{base}/store") + ".*timed out"):
            store.replace_graph(G, graph_of("x"))


def server_says(method: str, url: str, body: bytes, content_type: str) -> str:
    """What the server answers to a bad request sent directly (no client code involved)."""
    answer = requests.request(
        method, url, data=body, headers={"Content-Type": content_type}, timeout=10
    )
    assert answer.status_code == 400 and answer.text.strip()
    return answer.text.strip()[:200]


@pytest.mark.server
def test_rejected_update_carries_the_server_message(oxigraph_url: str) -> None:
    bad = "INSERT DATA { <https://e.org/s> <https://e.org/p> }"
    said = server_says("POST", f"{oxigraph_url}/update", bad.encode(), "application/sparql-update")
    with SparqlStore.for_oxigraph(oxigraph_url) as store, pytest.raises(LoadError) as caught:
        store.update(bad)
    message = str(caught.value)
    assert f"{oxigraph_url}/update" in message and "HTTP 400" in message and said in message


@pytest.mark.server
def test_rejected_put_carries_the_server_message(oxigraph_url: str) -> None:
    bad = "<https://example.org/s> <broken"
    said = server_says(
        "PUT", f"{oxigraph_url}/store?graph={G}", bad.encode(), "application/n-triples"
    )
    with SparqlStore.for_oxigraph(oxigraph_url) as store, pytest.raises(LoadError) as caught:
        store.replace_graph_ntriples(G, bad)
    message = str(caught.value)
    assert f"{oxigraph_url}/store" in message and "HTTP 400" in message and said in message


@pytest.mark.server
def test_query_syntax_error_carries_the_server_message(oxigraph_url: str) -> None:
    bad = "SELEC * WHERE { ?s ?p ?o }"
    said = server_says(
        "POST",
        f"{oxigraph_url}/query",
        urlencode({"query": bad}).encode(),
        "application/x-www-form-urlencoded",
    )
    with SparqlStore.for_oxigraph(oxigraph_url) as store, pytest.raises(QueryError) as caught:
        store.query(bad)
    message = str(caught.value)
    assert f"{oxigraph_url}/query" in message and "HTTP 400" in message and said in message

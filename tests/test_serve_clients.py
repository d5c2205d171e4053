"""Conformance with real clients: SPARQLWrapper, rdflib's SPARQLStore bound to a named graph,
``rdflib.Graph.parse(url)`` in each format, a CORS preflight, conditional GETs, Graph Store
Protocol reads, and the integrator's URLs (VoID, dumps, JSON-LD context)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF, RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, TURTLE, XML, SPARQLWrapper

from scholarkg.config import ServeSettings
from scholarkg.export import export_dump
from scholarkg.iris import SKG
from scholarkg.store.embedded import EmbeddedStore
from serve_fixtures import BASE, LEONARD, PAPER, build_v2_store
from serve_helpers import HTML_ACCEPT, SPARQL_JSON, local, running_server

pytestmark = [
    pytest.mark.server,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]
DADASHI_GRAPH = BASE + "graph/person/robert-dadashi"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    directory = tmp_path_factory.mktemp("clients")
    store_path = build_v2_store(directory / "store")
    exports = directory / "exports"
    with EmbeddedStore(store_path, read_only=True) as store:
        export_dump(store, exports / "scholarkg.nq", "nq")
        export_dump(store, exports / "scholarkg.jsonld", "jsonld")
    settings = ServeSettings(workers=2, cors_origins=("https://notebook.example",))
    with running_server(store_path, build=False, settings=settings, exports_dir=exports) as (
        server,
        _,
    ):
        yield server.url, exports


@pytest.fixture(scope="module")
def url(served: tuple[str, Path]) -> str:
    return served[0]


NAMES = f"SELECT ?person ?name WHERE {{ ?person <{FOAF.name}> ?name }} ORDER BY ?name"


def test_sparqlwrapper_select_ask_construct_in_every_format(url: str) -> None:
    client = SPARQLWrapper(url + "sparql")
    client.setQuery(NAMES)
    for fmt in (JSON, XML, CSV):
        client.setReturnFormat(fmt)
        result = client.query().convert()
        if fmt == JSON:
            names = [b["name"]["value"] for b in result["results"]["bindings"]]  # type: ignore[index]
            assert names[0] == "Gemma Team" and "Léonard Hussenot" in names
        elif fmt == CSV:
            assert b"L\xc3\xa9onard Hussenot" in result  # type: ignore[operator]
    client.setMethod("POST")
    client.setQuery(f"ASK {{ <{LEONARD}> ?p ?o }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True  # type: ignore[index]
    client.setQuery(
        f"CONSTRUCT {{ <{LEONARD}> <{FOAF.name}> ?n }} WHERE {{ <{LEONARD}> <{FOAF.name}> ?n }}"
    )
    for fmt in (TURTLE, XML, N3):
        client.setReturnFormat(fmt)
        converted = client.query().convert()
        graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted)
        assert set(graph) == {(URIRef(LEONARD), FOAF.name, Literal("Léonard Hussenot"))}


def test_rdflib_sparqlstore_bound_to_a_named_graph(url: str) -> None:
    store = SPARQLStore(url + "sparql")
    graph = Graph(store=store, identifier=URIRef(DADASHI_GRAPH))
    names = [str(r[0]) for r in graph.query(f"SELECT ?n WHERE {{ ?s <{FOAF.name}> ?n }}")]  # type: ignore[index]
    assert names == ["Robert Dadashi"]
    people = set(graph.subjects(RDF.type, SKG.Person))
    assert people == {URIRef(BASE + "person/robert-dadashi")}
    union = Graph(store=SPARQLStore(url + "sparql"))
    assert len(list(union.query(NAMES))) == 9


def test_graph_parse_of_a_resource_in_each_format(url: str) -> None:
    expected = (URIRef(LEONARD), FOAF.name, Literal("Léonard Hussenot"))
    for fmt in ("turtle", "xml", "nt", "json-ld", "n3", "trig"):
        graph = Graph()
        graph.parse(url + local(LEONARD)[1:], format=fmt)
        assert expected in graph, fmt
    graph = Graph()
    graph.parse(url + local(PAPER)[1:])  # format from the Content-Type
    assert (URIRef(PAPER), SKG.arxivId, Literal("2104.12255")) in graph


def test_cors_preflight_and_simple_request(url: str) -> None:
    origin = "https://notebook.example"
    preflight = requests.options(
        url + "sparql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    simple = requests.get(
        url + "sparql", params={"query": "ASK {}"}, headers={"Origin": origin}, timeout=30
    )
    assert simple.headers["Access-Control-Allow-Origin"] == origin
    assert "ETag" in simple.headers["Access-Control-Expose-Headers"]
    stranger = requests.options(
        url + "sparql",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert stranger.status_code == 400
    assert "Access-Control-Allow-Origin" not in stranger.headers


def test_caching_headers_and_conditional_gets(url: str) -> None:
    for path, params in (("sparql", {"query": NAMES}), (local(LEONARD)[1:], {}), ("", {})):
        first = requests.get(url + path, params=params, timeout=30)
        assert first.status_code == 200
        tag = first.headers["ETag"]
        assert first.headers["Last-Modified"] and "max-age=" in first.headers["Cache-Control"]
        again = requests.get(url + path, params=params, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        strong = tag.removeprefix("W/")  # If-None-Match compares weakly (RFC 9110 13.1.2)
        listed = f'"something-else", {strong}'
        again = requests.get(url + path, params=params, headers={"If-None-Match": listed})
        assert again.status_code == 304, (path, tag)
        other = requests.get(
            url + path, params=params, headers={"If-None-Match": tag, "Accept": "text/csv, */*"}
        )
        assert other.status_code == 200 or other.headers["ETag"] == tag


def test_if_none_match_star_is_304_for_what_exists_only(url: str) -> None:
    """RFC 9110 13.1.2: ``If-None-Match: *`` is false when a current representation exists, so
    a GET of one answers 304; for a resource that does not exist the answer is unchanged."""
    star = {"If-None-Match": "*"}
    existing = (
        ("sparql", {"query": NAMES}),
        (local(LEONARD)[1:], {}),
        (local(LEONARD)[1:], {"format": "html"}),
        ("", {}),
        ("store", {"graph": DADASHI_GRAPH}),
        (".well-known/void", {}),
        ("context.jsonld", {}),
    )
    for path, params in existing:
        plain = requests.get(url + path, params=params, timeout=30)
        assert plain.status_code == 200, path
        again = requests.get(url + path, params=params, headers=star, timeout=30)
        assert again.status_code == 304 and again.content == b"", (path, again.status_code)
        assert again.headers["ETag"] == plain.headers["ETag"], path
        own = {"If-None-Match": plain.headers["ETag"]}
        assert requests.get(url + path, params=params, headers=own).status_code == 304, path
        head = requests.head(url + path, params=params, headers=star, timeout=30)
        assert head.status_code == 304, path
    missing = (
        (local(BASE + "person/nobody-at-all")[1:], {}),
        ("store", {"graph": BASE + "graph/nothing"}),
        ("sparql", {"query": "SELEC nothing"}),
        ("queries/no-such-query", {}),
    )
    for path, params in missing:
        plain = requests.get(url + path, params=params, timeout=30)
        assert plain.status_code >= 400, path
        again = requests.get(url + path, params=params, headers=star, timeout=30)
        assert (again.status_code, again.content) == (plain.status_code, plain.content), path


def test_if_none_match_star_leaves_answers_without_a_validator(url: str) -> None:
    """``*`` answers 304 only for what the server tags: a page computed per request with no
    ETag (the query page, a search, the dump list, the service description) is sent in full,
    as it would be without the header; a 304 would carry no validator and nothing to show."""
    star = {"If-None-Match": "*"}
    untagged = (
        ("sparql", {}, HTML_ACCEPT),
        ("sparql", {}, "text/turtle"),
        ("search", {"q": "Leonard"}, "application/json"),
        ("search", {"q": "Leonard"}, HTML_ACCEPT),
        ("dumps/", {}, HTML_ACCEPT),
        ("queries", {}, "application/json"),
    )
    for path, params, accept in untagged:
        plain = requests.get(url + path, params=params, headers={"Accept": accept}, timeout=30)
        assert plain.status_code == 200 and "ETag" not in plain.headers, (path, accept)
        for ask in (requests.get, requests.head):
            again = ask(url + path, params=params, headers={"Accept": accept, **star}, timeout=30)
            assert again.status_code == 200, (path, accept, ask, again.status_code)
            assert again.headers["Content-Type"] == plain.headers["Content-Type"], path
        again = requests.get(url + path, params=params, headers={"Accept": accept, **star})
        assert again.content == plain.content, (path, accept)
        assert plain.content, path


def test_an_html_results_page_is_never_answered_304(url: str) -> None:
    """A results page for a browser is sent no-store with no ETag: no If-None-Match, neither
    the tag it would have nor ``*``, turns it into a 304 (the browser would show nothing)."""
    from types import SimpleNamespace

    from starlette.requests import Request

    from scholarkg.serve.http_base import BaseRoutes
    from scholarkg.serve.protocol import negotiate

    json_tag = requests.get(url + "sparql", params={"query": NAMES}, timeout=30).headers["ETag"]
    version = json_tag.removeprefix('W/"').rsplit("-", 1)[0]
    cases = (({"query": NAMES}, HTML_ACCEPT), ({"query": NAMES, "format": "html"}, "*/*"))
    for params, accept in cases:
        page = requests.get(url + "sparql", params=params, headers={"Accept": accept}, timeout=30)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
        assert page.headers["Cache-Control"] == "no-store" and "ETag" not in page.headers
        query = page.url.split("?", 1)[1]
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/sparql",
            "query_string": query.encode(),
            "headers": [],
            "server": ("x", 80),
            "scheme": "http",
        }
        wanted = negotiate(accept, {k: [v] for k, v in params.items()})
        routes = SimpleNamespace(kg=SimpleNamespace(watcher=SimpleNamespace(version=version)))
        would_be = BaseRoutes.etag(routes, Request(scope), repr(wanted))  # type: ignore[arg-type]
        for match in (would_be, "*", f'"other", {would_be.removeprefix("W/")}'):
            for ask in (requests.get, requests.head):
                again = ask(
                    url + "sparql",
                    params=params,
                    headers={"Accept": accept, "If-None-Match": match},
                    timeout=30,
                )
                assert again.status_code == 200, (params, match, ask)
                assert again.headers["Cache-Control"] == "no-store"
                assert "ETag" not in again.headers
    json_again = {"If-None-Match": json_tag}  # a cacheable answer's own tag still is a 304
    assert (
        requests.get(url + "sparql", params={"query": NAMES}, headers=json_again).status_code == 304
    )
    search = {"Accept": HTML_ACCEPT, "If-None-Match": "*"}  # the search page is no-store too
    found = requests.get(url + "search", params={"q": "Leonard"}, headers=search, timeout=30)
    assert found.status_code == 200 and found.headers["Cache-Control"] == "no-store"


def test_head_answers_as_get_without_a_body(url: str) -> None:
    """RFC 9110 9.3.2: a HEAD carries the headers its GET would, validators included, and
    the same conditional answers (a tag from either one answers 304 to the other); a query's
    HEAD leaves out the ``Content-Length`` only running it would tell."""
    same = ("ETag", "Cache-Control", "Last-Modified", "Vary", "Content-Type")
    cases = (
        ("sparql", {"query": NAMES}, "*/*"),
        ("sparql", {"query": NAMES}, "text/csv"),
        ("sparql", {"query": NAMES}, HTML_ACCEPT),
        ("sparql", {}, HTML_ACCEPT),
        ("sparql", {}, "text/turtle"),
        ("query", {"query": NAMES}, SPARQL_JSON),
        (local(LEONARD)[1:], {}, "text/turtle"),
        ("store", {"graph": DADASHI_GRAPH}, "text/turtle"),
    )
    for path, params, accept in cases:
        headers = {"Accept": accept}
        got = requests.get(url + path, params=params, headers=headers, timeout=30)
        head = requests.head(url + path, params=params, headers=headers, timeout=30)
        assert (head.status_code, head.content) == (got.status_code, b""), (path, accept)
        assert got.status_code == 200, (path, accept)
        for name in same:
            assert head.headers.get(name) == got.headers.get(name), (path, accept, name)
        # a query's HEAD never runs it: the length of its answer is not known (test_serve_head)
        length = None if "query" in params else got.headers.get("Content-Length")
        assert head.headers.get("Content-Length") == length, (path, accept)
        if "ETag" not in got.headers:
            continue
        assert "no-store" not in got.headers["Cache-Control"], (path, accept)
        tag = {"If-None-Match": got.headers["ETag"], **headers}
        again = requests.head(url + path, params=params, headers=tag, timeout=30)
        assert again.status_code == 304 and again.headers["ETag"] == got.headers["ETag"], path
        tag = {"If-None-Match": head.headers["ETag"], **headers}
        assert requests.get(url + path, params=params, headers=tag).status_code == 304, path
    posted = requests.post(url + "sparql", data={"query": NAMES}, timeout=30)
    assert posted.headers["Cache-Control"] == "no-store" and "ETag" not in posted.headers


def test_graph_store_protocol_reads(url: str) -> None:
    one = requests.get(
        url + "store", params={"graph": DADASHI_GRAPH}, headers={"Accept": "text/turtle"}
    )
    assert one.status_code == 200 and one.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=one.text, format="turtle")
    assert (URIRef(BASE + "person/robert-dadashi"), FOAF.name, Literal("Robert Dadashi")) in graph
    assert len(graph) == 19
    default = requests.get(
        url + "store", params={"default": ""}, headers={"Accept": "application/n-triples"}
    )
    assert default.status_code == 200 and len(default.text.splitlines()) > len(graph)
    missing = requests.get(url + "store", params={"graph": BASE + "graph/nothing"})
    assert missing.status_code == 404
    assert requests.get(url + "store").status_code == 400


def test_void_and_dumps_are_served_with_their_urls_and_checksums(
    url: str, served: tuple[str, Path]
) -> None:
    exports = served[1]
    void = requests.get(url + ".well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert void.status_code == 200
    graph = Graph().parse(data=void.text, format="turtle")
    dcat = "http://www.w3.org/ns/dcat#"
    downloads = {str(o) for o in graph.objects(None, URIRef(dcat + "downloadURL"))}
    assert downloads == {url + "dumps/scholarkg.nq", url + "dumps/scholarkg.jsonld"}
    assert not any(str(o).startswith("file:") for o in graph.objects())
    assert (None, URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), URIRef(url + "sparql")) in graph
    checksums = {
        str(o) for o in graph.objects(None, URIRef("http://spdx.org/rdf/terms#checksumValue"))
    }
    for name in ("scholarkg.nq", "scholarkg.jsonld"):
        dump = requests.get(url + "dumps/" + name, timeout=30)
        assert dump.status_code == 200
        digest = hashlib.sha256(dump.content).hexdigest()
        assert digest in checksums
        assert dump.content == (exports / name).read_bytes()
    assert requests.get(url + "dumps/..%2Fstore", timeout=30).status_code == 404
    assert requests.get(url + "dumps/scholarkg.nq.sha256").text.split()[0] in checksums
    listing = requests.get(url + "dumps/", timeout=30)
    assert "scholarkg.nq" in listing.text


def test_jsonld_dump_is_compacted_and_round_trips(served: tuple[str, Path]) -> None:
    exports = served[1]
    text = (exports / "scholarkg.jsonld").read_text(encoding="utf-8")
    assert '"@context"' in text and '"title": "Hyperparameter Selection' in text
    graph = Graph().parse(data=text, format="json-ld")
    assert (URIRef(LEONARD), FOAF.name, Literal("Léonard Hussenot")) in graph


def test_results_as_csv_for_pandas_style_clients(url: str) -> None:
    response = requests.get(url + "sparql", params={"query": NAMES, "output": "csv"}, timeout=30)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "person,name"
    json_answer = requests.get(
        url + "sparql", params={"query": NAMES}, headers={"Accept": SPARQL_JSON}
    )
    assert len(json_answer.json()["results"]["bindings"]) == len(response.text.splitlines()) - 1


def test_ontology_page_is_served(url: str) -> None:
    page = requests.get(url + "ontology", timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "nav ul ul{columns:3" in page.text  # the contents list no longer overlaps itself


def test_void_is_negotiated_as_a_resource_is(url: str) -> None:
    """Before: Turtle for text/html (a browser), for image/png and for q=0 on everything."""
    void = url + ".well-known/void"
    turtle = Graph().parse(data=requests.get(void, timeout=30).text, format="turtle")
    assert len(turtle) > 0
    for accept, media, rdflib_format in (
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/turtle;q=0, application/n-triples", "application/n-triples", "nt"),
        ("text/plain", "text/plain", "nt"),
    ):
        answer = requests.get(void, headers={"Accept": accept}, timeout=30)
        assert answer.status_code == 200, (accept, answer.text)
        assert answer.headers["Content-Type"] == f"{media}; charset=utf-8", accept
        parsed = Graph().parse(data=answer.text, format=rdflib_format, publicID=url)
        assert isomorphic(parsed, turtle), accept
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = requests.get(void, headers={"Accept": browser}, timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "<h1>" in page.text and url + "sparql" in page.text
    assert page.headers["Content-Location"] == "/.well-known/void?format=html"
    by_param = requests.get(void, params={"format": "nt"}, headers={"Accept": browser}, timeout=30)
    assert by_param.headers["Content-Type"].startswith("application/n-triples")
    assert by_param.headers["ETag"] != page.headers["ETag"]  # one tag per variant
    for refused in ("image/png", "text/turtle;q=0", "*/*;q=0"):
        answer = requests.get(void, headers={"Accept": refused}, timeout=30)
        assert answer.status_code == 406, (refused, answer.status_code)
        assert answer.text.startswith("not acceptable; the VoID description comes as Turtle")
    assert requests.get(void, params={"format": "png"}, timeout=30).status_code == 400


def test_a_void_tag_changes_with_the_dumps_it_describes(served: tuple[str, Path]) -> None:
    """The VoID description names the dumps found beside the store (their URLs, sizes,
    checksums), which `scholarkg export` changes without changing the store: before, its tag
    was the store's alone, so a client revalidating after a new dump got 304 and kept the old
    description until the store changed."""
    url, exports = served
    void = url + ".well-known/void"
    before = requests.get(void, timeout=30)
    tag = before.headers["ETag"]
    assert requests.get(void, headers={"If-None-Match": tag}, timeout=30).status_code == 304
    added = exports / "scholarkg.ttl"
    added.write_text('<https://example.org/a> <https://example.org/p> "a" .\n', encoding="utf-8")
    try:
        after = requests.get(void, headers={"If-None-Match": tag}, timeout=30)
        again = requests.get(void, headers={"If-None-Match": after.headers["ETag"]}, timeout=30)
    finally:
        added.unlink()
    assert after.status_code == 200, after.status_code  # before: 304
    assert url + "dumps/scholarkg.ttl" not in before.text
    assert url + "dumps/scholarkg.ttl" in after.text
    assert after.headers["ETag"] != tag and again.status_code == 304
    gone = requests.get(void, headers={"If-None-Match": after.headers["ETag"]}, timeout=30)
    assert gone.status_code == 200 and gone.headers["ETag"] == tag  # as it was, once removed

"""The HTTP server against the constructed v2-model store (tests/fixtures/serve), with real
HTTP clients against a real server on 127.0.0.1: protocol, content negotiation, linked data,
the entity pages, search, and escaping of hostile values."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS
from rdflib.query import Result

from scholarkg.config import ServeSettings
from scholarkg.errors import ConfigError
from scholarkg.iris import SKG
from scholarkg.query import saved_queries
from scholarkg.serve.conneg import choose, prefers_html
from scholarkg.serve.linked_data import IriMapper
from scholarkg.serve.protocol import Operation
from scholarkg.serve.protocol import negotiate as negotiate_query
from scholarkg.store.embedded import EmbeddedStore
from serve_fixtures import (
    BASE,
    CS_LG,
    DADASHI,
    DEEPMIND,
    GEMMA,
    GROUP,
    HOSTILE,
    JANE,
    LEONARD,
    PAPER,
    RETIRED,
    build_v2_store,
)
from serve_helpers import HTML_ACCEPT, SPARQL_JSON, Page, local, running_server, until

pytestmark = [
    pytest.mark.server,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, EmbeddedStore]]:
    with running_server(tmp_path_factory.mktemp("serve") / "store") as (server, store):
        yield server.url, store


@pytest.fixture(scope="module")
def url(served: tuple[str, EmbeddedStore]) -> str:
    return served[0]


@pytest.fixture(scope="module")
def store(served: tuple[str, EmbeddedStore]) -> EmbeddedStore:
    return served[1]


def get_html(url: str, **params: str) -> requests.Response:
    return requests.get(url, params=params, headers={"Accept": HTML_ACCEPT}, timeout=60)


# --- content negotiation -------------------------------------------------------------------


def test_choose_follows_q_values_specificity_and_server_order() -> None:
    offers = ["text/turtle", "application/ld+json", "text/html"]
    assert choose(None, offers) == "text/turtle"
    assert choose("*/*", offers) == "text/turtle"
    assert choose(HTML_ACCEPT, offers) == "text/html"
    assert choose("application/ld+json;q=0.5, text/turtle;q=0.4", offers) == "application/ld+json"
    assert choose("text/*;q=0.9, text/turtle;q=0", offers) == "text/html"
    for junk in ("nan", "inf", "-inf", "NaN"):  # no weight: not acceptable, not the best
        said = f"application/ld+json;q={junk}, text/turtle;q=0.5"
        assert choose(said, offers) == "text/turtle", junk
    assert choose("image/png", offers) is None
    assert prefers_html(HTML_ACCEPT)
    assert not prefers_html("*/*")
    assert not prefers_html("text/turtle, text/html;q=0.5")


def test_iri_mapper_round_trip() -> None:
    mapper = IriMapper("http://example.org/kg/", "/resource/")
    assert mapper.iri_for_path("/resource/person/x") == "http://example.org/kg/person/x"
    assert mapper.path_for_iri("http://example.org/kg/person/x") == "/resource/person/x"
    assert mapper.iri_for_path("/id/person/x") is None
    assert mapper.path_for_iri("http://example.org/other/x") is None


# --- SPARQL protocol ----------------------------------------------------------------------

SELECT_PAPERS = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?paper ?title WHERE { ?paper a skg:Paper ; dcterms:title ?title } ORDER BY ?paper"""


def expected_papers(store: EmbeddedStore) -> list[tuple[str, str]]:
    result = store.query(SELECT_PAPERS)
    assert isinstance(result, ox.QuerySolutions)
    return [(row["paper"].value, row["title"].value) for row in result]


def test_select_in_each_results_format(url: str, store: EmbeddedStore) -> None:
    expected = expected_papers(store)
    assert len(expected) == 8
    for media in (SPARQL_JSON, "application/sparql-results+xml", "text/csv"):
        response = requests.get(
            url + "sparql", params={"query": SELECT_PAPERS}, headers={"Accept": media}, timeout=30
        )
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].split(";")[0] == media
        assert "Accept" in response.headers["Vary"]
        parsed = Result.parse(io.BytesIO(response.content), content_type=media)
        assert [(str(r[0]), str(r[1])) for r in parsed] == expected  # type: ignore[index]
    tsv = requests.get(
        url + "sparql",
        params={"query": SELECT_PAPERS},
        headers={"Accept": "text/tab-separated-values"},
        timeout=30,
    )
    assert tsv.headers["Content-Type"].startswith("text/tab-separated-values")
    rows = list(csv.reader(io.StringIO(tsv.text), delimiter="\t"))
    assert rows[0] == ["?paper", "?title"]
    assert [r[0] for r in rows[1:]] == [f"<{p}>" for p, _ in expected]


def test_format_and_output_parameters_override_accept(url: str, store: EmbeddedStore) -> None:
    expected = [p for p, _ in expected_papers(store)]
    for name in ("format", "output"):
        response = requests.get(
            url + "sparql",
            params={"query": SELECT_PAPERS, name: "csv"},
            headers={"Accept": HTML_ACCEPT},
            timeout=30,
        )
        assert response.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [r["paper"] for r in rows] == expected  # what pandas.read_csv(url) reads
    as_json = requests.get(url + "sparql", params={"query": SELECT_PAPERS, "format": "json"})
    assert as_json.headers["Content-Type"].startswith(SPARQL_JSON)
    graph = requests.get(
        url + "sparql",
        params={"query": "CONSTRUCT WHERE { ?s a <urn:none> }", "format": "ttl"},
        timeout=30,
    )
    assert graph.headers["Content-Type"].startswith("text/turtle")
    bad = requests.get(url + "sparql", params={"query": SELECT_PAPERS, "format": "pdf"})
    assert bad.status_code == 400


def test_post_form_and_direct_post_and_query_alias(url: str, store: EmbeddedStore) -> None:
    expected = [p for p, _ in expected_papers(store)]
    answers = [
        requests.post(
            url + "sparql", data={"query": SELECT_PAPERS}, headers={"Accept": SPARQL_JSON}
        ),
        requests.post(
            url + "sparql",
            data=SELECT_PAPERS.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": SPARQL_JSON},
        ),
        requests.get(
            url + "query", params={"query": SELECT_PAPERS}, headers={"Accept": SPARQL_JSON}
        ),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        bindings = response.json()["results"]["bindings"]
        assert [b["paper"]["value"] for b in bindings] == expected
    assert answers[0].headers["Cache-Control"] == "no-store"


def test_ask_and_default_format(url: str) -> None:
    yes = requests.get(url + "sparql", params={"query": f"ASK {{ <{JANE}> ?p ?o }}"}, timeout=30)
    assert yes.headers["Content-Type"].startswith(SPARQL_JSON)
    assert yes.json() == {"head": {}, "boolean": True}
    no = requests.get(
        url + "sparql",
        params={"query": "ASK { <urn:x:nothing> ?p ?o }"},
        headers={"Accept": "application/sparql-results+xml"},
        timeout=30,
    )
    assert "<boolean>false</boolean>" in no.text


def test_construct_in_each_rdf_format(url: str) -> None:
    query = f"""PREFIX skg: <https://w3id.org/scholarkg/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    CONSTRUCT {{ ?p dcterms:title ?t ; skg:arxivId ?id }} WHERE {{
      BIND (<{PAPER}> AS ?p) ?p dcterms:title ?t ; skg:arxivId ?id }}"""
    paper = URIRef(PAPER)
    expected = {
        (paper, DCTERMS.title, Literal("Hyperparameter Selection for Imitation Learning")),
        (paper, SKG.arxivId, Literal("2104.12255")),
    }
    for media, fmt in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("text/plain", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ):
        response = requests.get(
            url + "sparql", params={"query": query}, headers={"Accept": media}, timeout=30
        )
        assert response.status_code == 200, response.text
        assert set(Graph().parse(data=response.text, format=fmt)) == expected, media


def test_dataset_parameters(url: str) -> None:
    names = f"SELECT ?n WHERE {{ ?s <{FOAF.name}> ?n }} ORDER BY ?n"
    one = requests.get(
        url + "sparql",
        params={"query": names, "default-graph-uri": BASE + "graph/person/robert-dadashi"},
        headers={"Accept": SPARQL_JSON},
        timeout=30,
    )
    assert [b["n"]["value"] for b in one.json()["results"]["bindings"]] == ["Robert Dadashi"]
    named = requests.get(
        url + "sparql",
        params={
            "query": f"SELECT ?g ?n WHERE {{ GRAPH ?g {{ ?s <{FOAF.name}> ?n }} }}",
            "named-graph-uri": [BASE + "graph/person/wei-wang", BASE + "graph/person/wei-wang-2"],
        },
        headers={"Accept": SPARQL_JSON},
        timeout=30,
    )
    graphs = {b["g"]["value"] for b in named.json()["results"]["bindings"]}
    assert graphs == {BASE + "graph/person/wei-wang", BASE + "graph/person/wei-wang-2"}
    relative = requests.get(
        url + "sparql", params={"query": names, "default-graph-uri": "graph/x"}, timeout=30
    )
    assert relative.status_code == 400


def test_more_dataset_graphs_than_the_limit_are_refused_before_any_is_read(url: str) -> None:
    """CONSTRUCTED: 1 000 graph IRIs (the default limit) across both dataset parameters are a
    query; one more is a 400 naming the setting, for a query and for the query page."""
    graphs = [f"{BASE}graph/person/p{i}" for i in range(1_000)]
    fields = [("default-graph-uri", g) for g in graphs[:600]]
    fields += [("named-graph-uri", g) for g in graphs[600:]]
    ask = [("query", "ASK {}")]
    held = requests.post(url + "sparql", data=ask + fields, headers={"Accept": SPARQL_JSON})
    assert held.status_code == 200 and held.json()["boolean"] is True
    one_more = [*fields, ("named-graph-uri", f"{BASE}graph/person/one-more")]
    for form in (ask + one_more, [("edit", "ASK {}"), *one_more]):
        refused = requests.post(url + "sparql", data=form, headers={"Accept": HTML_ACCEPT})
        assert refused.status_code == 400
        assert refused.text == (
            "1001 graph IRIs in default-graph-uri and named-graph-uri; at most 1000 "
            "([serve] max_dataset_graphs)\n"
        )


def test_protocol_errors(url: str) -> None:
    bad = requests.get(url + "sparql", params={"query": "SELECT * WHERE {\n ?s ?p }"})
    assert bad.status_code == 400
    assert "line 2, column" in bad.text and "?s ?p }" in bad.text
    misspelt = requests.post(
        url + "sparql",
        data=b"PREFIX x: <urn:x:>\nSELEC * { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert misspelt.status_code == 400
    assert "line 2, column 1: 'SELEC' is not a query form" in misspelt.text
    assert "expected CONSTRUCT" not in misspelt.text
    not_acceptable = requests.get(
        url + "sparql", params={"query": SELECT_PAPERS}, headers={"Accept": "image/png"}
    )
    assert not_acceptable.status_code == 406
    construct_as_csv = requests.get(
        url + "sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"Accept": "text/csv"},
    )
    assert construct_as_csv.status_code == 406
    two = requests.post(url + "sparql", data=[("query", "ASK {}"), ("query", "ASK {}")])
    assert two.status_code == 400
    unsupported = requests.post(
        url + "sparql", data=b"ASK {}", headers={"Content-Type": "text/plain"}
    )
    assert unsupported.status_code == 415
    missing = requests.get(url + "sparql", headers={"Accept": SPARQL_JSON})
    assert missing.status_code == 400


def test_a_body_charset_that_is_no_text_encoding_is_refused_before_decoding(url: str) -> None:
    """Python's codecs include transforms that are no charset of a query: punycode raised
    UnicodeError (a 500) after decoding in quadratic time on the server's event loop (400 KB
    held every other client for seconds); unicode_escape let a body say ``\\u…``."""
    for charset in ("punycode", "idna", "unicode_escape", "rot13", "bogus"):
        for media in ("application/sparql-query", "application/x-www-form-urlencoded"):
            response = requests.post(
                url + "sparql",
                data=b"-" + b"z" * 400_000 if charset == "punycode" else b"query=ASK%20%7B%7D",
                headers={"Content-Type": f"{media}; charset={charset}"},
                timeout=30,
            )
            assert response.status_code == 400, (charset, response.status_code, response.text)
            assert response.text == (
                f"cannot decode the request body as {charset}: a query is sent as UTF-8 (or "
                "UTF-16, UTF-32, ISO-8859-1, windows-1252, US-ASCII)\n"
            )
    for charset in ("UTF-8", "utf8", '"utf-8"', "latin-1", "utf-16"):
        response = requests.post(
            url + "sparql",
            data="ASK {}".encode(charset.strip('"')),
            headers={
                "Content-Type": f"application/sparql-query; charset={charset}",
                "Accept": SPARQL_JSON,
            },
            timeout=30,
        )
        assert response.status_code == 200 and response.json()["boolean"] is True, charset


def test_service_description(url: str) -> None:
    response = requests.get(url + "sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef(url + "sparql")
    assert (endpoint, URIRef(sd + "endpoint"), endpoint) in graph
    assert (endpoint, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in graph
    assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) not in graph


def test_updates_are_refused_when_read_only(url: str, store: EmbeddedStore) -> None:
    before = store.quad_count()
    insert = f'INSERT DATA {{ GRAPH <{BASE}graph/x> {{ <urn:x:a> <urn:x:p> "1" }} }}'
    direct = requests.post(
        url + "update",
        data=insert.encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    form = requests.post(url + "sparql", data={"update": insert})
    assert (direct.status_code, form.status_code) == (403, 403)
    assert "read-only" in direct.text
    assert requests.get(url + "update").status_code == 405
    assert store.quad_count() == before


def test_updates_run_when_allowed_and_queries_see_them(tmp_path: Path) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore

    from scholarkg.serve import make_server

    EmbeddedStore(tmp_path / "rw").close()
    with EmbeddedStore(tmp_path / "rw", read_only=True) as served:
        server = make_server(served, allow_updates=True, settings=ServeSettings(workers=1)).start()
        writable = Written(server.url)
        try:
            graph = f"{BASE}graph/test"
            insert = f'INSERT DATA {{ GRAPH <{graph}> {{ <{JANE}> <{FOAF.name}> "Jane" }} }}'
            direct = requests.post(
                server.url + "update",
                data=insert.encode(),
                headers={"Content-Type": "application/sparql-update"},
            )
            assert direct.status_code == 204, direct.text
            assert writable.triples_in(graph) == {(f"<{JANE}>", f"<{FOAF.name}>", '"Jane"')}
            rows = SPARQLStore(server.url + "sparql").query(
                f"SELECT ?n WHERE {{ <{JANE}> <{FOAF.name}> ?n }}"
            )
            assert [str(r[0]) for r in rows] == ["Jane"]  # type: ignore[index]
            delete = f"DELETE WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            form = requests.post(server.url + "sparql", data={"update": delete})
            assert form.status_code == 204, form.text
            assert writable.triples_in(graph) == set()
            client = SPARQLUpdateStore(server.url + "sparql", server.url + "update")
            client.update(insert)
            again = SPARQLStore(server.url + "sparql").query(
                f"SELECT ?n WHERE {{ <{JANE}> <{FOAF.name}> ?n }}"
            )
            assert [str(r[0]) for r in again] == ["Jane"]  # type: ignore[index]
            broken = requests.post(server.url + "update", data={"update": "INSERT DATA {"})
            assert broken.status_code == 400
        finally:
            server.stop()


def test_a_page_of_another_site_cannot_update_the_store(tmp_path: Path) -> None:
    """With updates allowed, a browser page elsewhere posting to /update or /sparql (cross-site
    request forgery) and a name resolving to this machine (DNS rebinding) are refused; a
    client that is no browser, and a page of the server itself, still update."""
    from scholarkg.serve import make_server

    EmbeddedStore(tmp_path / "rw").close()
    graph = f"{BASE}graph/test"
    insert = f'INSERT DATA {{ GRAPH <{graph}> {{ <{JANE}> <{FOAF.name}> "Jane" }} }}'
    form = {"update": insert}
    with EmbeddedStore(tmp_path / "rw", read_only=True) as served:
        server = make_server(served, allow_updates=True, settings=ServeSettings(workers=1)).start()
        writable = Written(server.url)
        own = server.url.rstrip("/")
        host = own.split("//", 1)[1]
        try:
            refused = [
                requests.post(server.url + "update", data=form, headers=headers)
                for headers in (
                    {"Origin": "http://evil.example"},
                    {"Origin": "null"},
                    {"Origin": own.replace("127.0.0.1", "localhost")},  # another origin
                    {"Host": f"evil.example:{host.rsplit(':', 1)[1]}"},
                    {"Sec-Fetch-Site": "cross-site"},
                )
            ]
            refused.append(
                requests.post(server.url + "sparql", data=form, headers={"Origin": "http://e.x"})
            )
            assert [r.status_code for r in refused] == [403] * 6, [r.text for r in refused]
            assert "cross-site update refused" in refused[0].text
            assert "this machine's own address only" in refused[3].text
            assert writable.triples_in(graph) == set()
            plain = requests.post(server.url + "update", data=form)  # curl, SPARQLWrapper…
            same = requests.post(server.url + "update", data=form, headers={"Origin": own})
            assert (plain.status_code, same.status_code) == (204, 204), plain.text + same.text
            assert writable.triples_in(graph) == {(f"<{JANE}>", f"<{FOAF.name}>", '"Jane"')}
        finally:
            server.stop()


class Written:
    """What the served store holds in one graph, asked through the server (its update worker is
    the only process that holds the store read-write)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def triples_in(self, graph: str) -> set[tuple[str, str, str]]:
        sparql = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        answer = requests.get(
            self.url + "sparql", params={"query": sparql}, headers={"Accept": SPARQL_JSON}
        )
        assert answer.status_code == 200, answer.text
        found = set()
        for row in answer.json()["results"]["bindings"]:
            s, p, o = (row[name] for name in ("s", "p", "o"))
            shown = f"<{o['value']}>" if o["type"] == "uri" else f'"{o["value"]}"'
            found.add((f"<{s['value']}>", f"<{p['value']}>", shown))
        return found


def store_for_a_runaway_update(path: Path, target: str) -> str:
    """A store of 300 triples at ``path`` and an update over it that runs until it is stopped
    (300^4 solutions, none kept) and would write into graph ``target``."""
    with EmbeddedStore(path) as store:
        store.replace_graph_ntriples(
            f"{BASE}graph/data",
            "".join(f'<urn:x:s{n}> <urn:x:p> "{n}" .\n' for n in range(300)),
        )
    return (
        f"INSERT {{ GRAPH <{target}> {{ ?a <urn:x:q> ?d }} }} WHERE {{ GRAPH ?g {{ ?a ?p ?x . "
        '?b ?q ?y . ?c ?r ?z . ?d ?t ?w FILTER (CONCAT(?x, ?y, ?z, ?w) = "never") } }'
    )


def test_a_second_update_waits_for_the_update_worker_and_is_told_it_is_busy(
    tmp_path: Path,
) -> None:
    import threading

    from scholarkg.errors import QueryLimitError
    from scholarkg.serve.guard import QueryLimits
    from scholarkg.serve.store_spec import spec_for
    from scholarkg.serve.updates import Updates

    runaway = store_for_a_runaway_update(tmp_path / "rw", f"{BASE}graph/copy")
    first: list[str] = []

    def run_first(pool: Any) -> None:
        try:
            pool.update(runaway, time_limit=6)
        except QueryLimitError as exc:
            first.append(str(exc))

    with EmbeddedStore(tmp_path / "rw", read_only=True) as served:
        limits = QueryLimits.from_settings(ServeSettings(queue_wait=1))
        updates = Updates(spec_for(served), limits, served)
        try:
            pool = updates.pool
            assert pool is not None
            thread = threading.Thread(target=run_first, args=(pool,))
            thread.start()
            # until the runaway holds it (before: a loop with no deadline of its own)
            until(
                lambda: pool._idle.empty() or not thread.is_alive(),
                "the runaway update never took the update worker",
            )
            assert thread.is_alive(), first
            insert = f"INSERT DATA {{ GRAPH <{BASE}graph/x> {{ <urn:x:a> <urn:x:q> 1 }} }}"
            with pytest.raises(
                QueryLimitError,
                match=r"^the update worker was busy for 1 s \(\[serve\] queue_wait\)",
            ) as busy:
                pool.update(insert, time_limit=1)  # waits queue_wait, 1 s of the runaway's 6
            assert busy.value.retry_after == 5
            thread.join(120)
            assert first == ["update stopped: it ran longer than the time limit of 6 s"]
        finally:
            updates.close()


def test_an_update_past_the_time_limit_is_stopped_and_writes_nothing(tmp_path: Path) -> None:
    from scholarkg.serve import make_server

    target = f"{BASE}graph/copy"
    runaway = store_for_a_runaway_update(tmp_path / "rw", target)
    settings = ServeSettings(workers=1, time_limit=2)
    with EmbeddedStore(tmp_path / "rw", read_only=True) as served:
        server = make_server(served, allow_updates=True, settings=settings).start()
        try:
            stopped = requests.post(server.url + "update", data={"update": runaway}, timeout=120)
            assert stopped.status_code == 503, stopped.text
            assert "update stopped: it ran longer than the time limit of 2 s" in stopped.text
            assert Written(server.url).triples_in(target) == set()
            insert = f"INSERT DATA {{ GRAPH <{target}> {{ <urn:x:a> <urn:x:q> <urn:x:b> }} }}"
            after = requests.post(server.url + "update", data={"update": insert}, timeout=60)
            assert after.status_code == 204, after.text  # a new update worker took the store
            assert Written(server.url).triples_in(target) == {
                ("<urn:x:a>", "<urn:x:q>", "<urn:x:b>")
            }
            updates = server.kg.updates
            assert updates is not None and updates.pool is not None and updates.pool.replaced == 1
        finally:
            server.stop()


def test_serving_updates_needs_the_store_left_to_the_update_worker(tmp_path: Path) -> None:
    from scholarkg.serve import make_server

    with EmbeddedStore(tmp_path / "rw") as writable, pytest.raises(ConfigError, match="read-only"):
        make_server(writable, allow_updates=True, settings=ServeSettings(workers=1))


# --- pages --------------------------------------------------------------------------------


def test_query_page_bundles_yasgui_and_saved_queries(url: str) -> None:
    page = get_html(url + "sparql")
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert 'src="/static/yasgui/yasgui.min.js"' in page.text
    loaded = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page.text)
    assert loaded and all(src.startswith("/static/") for src in loaded)  # never from a CDN
    start = page.text.index('id="page-data">') + len('id="page-data">')
    data = json.loads(page.text[start : page.text.index("</script>", start)])
    assert set(data["saved"]) == {q.name for q in saved_queries()}
    assert [p["name"] for p in data["saved"]["coauthors"]["parameters"]] == [
        "researcher",
        "person",
    ]
    for asset in ("static/yasgui/yasgui.min.js", "static/yasgui/yasgui.min.css",
                  "static/yasgui/LICENSE", "static/query-ui.js"):  # fmt: skip
        assert requests.get(url + asset, timeout=30).status_code == 200, asset
    shared = get_html(url + "sparql", saved="coauthors", researcher="Léonard Hussenot")
    start = shared.text.index('id="page-data">') + len('id="page-data">')
    data = json.loads(shared.text[start : shared.text.index("</script>", start)])
    assert data["chosen"] == "coauthors" and data["params"] == {"researcher": "Léonard Hussenot"}


def test_saved_queries_are_bound_on_the_server(url: str) -> None:
    bound = requests.get(url + "queries/metric-history", params={"metric": "hIndex"}, timeout=30)
    assert bound.status_code == 200
    assert bound.headers["Content-Type"].startswith("application/sparql-query")
    assert 'VALUES (?metric) { ("hIndex") }' in bound.text
    for value in ('x" } #', "<x y>", "foo"):  # before: 200, bound as text, 0 rows
        refused = requests.get(url + "queries/metric-history", params={"metric": value}, timeout=30)
        assert refused.status_code == 400 and refused.text == (
            "saved query metric-history: parameter metric takes one of hIndex, citationCount, "
            f"paperCount, noveltyScore, aiScore, got {value!r}\n"
        )
    keyed = requests.get(
        url + "queries/coauthors", params={"researcher": 'Ann "O" } Lee'}, timeout=30
    )
    assert keyed.status_code == 200 and 'VALUES (?researcherKey) { ("ann-o-lee") }' in keyed.text
    unknown = requests.get(url + "queries/coauthors", params={"reseacher": "x"}, timeout=30)
    assert unknown.status_code == 400 and "researcher, person" in unknown.text
    listing = requests.get(url + "queries", timeout=30).json()
    assert listing["fact-provenance"]["parameters"][0] == {
        "name": "subject",
        "description": listing["fact-provenance"]["parameters"][0]["description"],
        "optional": False,
        "kind": "iri",
        "choices": [],
    }
    assert listing["coauthorship-network"]["parameters"][0]["kind"] == "integer"
    [metric] = [p for p in listing["metric-history"]["parameters"] if p["name"] == "metric"]
    assert (metric["kind"], metric["choices"][:2]) == ("choice", ["hIndex", "citationCount"])
    bad = requests.get(url + "queries/coauthorship-network", params={"minPapers": "2x"}, timeout=30)
    assert bad.status_code == 400 and "minPapers: expected a whole number" in bad.text
    named = requests.get(url + "queries/coauthors", params={"person": "Wei Wang"}, timeout=30)
    assert named.status_code == 400 and "person: expected an IRI, written <" in named.text
    bare = requests.get(url + "queries/coauthors", params={"person": LEONARD}, timeout=30)
    assert bare.status_code == 200 and f"VALUES (?person) {{ (<{LEONARD}>) }}" in bare.text
    for iri in (f"<{LEONARD}>", LEONARD):  # a name parameter given an IRI: 400, not 0 rows
        wrong = requests.get(url + "queries/coauthors", params={"researcher": iri}, timeout=30)
        assert wrong.status_code == 400 and wrong.text == (
            "saved query coauthors: parameter researcher takes text (a name), not an IRI, "
            f"got {iri!r}; an IRI goes in person\n"
        )
    twice = requests.get(
        url + "queries/coauthors?researcher=Ann+Lee&researcher=Bo+Kim", timeout=30
    )  # before: bound to Bo Kim alone, 200
    assert twice.status_code == 400 and twice.text == (
        "saved query coauthors: parameter researcher given twice ('Ann Lee', 'Bo Kim'): a "
        "parameter binds one value\n"
    )
    none = requests.get(url + "queries/papers-per-year", params={"year": "2020"}, timeout=30)
    assert none.status_code == 400 and "its parameters: none" in none.text


def test_browser_opening_a_query_link_gets_an_html_table(url: str) -> None:
    page = get_html(url + "sparql", query=SELECT_PAPERS)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    parsed = Page(page.text)
    assert "8 rows" in parsed.all_text
    assert local(PAPER) in parsed.hrefs
    assert any("format=csv" in h for h in parsed.hrefs)


def test_an_html_results_page_downloads_the_dataset_it_shows(url: str) -> None:
    """A results page for a query over chosen graphs links its downloads over the same graphs:
    each download has the page's rows, not the rows of every graph."""
    names = f"SELECT ?n WHERE {{ ?s <{FOAF.name}> ?n }} ORDER BY ?n"
    named = f"SELECT ?n WHERE {{ GRAPH ?g {{ ?s <{FOAF.name}> ?n }} }} ORDER BY ?n"
    wei = [BASE + "graph/person/wei-wang", BASE + "graph/person/wei-wang-2"]
    everyone = requests.get(url + "sparql", params={"query": names, "format": "csv"}, timeout=30)
    for params in (
        {"query": names, "default-graph-uri": BASE + "graph/person/robert-dadashi"},
        {"query": named, "named-graph-uri": wei},
    ):
        page = requests.get(url + "sparql", params=params, headers={"Accept": HTML_ACCEPT})
        hrefs = Page(page.text).hrefs
        for fmt in ("csv", "json"):
            link = next(h for h in hrefs if h.endswith(f"&format={fmt}"))
            downloaded = requests.get(url + link.lstrip("/"), timeout=30)
            expected = requests.get(url + "sparql", params={**params, "format": fmt}, timeout=30)
            assert downloaded.status_code == 200 and downloaded.text == expected.text
        rows = len(requests.get(url + link.lstrip("/"), timeout=30).json()["results"]["bindings"])
        assert f"{rows} row" in Page(page.text).all_text
        assert rows < len(everyone.text.splitlines()) - 1  # fewer than in every graph
        edit = next(h for h in hrefs if h.startswith("/sparql?edit="))
        opened = parse_qs(urlsplit(edit).query)
        dataset = {k: v for k, v in opened.items() if k != "edit"}
        graphs = params.get("default-graph-uri") or params["named-graph-uri"]
        assert opened["edit"] == [params["query"]]
        assert list(dataset.values()) == [graphs if isinstance(graphs, list) else [graphs]]
        editor = requests.get(url + edit.lstrip("/"), headers={"Accept": HTML_ACCEPT})
        data = json.loads(editor.text.split('id="page-data">')[1].split("</script>")[0])
        assert (data["defaultGraphs"] + data["namedGraphs"], data["params"]) == (
            dataset[next(iter(dataset))],
            {},  # the graphs are no saved query's parameters
        )


def test_the_query_page_refuses_a_dataset_that_is_no_iri(url: str) -> None:
    page = requests.get(
        url + "sparql",
        params={"edit": "ASK {}", "default-graph-uri": "not an iri"},
        headers={"Accept": HTML_ACCEPT},
    )
    assert page.status_code == 400
    assert page.text == "default-graph-uri='not an iri' is not an absolute IRI\n"


def _grid(rows: int, columns: int) -> str:
    """A query of ``rows * columns`` solutions that needs no data."""
    a = " ".join(str(i) for i in range(rows))
    b = " ".join(str(i) for i in range(columns))
    return f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {a} }} VALUES ?b {{ {b} }} }} ORDER BY ?a ?b"


def test_an_html_results_page_has_its_worker_send_only_the_rows_shown(tmp_path: Path) -> None:
    """The worker answering a browser's query link reads and sends the 1 000 rows the page
    shows and one more (so the page can say there are more), not the whole result."""
    big, exact = _grid(50, 50), _grid(40, 25)  # 2 500 rows; exactly 1 000
    html_wanted = negotiate_query(HTML_ACCEPT, None)
    with running_server(tmp_path / "store") as (server, _):
        kg = server.kg
        assert len(kg.query(Operation("query", big), html_wanted).rows) == 1001
        assert len(kg.query(Operation("query", exact), html_wanted).rows) == 1000
        page = get_html(server.url + "sparql", query=big)
        text = Page(page.text).all_text
        assert "more than 1000 rows, the first 1000 shown" in text
        assert page.text.count("<tr>") == 1 + 1000  # the header and the rows shown
        assert "<td><bdi>19</bdi></td><td><bdi>49</bdi></td>" in page.text  # the 1 000th row
        assert "<td><bdi>20</bdi></td><td><bdi>0</bdi></td>" not in page.text  # only counted
        whole = requests.get(server.url + "sparql", params={"query": big, "format": "csv"})
        assert len(whole.text.splitlines()) == 1 + 2500  # other formats: every row
        page = get_html(server.url + "sparql", query=exact)
        text = Page(page.text).all_text
        assert "1000 rows." in text and "more than" not in text
        assert page.text.count("<tr>") == 1 + 1000


def test_landing_page(url: str) -> None:
    page = get_html(url)
    assert page.status_code == 200
    parsed = Page(page.text)
    people = [h for h in parsed.hrefs if h.startswith("/id/person/")]
    assert people[0] == local(LEONARD) and people[1] == local(DADASHI)
    assert local(GROUP) not in parsed.hrefs  # groups are not people
    assert "8 papers, 8 people, 1 groups, 2 organisations" in parsed.all_text
    for query in saved_queries():
        assert f"/sparql?saved={query.name}" in parsed.hrefs
    assert "/search" in page.text and "/.well-known/void" in parsed.hrefs


def test_person_page(url: str) -> None:
    page = get_html(url + local(LEONARD)[1:])
    parsed = Page(page.text)
    assert parsed.title == "Léonard Hussenot"
    text = parsed.all_text
    assert text.index("2024") < text.index("2023") < text.index("2021") < text.index("2020")
    assert "1 of 5" in text and "listed (et al.), of 2" in text  # positions
    assert "Also written: L. Hussenot." in text
    coauthors = text[text.index("Co-authors") :]
    assert coauthors.index("Robert Dadashi") < coauthors.index("Matthieu Geist")
    assert coauthors.count("Wei Wang") == 2 and "Gemma Team" not in coauthors
    counted = re.findall(r"(Robert Dadashi|Matthieu Geist|Olivier Pietquin) (\d+)", coauthors)
    assert counted[:3] == [
        ("Robert Dadashi", "4"),
        ("Matthieu Geist", "3"),
        ("Olivier Pietquin", "2"),
    ]
    assert local(DEEPMIND) in parsed.hrefs and "DeepMind" in text
    assert {s.get("data-metric") for s in parsed.svgs} == {"hIndex", "citationCount", "paperCount"}
    assert "117" in text and "11030" in text
    assert "shares co-author Robert Dadashi on 2104.12255" in text
    assert "same-position" in text and "config-merge" in text
    assert local(RETIRED) in parsed.hrefs  # merged IRIs listed


def test_paper_page(url: str) -> None:
    parsed = Page(get_html(url + local(PAPER)[1:]).text)
    assert parsed.title == "Hyperparameter Selection for Imitation Learning"
    text = parsed.all_text
    order = [text.index(n) for n in ("Léonard Hussenot", "Marcin Andrychowicz", "Robert Dadashi")]
    assert order == sorted(order)
    assert "R. Dadashi (arXiv)" in text and "Robert Dadashi (profile leonard-hussenot)" in text
    assert "https://arxiv.org/abs/2104.12255" in parsed.hrefs
    assert "https://doi.org/10.5555/constructed.2021.001" in parsed.hrefs
    assert "https://doi.org/10.48550/arXiv.2104.12255" in parsed.hrefs
    assert "Hyperparameter Selection for Imitation Learning (v1)" in text  # versions
    assert "Machine Learning" in text and "primary" in text
    assert "resolved" in text and "0.97" in text and "api" in text  # resolution evidence
    gemma = Page(get_html(url + local(GEMMA)[1:]).text)
    assert local(GROUP) in gemma.hrefs and "(group)" in gemma.all_text
    assert "unresolved" in gemma.all_text and "2403.08295" in gemma.all_text


def test_organisation_group_and_category_pages(url: str) -> None:
    org = Page(get_html(url + local(DEEPMIND)[1:]).text)
    assert org.title == "DeepMind" and "Google DeepMind" in org.all_text
    assert local(LEONARD) in org.hrefs and local(PAPER) in org.hrefs
    group = Page(get_html(url + local(GROUP)[1:]).text)
    assert group.title == "Gemma Team" and "not a person" in group.all_text
    category = Page(get_html(url + "describe", iri=CS_LG).text)
    assert category.title == "cs.LG — Machine Learning"
    assert local(LEONARD) in category.hrefs and "2021" in category.all_text


def test_search_over_names_and_titles(url: str) -> None:
    people = requests.get(
        url + "search", params={"q": "leonard huss"}, headers={"Accept": "application/json"}
    ).json()
    assert people[0] == {"iri": LEONARD, "label": "Léonard Hussenot", "kind": "person"}
    gemma = requests.get(
        url + "search", params={"q": "gemma"}, headers={"Accept": "application/json"}
    ).json()
    assert [h["kind"] for h in gemma] == ["group", "paper", "paper"]
    page = Page(get_html(url + "search", q="wasserstein").text)
    assert local("https://w3id.org/scholarkg/id/paper/arxiv/2006.04678") in page.hrefs


def test_search_answers_vary_by_accept_and_are_not_stored(url: str) -> None:
    """``/search`` answers JSON or HTML by ``Accept``: both say so (``Vary: Accept``) and are
    ``no-store``, so no cache hands a browser the JSON a script asked for at the same URL."""
    for accept in ("application/json", HTML_ACCEPT):
        response = requests.get(url + "search", params={"q": "gemma"}, headers={"Accept": accept})
        assert response.status_code == 200
        vary = {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}
        assert "accept" in vary, accept
        assert response.headers.get("Cache-Control") == "no-store", accept


# --- linked data --------------------------------------------------------------------------


def test_content_negotiation_and_content_location(url: str) -> None:
    path = url + local(LEONARD)[1:]
    for accept, media, code in (
        ("text/turtle", "text/turtle", "ttl"),
        ("*/*", "text/turtle", "ttl"),
        ("application/ld+json", "application/ld+json", "jsonld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("text/plain", "text/plain", "nt"),
        (HTML_ACCEPT, "text/html", "html"),
    ):
        response = requests.get(path, headers={"Accept": accept}, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"].split(";")[0] == media, accept
        assert "Accept" in response.headers["Vary"]
        assert response.headers["Content-Location"] == f"{local(LEONARD)}?format={code}"
    override = requests.get(path, params={"format": "jsonld"}, headers={"Accept": HTML_ACCEPT})
    assert override.headers["Content-Type"].startswith("application/ld+json")
    assert requests.get(path, params={"format": "pdf"}).status_code == 400
    assert requests.get(path, headers={"Accept": "image/png"}).status_code == 406
    head = requests.head(path, headers={"Accept": "text/turtle"}, timeout=30)
    assert head.status_code == 200 and head.content == b""


def test_retired_iris_redirect_to_the_survivor(url: str) -> None:
    moved = requests.get(url + local(RETIRED)[1:], allow_redirects=False, timeout=30)
    assert moved.status_code == 301
    assert moved.headers["Location"] == local(LEONARD)
    followed = requests.get(url + local(RETIRED)[1:], headers={"Accept": "text/turtle"})
    data = Graph().parse(data=followed.text, format="turtle")
    assert (URIRef(LEONARD), FOAF.name, Literal("Léonard Hussenot")) in data


def test_jsonld_is_compacted_with_the_project_context(url: str) -> None:
    response = requests.get(url + local(PAPER)[1:], headers={"Accept": "application/ld+json"})
    document = response.json()
    assert document["@context"]["skg"] == str(SKG)
    paper = next(n for n in document["@graph"] if n["@id"] == "id:paper/arxiv/2104.12255")
    assert paper["title"] == "Hyperparameter Selection for Imitation Learning"
    turtle = requests.get(url + local(PAPER)[1:], headers={"Accept": "text/turtle"}).text
    expected = Graph().parse(data=turtle, format="turtle")
    assert set(Graph().parse(data=response.text, format="json-ld")) == set(expected)
    context = requests.get(url + "context.jsonld", timeout=30)
    assert context.headers["Content-Type"].startswith("application/ld+json")
    assert context.json()["@context"]["skg"] == str(SKG)


def test_person_description_lists_their_papers(url: str, store: EmbeddedStore) -> None:
    result = store.query(
        f"SELECT DISTINCT ?paper WHERE {{ ?paper <{SKG.hasAuthorship}> ?a . "
        f"?a <{SKG.author}> <{LEONARD}> }}"
    )
    assert isinstance(result, ox.QuerySolutions)
    papers = {row["paper"].value for row in result}
    assert len(papers) == 7
    data = Graph().parse(
        data=requests.get(url + local(LEONARD)[1:], headers={"Accept": "text/turtle"}).text,
        format="turtle",
    )
    listed = {
        str(p)
        for p, _, a in data.triples((None, SKG.hasAuthorship, None))
        if (a, SKG.author, URIRef(LEONARD)) in data
    }
    assert listed == papers


def test_hostile_literals_are_escaped(url: str) -> None:
    for iri in (HOSTILE, JANE):
        page = get_html(url + local(iri)[1:])
        assert page.status_code == 200
        assert (
            "<script>alert" not in page.text and "<img" not in page.text and "<b>" not in page.text
        )
    hostile = get_html(url + local(HOSTILE)[1:])
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in (
        hostile.text
    )
    assert Page(hostile.text).title == "<script>alert('pwned')</script> & \"quoted\""
    search = get_html(url + "search", q="<script>alert(1)</script>")
    assert "<script>alert(1)" not in search.text


def test_unknown_and_malformed_iris(url: str) -> None:
    text = requests.get(url + "id/person/nobody-at-all", timeout=30)
    assert text.status_code == 404 and text.headers["Content-Type"].startswith("text/plain")
    page = get_html(url + "id/person/nobody-at-all")
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert requests.get(url + "id/person/%3Cscript%3E", timeout=30).status_code == 404
    for bad in ("person/x", "https://e.org/a\rb", "https://e.org/\x00", "<x>", ""):
        response = requests.get(url + "describe", params={"iri": bad}, timeout=30)
        assert response.status_code == 400, bad


def test_describe_any_iri_in_the_store(url: str) -> None:
    response = requests.get(url + "describe", params={"iri": CS_LG}, timeout=30)
    assert response.status_code == 200
    data = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(CS_LG), SKOS.prefLabel, Literal("Machine Learning", lang="en")) in data
    assert (URIRef(PAPER), SKG.category, URIRef(CS_LG)) in data  # incoming link


def test_every_person_and_paper_dereferences(url: str, store: EmbeddedStore) -> None:
    session = requests.Session()
    for cls in (SKG.Person, SKG.Paper):
        result = store.query(f"SELECT DISTINCT ?x WHERE {{ ?x a <{cls}> }}")
        assert isinstance(result, ox.QuerySolutions)
        for iri in [row["x"].value for row in result]:
            for fmt, parser in (("ttl", "turtle"), ("jsonld", "json-ld")):
                response = session.get(url + local(iri)[1:], params={"format": fmt}, timeout=30)
                assert response.status_code == 200, iri
                data = Graph().parse(data=response.text, format=parser)
                assert (URIRef(iri), None, None) in data, (iri, fmt)
            assert session.get(url + local(iri)[1:], params={"format": "html"}).status_code == 200


def test_configurable_path_prefix(tmp_path: Path) -> None:
    with running_server(tmp_path / "store", path_prefix="resource") as (server, _):
        page = get_html(server.url + "resource/person/leonard-hussenot")
        assert page.status_code == 200
        hrefs = Page(page.text).hrefs
        assert any(h.startswith("/resource/paper/") for h in hrefs)
        assert not any(h.startswith("/id/") for h in hrefs)
        assert requests.get(server.url + "id/person/leonard-hussenot").status_code == 404


def test_cached_aggregates_follow_a_change_of_the_store(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with running_server(path) as (server, _):
        first = Page(get_html(server.url).text).all_text
        assert "8 papers, 8 people" in first
        assert requests.get(server.url + "search", params={"q": "zebra"}).text.count("<li>") == 0
        writer = ox.Store(str(path))  # a run loading while the server serves
        writer.update(
            f"""INSERT DATA {{ GRAPH <{BASE}graph/arxiv/2401.00009> {{
              <{BASE}paper/arxiv/2401.00009> a <{SKG.Paper}> ;
                <{DCTERMS.title}> "Zebra Finches and Transformers" }}
            GRAPH <{BASE}graph/person/zoe> {{
              <{BASE}person/zoe> a <{SKG.Person}> ; <{FOAF.name}> "Zoë Zebra" }} }}"""
        )
        writer.flush()
        del writer
        until(
            lambda: "9 papers, 9 people" in Page(get_html(server.url).text).all_text,
            "the landing page never saw the change",
            60,
            every=0.3,
        )
        hits = requests.get(
            server.url + "search", params={"q": "zebra"}, headers={"Accept": "application/json"}
        ).json()
        assert {h["kind"] for h in hits} == {"person", "paper"}


def test_each_request_is_logged_with_its_timing(url: str, caplog: pytest.LogCaptureFixture) -> None:
    timed = re.compile(r'"GET /sparql\?query=ASK[^"]*" 200 \d+ [\d.]+ms$')

    def logged() -> list[str]:  # the line is written once the answer has gone out
        lines = [r.getMessage() for r in caplog.records if r.name == "scholarkg.serve.access"]
        return [line for line in lines if "/sparql?query=ASK" in line]

    with caplog.at_level(logging.INFO, logger="scholarkg.serve.access"):
        requests.get(url + "sparql", params={"query": "ASK {}"}, timeout=30)
        until(lambda: bool(logged()), "the request was never logged", 30, every=0.02)
    lines = logged()
    assert len(lines) == 1 and timed.search(lines[0]), lines


def test_a_client_cannot_forge_or_break_access_log_lines(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A path with an encoded newline, NUL or quote is logged as sent (percent-encoded), and
    any control character that reaches the log is escaped: one request, one line."""
    forged = '2026-12-02 06:49:00,000 scholarkg.serve.access 1.2.3.4 "POST /update" 204 0 1.0ms'
    with caplog.at_level(logging.INFO, logger="scholarkg.serve.access"):
        requests.get(url + "id/x%0A" + quote(forged) + "%00%22", timeout=30)
        requests.get(url + "sparql", params={"query": 'ASK {}\n"forged"\x00'}, timeout=30)

        def mine() -> list[str]:  # the line is written once the answer has gone out
            lines = [r.getMessage() for r in caplog.records if r.name == "scholarkg.serve.access"]
            return [line for line in lines if "/id/x" in line or "forged" in line]

        until(lambda: len(mine()) >= 2, lambda: f"not both requests logged: {mine()}", 30, 0.05)
    logged = mine()
    assert len(logged) == 2, logged
    for line in logged:
        assert not any(c in line for c in "\n\r\x00"), line
        assert line.count('"') == 2, line  # only the quotes around the request itself
    assert "/id/x%0A2026-12-02" in logged[0] and "%00%22" in logged[0]


def test_slow_answers_are_cached_until_the_store_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scholarkg.serve import service

    monkeypatch.setattr(service, "SLOW_QUERY", 0.0)  # every answer counts as slow here
    count = f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{SKG.Paper}> }}"
    path = tmp_path / "store"
    with running_server(path) as (server, _):
        server.kg.warmed.wait(60)

        def papers() -> str:
            response = requests.post(
                server.url + "sparql", data={"query": count}, headers={"Accept": SPARQL_JSON}
            )
            return str(response.json()["results"]["bindings"][0]["n"]["value"])

        assert papers() == "8"
        before = server.kg.pool.answered
        assert papers() == "8"
        assert server.kg.pool.answered == before  # from the result cache, no worker asked
        writer = ox.Store(str(path))
        paper = f"<{BASE}paper/arxiv/x> a <{SKG.Paper}>"
        writer.update(f"INSERT DATA {{ GRAPH <{BASE}graph/arxiv/x> {{ {paper} }} }}")
        writer.flush()
        del writer
        # never the stale cached answer once the store changed
        until(lambda: papers() == "9", "the cached answer outlived the change", 60, every=0.3)


def test_a_slow_html_results_page_is_answered_from_the_kept_answer_until_the_store_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of a slow query's HTML results page are kept like a serialized answer, by
    store version, text and dataset: the same page asked again takes no worker (before: every
    HTML page ran its query again); another dataset, or the store changed, runs it again."""
    from scholarkg.serve import service

    monkeypatch.setattr(service, "SLOW_QUERY", 0.0)  # every answer counts as slow here
    count = f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{SKG.Paper}> }}"
    path = tmp_path / "store"
    with running_server(path) as (server, _):
        assert server.kg.warmed.wait(60)

        def page(**dataset: str) -> str:
            response = requests.post(
                server.url + "sparql",
                data={"query": count, **dataset},
                headers={"Accept": "text/html"},
                timeout=60,
            )
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith("text/html")
            return response.text

        first = page()
        assert ">8<" in first
        before = server.kg.pool.answered
        assert page() == first
        assert server.kg.pool.answered == before  # the kept rows: no worker asked
        alone = page(**{"default-graph-uri": f"{BASE}graph/none"})
        assert ">0<" in alone and server.kg.pool.answered == before + 1  # another dataset
        writer = ox.Store(str(path))
        paper = f"<{BASE}paper/arxiv/x> a <{SKG.Paper}>"
        writer.update(f"INSERT DATA {{ GRAPH <{BASE}graph/arxiv/x> {{ {paper} }} }}")
        writer.flush()
        del writer
        # never the kept rows once the store changed
        until(lambda: ">9<" in page(), "the kept rows outlived the change", 60, every=0.3)


def test_the_result_cache_counts_the_query_text_and_graphs_it_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer kept weighs its query's text and graph names too: distinct slow queries of
    200 KB with one-line answers used to count a few bytes each, so the cache outgrew its
    budget without bound (300 of them: +470 MB in the server). Within a 1 MiB budget, the
    oldest of six such answers is dropped and asked again is run again."""
    from scholarkg.serve import service

    monkeypatch.setattr(service, "SLOW_QUERY", 0.0)  # every answer counts as slow here
    settings = ServeSettings(workers=1, refresh_interval=0.2, result_cache_mb=1)
    padding = "#" + "x" * 200_000 + "\n"
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        assert server.kg.warmed.wait(60)

        def ask(number: int, graphs: list[str]) -> None:
            data = {"query": f"# {number}\n{padding}ASK {{}}", "named-graph-uri": graphs}
            response = requests.post(
                server.url + "sparql", data=data, headers={"Accept": SPARQL_JSON}, timeout=60
            )
            assert response.status_code == 200 and response.json()["boolean"] is True

        ask(0, [])
        before = server.kg.pool.answered
        ask(0, [])
        assert server.kg.pool.answered == before  # kept: from the cache
        for number in range(1, 6):
            ask(number, [])
        ask(0, [])
        assert server.kg.pool.answered == before + 6  # dropped for the five after it: run again
        names = [f"urn:x:graph-{n:06d}-{'y' * 230}" for n in range(1_000)]  # ~250 KB of names
        for number in range(6, 10):
            ask(number, names)
        before = server.kg.pool.answered
        ask(6, names)
        assert server.kg.pool.answered == before + 1  # their names weigh too: not kept


def test_the_warm_up_answers_the_whole_store_aggregates_and_no_per_person_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scholarkg.serve import service

    monkeypatch.setattr(service, "SLOW_QUERY", 0.0)  # every answer counts as slow here
    warm = {q.name for q in saved_queries() if q.warm}
    assert {"papers-per-year", "coauthorship-network", "latest-metrics"} <= warm
    assert not {"coauthors", "author-positions", "identity-evidence"} & warm
    with running_server(tmp_path / "store") as (server, _):
        assert server.kg.warmed.wait(60)
        for saved in saved_queries():
            if any(not p.optional for p in saved.parameters):
                continue
            before = server.kg.pool.answered
            response = requests.post(
                server.url + "sparql", data={"query": saved.text}, headers={"Accept": SPARQL_JSON}
            )
            assert response.status_code == 200, saved.name
            asked = server.kg.pool.answered - before  # 0: answered from the warm-up's cache
            assert asked == (0 if saved.warm else 1), saved.name


def test_cli_serve_with_updates_creates_the_store_and_writes_through_its_worker(
    tmp_path: Path,
) -> None:
    import signal
    import subprocess
    import sys

    store = tmp_path / "new-store"
    command = [sys.executable, "-m", "scholarkg.cli", "serve", "--allow-updates", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().decode()
        assert "updates allowed on /update" in first, first + process.stderr.read().decode()
        url = re.search(r"at (http://\S+/) ", first)
        assert url is not None, first
        graph = f"{BASE}graph/cli"
        insert = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:a> <urn:x:q> <urn:x:b> }} }}"
        answer = requests.post(url.group(1) + "update", data={"update": insert}, timeout=60)
        assert answer.status_code == 204, answer.text
        assert Written(url.group(1)).triples_in(graph) == {("<urn:x:a>", "<urn:x:q>", "<urn:x:b>")}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(60)
    with EmbeddedStore(store, read_only=True) as written:  # on disk once the server stopped
        assert written.triples_in(graph) == {("<urn:x:a>", "<urn:x:q>", "<urn:x:b>")}


def test_sigterm_stops_cli_serve_after_its_cleanup(tmp_path: Path) -> None:
    """uvicorn re-raises the SIGTERM it caught once it has shut down; the server's own cleanup
    (its query workers and their log files) ran only on Ctrl-C before."""
    import signal
    import subprocess
    import sys

    temp = tmp_path / "tmp"
    temp.mkdir()
    store = ox.Store(str(tmp_path / "store"))
    store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }")
    del store
    command = [sys.executable, "-m", "scholarkg.cli", "serve", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--store", str(tmp_path / "store")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().decode()
        url = re.search(r"at (http://\S+/) ", first)
        assert url is not None, first + process.stderr.read().decode()
        assert requests.get(url.group(1) + "sparql", params={"query": "ASK {}"}).status_code == 200
        assert list(temp.glob("scholarkg-worker-*.log"))  # the workers' logs exist meanwhile
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(60)
    assert code == -signal.SIGTERM  # ended by the signal, as a supervisor expects
    assert not list(temp.glob("scholarkg-worker-*.log"))


def test_an_iri_under_the_root_prefix_never_redirects_or_links_off_site(tmp_path: Path) -> None:
    """With the path prefix ``/``, ``<base>/evil.example/x`` maps to ``//evil.example/x``, which
    a browser reads as another site: a retired IRI merged into it redirects to its
    ``/describe?iri=`` instead, and a page links it there (before: ``Location:
    //evil.example/x``, an open redirect)."""
    merged = "<https://w3id.org/scholarkg/ontology#mergedInto>"
    extra = f"<{BASE}graph/off-site> {{ <{BASE}person/moved> {merged} <{BASE}/evil.example/x> . }}"
    build_v2_store(tmp_path / "store", extra)
    with running_server(tmp_path / "store", build=False, path_prefix="/") as (server, _):
        session = requests.Session()
        moved = session.get(server.url + "person/moved", allow_redirects=False, timeout=30)
        location = moved.headers["Location"]
        assert moved.status_code == 301 and location.startswith("/describe?iri="), location
        page = session.get(server.url + "person/moved", params={"format": "html"}, timeout=30)
        assert page.status_code == 200 and page.url.startswith(server.url + "describe?")
        page = get_html(server.url + "describe?iri=" + quote(f"{BASE}person/moved", safe=""))
        hrefs = Page(page.text).hrefs
        assert hrefs and not [h for h in hrefs if h.startswith(("//", "/\\"))], hrefs

"""The HTTP server, tested with real clients against a real server on 127.0.0.1.

The store holds the sample profile (transformed as the pipeline does) plus a hand-written arXiv
record, two category concepts and a paper whose literals are hostile HTML.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import json
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from rdflib.query import Result

from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.iris import SKG, Minter
from scholarkg.query import saved_queries
from scholarkg.serve import make_server, server_url
from scholarkg.serve.conneg import choose, prefers_html
from scholarkg.serve.linked_data import IriMapper
from scholarkg.store.embedded import EmbeddedStore

BASE = "https://w3id.org/scholarkg/id/"
PAPER = URIRef(BASE + "paper/arxiv/2104.12255")
HOSTILE = URIRef(BASE + "paper/arxiv/9999.00001")
LEONARD = URIRef(BASE + "person/leonard-hussenot")
JANE = URIRef(BASE + "person/jane-roe")
# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SPARQL_JSON = "application/sparql-results+json"

PREFIXES = """@base <https://w3id.org/scholarkg/id/> .
@prefix skg: <https://w3id.org/scholarkg/ontology#> .
@prefix cat: <https://w3id.org/scholarkg/category/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix pro: <http://purl.org/spar/pro/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# The arXiv record: the paper, what it owns (version, authorships) and a second author.
ARXIV_CORE = """
<paper/arxiv/2104.12255> a skg:Paper, fabio:Preprint ;
    skg:arxivId "2104.12255" ;
    dcterms:title "Distilling Policies for Test Purposes" ;
    dcterms:issued "2021-04-25"^^xsd:date ;
    skg:primaryCategory cat:cs.LG ;
    skg:category cat:cs.LG, cat:stat.ML ;
    dcterms:hasVersion <paper/arxiv/2104.12255/v1> ;
    skg:hasAuthorship <paper/arxiv/2104.12255/authorship/jane-roe>,
                      <paper/arxiv/2104.12255/authorship/leonard-hussenot> .
<paper/arxiv/2104.12255/v1> a skg:PaperVersion ; skg:versionNumber 1 ;
    dcterms:title "Distilling Policies (first version)" .
<paper/arxiv/2104.12255/authorship/jane-roe> a skg:Authorship ;
    skg:author <person/jane-roe> ; pro:withRole pro:author ; skg:position 1 ;
    skg:nameAsListed "J. Roe" .
<paper/arxiv/2104.12255/authorship/leonard-hussenot> a skg:Authorship ;
    skg:author <person/leonard-hussenot> ; pro:withRole pro:author ; skg:position 2 ;
    skg:nameAsListed "L. Hussenot" .
"""
ARXIV_REST = """
<person/jane-roe> a skg:Person ; foaf:name "Jane Roe" ; skg:nameKey "jane-roe" .
<profile/leonard-hussenot/resolution/0123456789abcdef> a skg:Resolution ;
    skg:resolvedPaper <paper/arxiv/2104.12255> ; skg:resolutionMethod "score" .
"""
CATEGORIES = """
cat:cs.LG a skos:Concept ; skos:prefLabel "Machine Learning"@en ; skos:notation "cs.LG" .
cat:stat.ML a skos:Concept ; skos:prefLabel "Machine Learning (Statistics)"@en ;
    skos:notation "stat.ML" .
"""
HOSTILE_TTL = """
<paper/arxiv/9999.00001> a skg:Paper ;
    dcterms:title "<script>alert('pwned')</script> & \\"quoted\\"" ;
    skg:hasAuthorship <paper/arxiv/9999.00001/authorship/jane-roe> .
<paper/arxiv/9999.00001/authorship/jane-roe> a skg:Authorship ;
    skg:author <person/jane-roe> ; skg:nameAsListed "<img src=x onerror=alert(1)>" .
"""


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def build_store(path: Path) -> None:
    """The sample profile built by the build job (its researcher split to the IRI
    ``person/leonard-hussenot``), plus the hand-written graphs above."""
    from conftest import write_config
    from scholarkg.runs.build import build

    split = {f"profile:{SAMPLE_PROFILE.resolve()}": "leonard-hussenot"}
    directory = path.parent / f"{path.name}-config"
    directory.mkdir(parents=True, exist_ok=True)
    config = load_config(
        write_config(
            directory, [SAMPLE_PROFILE], store={"path": str(path)}, **{"people.split": split}
        )
    )
    build(config)
    minter = Minter()
    with EmbeddedStore(path) as store:
        store.replace_graph(minter.arxiv_graph("2104.12255"), turtle(ARXIV_CORE + ARXIV_REST))
        store.replace_graph(minter.arxiv_graph("9999.00001"), turtle(HOSTILE_TTL))
        store.replace_graph(minter.category_graph(), turtle(CATEGORIES))
        store.replace_graph_ntriples(str(minter.ontology_graph()), "")  # descriptions without it


class Running:
    """A server serving in a background thread."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.url = server_url(server)
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    path = tmp_path_factory.mktemp("serve") / "store"
    build_store(path)
    read_only = EmbeddedStore(path, read_only=True)
    yield read_only
    # EmbeddedStore.close() flushes, which pyoxigraph refuses on read-only stores (RuntimeError).
    with contextlib.suppress(RuntimeError):
        read_only.close()


@pytest.fixture(scope="module")
def url(store: EmbeddedStore) -> Iterator[str]:
    running = Running(make_server(store, host="127.0.0.1", port=0))
    yield running.url
    running.stop()


def iris_of(store: EmbeddedStore, cls: URIRef) -> list[str]:
    result = store.query(f"SELECT ?x WHERE {{ ?x a <{cls}> }} ORDER BY ?x")
    assert isinstance(result, ox.QuerySolutions)
    return [row["x"].value for row in result]


def local(iri: str) -> str:
    assert iri.startswith(BASE)
    return "/id/" + iri[len(BASE) :]


class Links(HTMLParser):
    """Collects the hrefs and visible text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_h1 = self._in_h1 or tag == "h1"
        self.hrefs += [v for k, v in attrs if k == "href" and v is not None]

    def handle_endtag(self, tag: str) -> None:
        self._in_h1 = self._in_h1 and tag != "h1"

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_h1:
            self.h1.append(data)


def parse_page(text: str) -> Links:
    parser = Links()
    parser.feed(text)
    return parser


# --- content negotiation -------------------------------------------------------------------


def test_choose_follows_q_values_specificity_and_server_order() -> None:
    offers = ["text/turtle", "application/ld+json", "text/html"]
    assert choose(None, offers) == "text/turtle"
    assert choose("*/*", offers) == "text/turtle"
    assert choose(HTML_ACCEPT, offers) == "text/html"
    assert choose("application/ld+json;q=0.5, text/turtle;q=0.4", offers) == "application/ld+json"
    assert choose("text/*;q=0.9, text/turtle;q=0", offers) == "text/html"
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
SELECT ?paper ?title WHERE { ?paper a skg:Paper ; dcterms:title ?title } ORDER BY ?paper"""


def expected_papers(store: EmbeddedStore) -> list[tuple[str, str]]:
    result = store.query(SELECT_PAPERS)
    assert isinstance(result, ox.QuerySolutions)
    return [(row["paper"].value, row["title"].value) for row in result]


def test_select_in_each_results_format(url: str, store: EmbeddedStore) -> None:
    expected = expected_papers(store)
    assert len(expected) == 27  # 25 profile papers, the arXiv record and the hostile one
    for media in (SPARQL_JSON, "application/sparql-results+xml", "text/csv"):
        response = requests.get(
            url + "sparql", params={"query": SELECT_PAPERS}, headers={"Accept": media}, timeout=30
        )
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].split(";")[0] == media
        assert response.headers["Vary"] == "Accept"
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


def test_post_form_and_direct_post_and_query_alias(url: str, store: EmbeddedStore) -> None:
    expected = [p for p, _ in expected_papers(store)]
    answers = [
        requests.post(
            url + "sparql",
            data={"query": SELECT_PAPERS},
            headers={"Accept": SPARQL_JSON},
            timeout=30,
        ),
        requests.post(
            url + "sparql",
            data=SELECT_PAPERS.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": SPARQL_JSON},
            timeout=30,
        ),
        requests.get(
            url + "query",
            params={"query": SELECT_PAPERS},
            headers={"Accept": SPARQL_JSON},
            timeout=30,
        ),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        bindings = response.json()["results"]["bindings"]
        assert [b["paper"]["value"] for b in bindings] == expected


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
    expected = {
        (PAPER, DCTERMS.title, Literal("Distilling Policies for Test Purposes")),
        (PAPER, SKG.arxivId, Literal("2104.12255")),
    }
    for media, fmt in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ):
        response = requests.get(
            url + "sparql", params={"query": query}, headers={"Accept": media}, timeout=30
        )
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].split(";")[0] == media
        assert set(Graph().parse(data=response.text, format=fmt)) == expected, media


def test_protocol_errors(url: str) -> None:
    bad = requests.get(url + "sparql", params={"query": "SELECT * WHERE {"}, timeout=30)
    assert bad.status_code == 400
    assert "error at 1:" in bad.text
    bad_post = requests.post(
        url + "sparql",
        data=b"SELEKT ?x {}",
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert bad_post.status_code == 400
    not_acceptable = requests.get(
        url + "sparql", params={"query": SELECT_PAPERS}, headers={"Accept": "image/png"}, timeout=30
    )
    assert not_acceptable.status_code == 406
    construct_as_csv = requests.get(
        url + "sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert construct_as_csv.status_code == 406
    dataset = requests.get(
        url + "sparql",
        params={"query": SELECT_PAPERS, "default-graph-uri": BASE + "graph/x"},
        timeout=30,
    )
    assert dataset.status_code == 400
    assert "not supported" in dataset.text
    two = requests.post(url + "sparql", data=[("query", "ASK {}"), ("query", "ASK {}")], timeout=30)
    assert two.status_code == 400
    unsupported = requests.post(
        url + "sparql", data=b"ASK {}", headers={"Content-Type": "text/plain"}, timeout=30
    )
    assert unsupported.status_code == 415
    missing = requests.get(url + "sparql", headers={"Accept": SPARQL_JSON}, timeout=30)
    assert missing.status_code == 400


def test_updates_are_refused_when_read_only(url: str, store: EmbeddedStore) -> None:
    before = store.quad_count()
    insert = f'INSERT DATA {{ GRAPH <{BASE}graph/x> {{ <urn:x:a> <urn:x:p> "1" }} }}'
    direct = requests.post(
        url + "update",
        data=insert.encode(),
        headers={"Content-Type": "application/sparql-update"},
        timeout=30,
    )
    form = requests.post(url + "sparql", data={"update": insert}, timeout=30)
    assert (direct.status_code, form.status_code) == (403, 403)
    assert "read-only" in direct.text
    assert requests.get(url + "update", timeout=30).status_code == 405
    assert store.quad_count() == before


def test_updates_run_when_allowed(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "rw") as writable:
        running = Running(make_server(writable, allow_updates=True))
        try:
            graph = f"{BASE}graph/test"
            insert = f'INSERT DATA {{ GRAPH <{graph}> {{ <{JANE}> <{FOAF.name}> "Jane" }} }}'
            direct = requests.post(
                running.url + "update",
                data=insert.encode(),
                headers={"Content-Type": "application/sparql-update"},
                timeout=30,
            )
            assert direct.status_code == 204, direct.text
            assert writable.triples_in(graph) == {(f"<{JANE}>", f"<{FOAF.name}>", '"Jane"')}
            delete = f"DELETE WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            form = requests.post(running.url + "sparql", data={"update": delete}, timeout=30)
            assert form.status_code == 204, form.text
            assert writable.triples_in(graph) == set()
            client = SPARQLUpdateStore(running.url + "sparql", running.url + "update")
            client.update(insert)
            rows = SPARQLStore(running.url + "sparql").query(
                f"SELECT ?n WHERE {{ <{JANE}> <{FOAF.name}> ?n }}"
            )
            assert [str(r[0]) for r in rows] == ["Jane"]  # type: ignore[index]
            broken = requests.post(
                running.url + "update", data={"update": "INSERT DATA {"}, timeout=30
            )
            assert broken.status_code == 400
        finally:
            running.stop()


def test_updates_on_a_read_only_store_fail_with_500(store: EmbeddedStore) -> None:
    running = Running(make_server(store, allow_updates=True))
    try:
        insert = 'INSERT DATA { <urn:x:a> <urn:x:p> "1" }'
        response = requests.post(running.url + "update", data={"update": insert}, timeout=30)
        assert response.status_code == 500
        assert "read-write" in response.text
    finally:
        running.stop()


def test_rdflib_sparqlstore_client(url: str, store: EmbeddedStore) -> None:
    expected = expected_papers(store)
    for kwargs in ({}, {"returnFormat": "json", "method": "POST"}, {"method": "POST_FORM"}):
        client = SPARQLStore(url + "sparql", **kwargs)  # type: ignore[arg-type]
        rows = client.query(SELECT_PAPERS)
        assert [(str(r[0]), str(r[1])) for r in rows] == expected  # type: ignore[index]
    graph = Graph(store=SPARQLStore(url + "sparql"))
    names = graph.query(f"SELECT ?n WHERE {{ <{LEONARD}> <{FOAF.name}> ?n }}")
    assert [str(r[0]) for r in names] == ["Léonard Hussenot"]  # type: ignore[index]
    constructed = graph.query(
        f"CONSTRUCT {{ <{PAPER}> <{DCTERMS.title}> ?t }} WHERE {{ <{PAPER}> <{DCTERMS.title}> ?t }}"
    )
    assert constructed.graph is not None
    assert set(constructed.graph) == {
        (PAPER, DCTERMS.title, Literal("Distilling Policies for Test Purposes"))
    }


def test_query_page_for_browsers(url: str) -> None:
    page = requests.get(url + "sparql", headers={"Accept": HTML_ACCEPT}, timeout=30)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<textarea" in page.text and "COUNT(DISTINCT ?paper)" in page.text
    assert "src=" not in page.text and "@import" not in page.text  # nothing loaded from elsewhere
    start = page.text.index('id="saved-data">') + len('id="saved-data">')
    data = json.loads(page.text[start : page.text.index("</script>", start)])
    assert data == {q.name: q.text for q in saved_queries()}
    for query in saved_queries():
        assert f'data-saved="{query.name}"' in page.text
    coauthors = requests.get(
        url + "sparql", params={"saved": "coauthors"}, headers={"Accept": HTML_ACCEPT}, timeout=30
    )
    assert "SELECT ?researcher ?coauthor" in coauthors.text
    # The policy allows exactly the page's inline script, so browsers run it.
    script = coauthors.text.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in coauthors.headers["Content-Security-Policy"]


def test_landing_page(url: str) -> None:
    page = requests.get(url, timeout=30)
    assert page.status_code == 200
    links = parse_page(page.text)
    assert "/sparql" in links.hrefs
    people = [h for h in links.hrefs if h.startswith("/id/person/")]
    # he is on all 26 papers; the top ten agents include "Gemma Team", a group, not a person
    assert people[0] == local(str(LEONARD)) and len(people) == 9
    assert "27 papers, 45 people" in "".join(links.text)
    for query in saved_queries():
        assert f"/sparql?saved={query.name}" in links.hrefs


# --- dereferenceable IRIs -----------------------------------------------------------------

PAPER_DESCRIPTION = (
    ARXIV_CORE
    + """
<profile/leonard-hussenot/resolution/0123456789abcdef> skg:resolvedPaper <paper/arxiv/2104.12255> .
<person/jane-roe> foaf:name "Jane Roe" .
<person/leonard-hussenot> foaf:name "Léonard Hussenot" .
cat:cs.LG skos:prefLabel "Machine Learning"@en .
cat:stat.ML skos:prefLabel "Machine Learning (Statistics)"@en .
"""
)


def test_paper_description_is_exactly_the_cbd_like_set(url: str) -> None:
    expected = set(turtle(PAPER_DESCRIPTION))
    for fmt, parser, media in (
        ("ttl", "turtle", "text/turtle"),
        ("jsonld", "json-ld", "application/ld+json"),
        ("nt", "nt", "application/n-triples"),
    ):
        response = requests.get(url + local(str(PAPER)), params={"format": fmt}, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"].split(";")[0] == media
        assert set(Graph().parse(data=response.text, format=parser)) == expected, fmt


def test_content_negotiation_on_resources(url: str) -> None:
    path = url + local(str(LEONARD))
    for accept, media in (
        ("text/turtle", "text/turtle"),
        ("*/*", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        (HTML_ACCEPT, "text/html"),
    ):
        response = requests.get(path, headers={"Accept": accept}, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"].split(";")[0] == media, accept
        assert response.headers["Vary"] == "Accept"
    override = requests.get(
        path, params={"format": "jsonld"}, headers={"Accept": HTML_ACCEPT}, timeout=30
    )
    assert override.headers["Content-Type"].startswith("application/ld+json")
    assert requests.get(path, params={"format": "pdf"}, timeout=30).status_code == 400
    assert requests.get(path, headers={"Accept": "image/png"}, timeout=30).status_code == 406
    head = requests.head(path, headers={"Accept": "text/turtle"}, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) > 0


def test_person_lists_their_papers(url: str, store: EmbeddedStore) -> None:
    path = f"<{SKG.hasAuthorship}>/<{SKG.author}>"
    result = store.query(f"SELECT DISTINCT ?paper WHERE {{ ?paper {path} <{LEONARD}> }}")
    assert isinstance(result, ox.QuerySolutions)
    papers = {row["paper"].value for row in result}
    assert str(PAPER) in papers and len(papers) == 26
    page = requests.get(url + local(str(LEONARD)), headers={"Accept": HTML_ACCEPT}, timeout=30)
    links = parse_page(page.text)
    assert "".join(links.h1) == "Léonard Hussenot"
    assert {local(p) for p in papers} <= set(links.hrefs)
    assert "Distilling Policies for Test Purposes" in links.text
    data = Graph().parse(
        data=requests.get(url + local(str(LEONARD)), timeout=30).text, format="turtle"
    )
    assert (LEONARD, FOAF.name, Literal("Léonard Hussenot")) in data
    listed = {
        str(p)
        for p, _, a in data.triples((None, SKG.hasAuthorship, None))
        if (a, SKG.author, LEONARD) in data
    }
    assert listed == papers
    assert all((URIRef(p), DCTERMS.title, None) in data for p in papers)


def test_paper_page_shows_authors_by_name(url: str) -> None:
    page = requests.get(url + local(str(PAPER)), headers={"Accept": HTML_ACCEPT}, timeout=30)
    links = parse_page(page.text)
    assert "".join(links.h1) == "Distilling Policies for Test Purposes"
    assert local(str(JANE)) in links.hrefs and local(str(LEONARD)) in links.hrefs
    assert "Jane Roe" in links.text and "Léonard Hussenot" in links.text
    assert "Machine Learning" in links.text  # category named, not shown as an IRI
    assert "?format=ttl" in " ".join(links.hrefs)


def test_hostile_literals_are_escaped(url: str) -> None:
    for iri in (HOSTILE, JANE):
        page = requests.get(url + local(str(iri)), headers={"Accept": HTML_ACCEPT}, timeout=30)
        assert page.status_code == 200
        assert "<script" not in page.text and "<img" not in page.text
        assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in (
            page.text
        )
    title = parse_page(
        requests.get(url + local(str(HOSTILE)), headers={"Accept": HTML_ACCEPT}, timeout=30).text
    ).h1
    assert "".join(title) == "<script>alert('pwned')</script> & \"quoted\""


def test_unknown_iris_are_404(url: str) -> None:
    text = requests.get(url + "id/person/nobody-at-all", timeout=30)
    assert text.status_code == 404 and text.headers["Content-Type"].startswith("text/plain")
    page = requests.get(
        url + "id/person/nobody-at-all", headers={"Accept": HTML_ACCEPT}, timeout=30
    )
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert "nobody-at-all" in page.text
    assert requests.get(url + "id/person/%3Cscript%3E", timeout=30).status_code == 404
    assert requests.get(url + "elsewhere", timeout=30).status_code == 404


def test_describe_any_iri_in_the_store(url: str) -> None:
    category = "https://w3id.org/scholarkg/category/cs.LG"
    response = requests.get(url + "describe", params={"iri": category}, timeout=30)
    assert response.status_code == 200
    data = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(category), SKOS.prefLabel, Literal("Machine Learning", lang="en")) in data
    assert (PAPER, SKG.category, URIRef(category)) in data  # incoming link


def test_every_person_and_paper_dereferences(url: str, store: EmbeddedStore) -> None:
    people = iris_of(store, SKG.Person)
    papers = iris_of(store, SKG.Paper)
    assert len(people) == 45 and len(papers) == 27  # groups are not persons
    session = requests.Session()
    for iri in people + papers:
        for fmt, parser in (("ttl", "turtle"), ("jsonld", "json-ld")):
            response = session.get(url + local(iri), params={"format": fmt}, timeout=30)
            assert response.status_code == 200, iri
            data = Graph().parse(data=response.text, format=parser)
            assert (URIRef(iri), None, None) in data, (iri, fmt)
        page = session.get(url + local(iri), headers={"Accept": HTML_ACCEPT}, timeout=30)
        assert page.status_code == 200, iri
        assert iri in page.text


def test_configurable_path_prefix(store: EmbeddedStore) -> None:
    running = Running(make_server(store, path_prefix="resource"))
    try:
        page = requests.get(
            running.url + "resource/person/leonard-hussenot",
            headers={"Accept": HTML_ACCEPT},
            timeout=30,
        )
        assert page.status_code == 200
        hrefs = parse_page(page.text).hrefs
        assert any(h.startswith("/resource/paper/") for h in hrefs)
        assert not any(h.startswith("/id/") for h in hrefs)
        assert (
            requests.get(running.url + "id/person/leonard-hussenot", timeout=30).status_code == 404
        )
    finally:
        running.stop()

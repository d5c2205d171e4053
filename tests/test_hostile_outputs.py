"""Hostile but legal text (:mod:`hostile_store`) travels from the doors through every output and
reads back, with a real parser, as exactly the values the store holds: ``scholarkg export`` in
each format, the published N-Quads dump and VoID, the endpoint's SELECT formats (SPARQL JSON,
XML, CSV, TSV), its CONSTRUCT formats (Turtle, N-Triples, JSON-LD, RDF/XML), its HTML pages,
``scholarkg query``'s formats and a saved query with a hostile value as parameter.

Literals are compared as (lexical form, datatype, language): rdflib reads them unnormalised.
CSV cells starting with ``=``, ``+``, ``-`` or ``@`` are written as they are: the project has no
spreadsheet-formula policy (README), so the test only checks they read back unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib import BNode, Dataset, Graph, URIRef

from hostile_store import (
    AUTHOR,
    DOI,
    HOSTILE,
    PROFILE_ABSTRACT,
    STORED_TITLE,
    build_hostile_store,
    store_quads,
)
from scholarkg.cli import main
from scholarkg.config import Config, ServeSettings
from scholarkg.export import FORMATS, export_dump
from scholarkg.iris import doi_iri
from scholarkg.serve import make_server
from scholarkg.store.embedded import EmbeddedStore
from serve_helpers import HTML_ACCEPT, Page

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
VOID = "https://w3id.org/scholarkg/id/graph/void"
LITERALS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER (isLiteral(?o)) }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER (isLiteral(?o)) }"
TITLES = """SELECT ?p ?t WHERE { ?p <http://purl.org/dc/terms/title> ?t
  FILTER (STRSTARTS(?t, "Title") || STRSTARTS(?t, "Profile")) }"""
RDFLIB = {"nq": "nquads", "trig": "trig", "ttl": "turtle", "jsonld": "json-ld"}
Term = tuple[str, ...]


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return build_hostile_store(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(autouse=True)
def unnormalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)  # lexical forms as written


def ox_term(term: object) -> Term:
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.Literal):
        lang = term.language
        return ("lit", term.value, "" if lang else term.datatype.value, lang or "")
    return ("blank",)


def rdflib_term(term: object) -> Term:
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("blank",)
    assert isinstance(term, rdflib.Literal)
    lang = term.language or ""
    return ("lit", str(term), "" if lang else str(term.datatype or XSD_STRING), lang)


def as_set(triples: Iterable[tuple[object, ...]], read: object) -> set[tuple[Term, ...]]:
    return {tuple(read(t) for t in triple) for triple in triples}  # type: ignore[operator]


def expected(config: Config, graphs: bool = False) -> set[tuple[Term, ...]]:
    quads = store_quads(config)
    if graphs:
        return {
            (*map(ox_term, (q.subject, q.predicate, q.object)), ox_term(q.graph_name))
            for q in quads
        }
    return {tuple(map(ox_term, (q.subject, q.predicate, q.object))) for q in quads}


def test_the_store_holds_the_hostile_values(config: Config) -> None:
    values = {q.object.value for q in store_quads(config) if isinstance(q.object, ox.Literal)}
    assert {STORED_TITLE, PROFILE_ABSTRACT, AUTHOR, "-J. Ref " + HOSTILE, "=SUM(A1)"} <= values


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_export_format_reads_back_with_rdflib(
    config: Config, tmp_path: Path, fmt: str
) -> None:
    with EmbeddedStore(config.store.path, read_only=True) as store:
        result = export_dump(store, tmp_path / f"kg.{fmt}", fmt)
    if FORMATS[fmt].dataset:
        dataset = Dataset()
        dataset.parse(result.path, format=RDFLIB[fmt])
        quads = [(s, p, o, g) for s, p, o, g in dataset.quads() if g is not None]
        assert as_set(quads, rdflib_term) == expected(config, graphs=True)
    else:
        graph = Graph().parse(result.path, format=RDFLIB[fmt])
        assert as_set(graph, rdflib_term) == expected(config)


def test_the_published_dump_and_void_read_back(config: Config) -> None:
    dataset = Dataset()
    dataset.parse(config.exports_dir / "scholarkg.nq", format="nquads")
    quads = [(s, p, o, g) for s, p, o, g in dataset.quads() if g is not None]
    stored = {q for q in expected(config, graphs=True) if q[3] != ("iri", VOID)}
    assert as_set(quads, rdflib_term) == stored
    void = Graph().parse(config.data_dir / "void.ttl", format="turtle")
    assert len(void) == sum(1 for q in store_quads(config) if q.graph_name == ox.NamedNode(VOID))


@pytest.fixture(scope="module")
def url(config: Config) -> Iterator[str]:
    store = EmbeddedStore(config.store.path, read_only=True)
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    server = make_server(store, settings=settings).start()
    try:
        yield server.url
    finally:
        server.stop()
        store.close()


def select_rows(config: Config) -> set[tuple[Term, ...]]:
    with EmbeddedStore(config.store.path, read_only=True) as store:
        rows = store.query(LITERALS)
        assert isinstance(rows, ox.QuerySolutions)
        return {(ox_term(r["s"]), ox_term(r["p"]), ox_term(r["o"])) for r in rows}


def json_term(binding: dict[str, str]) -> Term:
    if binding["type"] == "uri":
        return ("iri", binding["value"])
    lang = binding.get("xml:lang", "")
    return ("lit", binding["value"], "" if lang else binding.get("datatype", XSD_STRING), lang)


def xml_rows(body: bytes) -> set[tuple[Term, ...]]:
    ns = "{http://www.w3.org/2005/sparql-results#}"
    lang_attribute = "{http://www.w3.org/XML/1998/namespace}lang"
    out: set[tuple[Term, ...]] = set()
    for result in ET.fromstring(body).iter(ns + "result"):
        row: dict[str | None, Term] = {}
        for binding in result.iter(ns + "binding"):
            (term,) = list(binding)
            if term.tag == ns + "uri":
                row[binding.get("name")] = ("iri", term.text or "")
            else:
                lang = term.get(lang_attribute, "")
                kind = "" if lang else term.get("datatype", XSD_STRING)
                row[binding.get("name")] = ("lit", term.text or "", kind, lang)
        out.add((row["s"], row["p"], row["o"]))
    return out


def test_select_results_read_back_in_every_format(config: Config, url: str) -> None:
    want = select_rows(config)
    ask = {"query": LITERALS}
    answer = requests.get(url + "sparql", params={**ask, "format": "json"}, timeout=60)
    bindings = answer.json()["results"]["bindings"]
    assert {(json_term(b["s"]), json_term(b["p"]), json_term(b["o"])) for b in bindings} == want
    answer = requests.get(url + "sparql", params={**ask, "format": "xml"}, timeout=60)
    assert xml_rows(answer.content) == want
    answer = requests.get(url + "sparql", params={**ask, "format": "csv"}, timeout=60)
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8"), newline="")))
    assert rows[0] == ["s", "p", "o"]
    assert {tuple(r) for r in rows[1:]} == {(s[1], p[1], o[1]) for s, p, o in want}
    assert len(rows) - 1 == len(want)
    answer = requests.get(url + "sparql", params={**ask, "format": "tsv"}, timeout=60)
    lines = answer.content.decode("utf-8").split("\n")
    assert lines[0] == "?s\t?p\t?o" and lines[-1] == ""
    read = set()
    for line in lines[1:-1]:  # each cell a term in Turtle syntax
        graph = Graph().parse(data="{} {} {} .".format(*line.split("\t")), format="turtle")
        read |= as_set(graph, rdflib_term)
    assert read == want


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "rdf"])
def test_construct_results_read_back_in_every_format(config: Config, url: str, fmt: str) -> None:
    answer = requests.get(url + "sparql", params={"query": CONSTRUCT, "format": fmt}, timeout=60)
    assert answer.status_code == 200
    rdf_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[fmt]
    graph = Graph().parse(data=answer.content, format=rdf_format)
    assert as_set(graph, rdflib_term) == select_rows(config)


def test_html_pages_escape_every_value(config: Config, url: str) -> None:
    with EmbeddedStore(config.store.path, read_only=True) as store:
        rows = store.query(TITLES)
        assert isinstance(rows, ox.QuerySolutions)
        papers = {r["p"].value: r["t"].value for r in rows}
    assert len(papers) == 2
    for iri, title in papers.items():
        path = "id/" + iri.split("/id/", 1)[1]
        body = requests.get(url + path, headers={"Accept": HTML_ACCEPT}, timeout=60).text
        page = Page(body)
        assert page.title == title
        assert "<script>alert" not in body and "<b>x</b>" not in body
        assert AUTHOR in page.all_text
        doi_links = {h for h in page.hrefs if h.startswith("https://doi.org/10.1000/")}
        if "/arxiv/" in path:  # the link is the IRI the store holds; before: the DOI as written
            assert doi_links == {str(doi_iri(DOI))} == same_as_doi(config)
    found = requests.get(url + "search", params={"q": 'Br"ien <b>'}, timeout=60).text
    assert "<b>x</b>" not in found


def same_as_doi(config: Config) -> set[str]:
    """The DOI IRIs the store holds as ``owl:sameAs`` of a paper (but arXiv's own DOIs)."""
    same_as = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    objects = {q.object for q in store_quads(config) if q.predicate == same_as}
    return {
        o.value
        for o in objects
        if isinstance(o, ox.NamedNode) and o.value.startswith("https://doi.org/10.1000/")
    }


def _cli_query(capsys: pytest.CaptureFixture[str], config: Config, *args: str) -> str:
    capsys.readouterr()
    assert main(["query", *args, "--config", str(config.source)]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_query_command_results_read_back(
    config: Config, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    want = {(s[1], p[1], o[1]) for s, p, o in select_rows(config)}
    out = _cli_query(capsys, config, "--sparql", LITERALS, "--format", fmt)
    if fmt == "json":
        bindings = json.loads(out)["results"]["bindings"]
        rows = [[b[c]["value"] for c in "spo"] for b in bindings]
    else:
        delimiter = "," if fmt == "csv" else "\t"
        read = list(csv.reader(io.StringIO(out, newline=""), delimiter=delimiter))
        assert read[0] == ["s", "p", "o"]
        rows = read[1:]  # before, an empty record closed the CSV and TSV
    assert {tuple(r) for r in rows} == want and len(rows) == len(want)


def test_a_saved_query_finds_a_person_by_a_hostile_name(
    config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _cli_query(
        capsys, config, "identity-evidence", "--param", f"researcher={AUTHOR}", "--format", "json"
    )
    bindings = json.loads(out)["results"]["bindings"]
    assert {b["researcher"]["value"] for b in bindings} == {AUTHOR}
    assert {b["title"]["value"] for b in bindings} >= {STORED_TITLE}

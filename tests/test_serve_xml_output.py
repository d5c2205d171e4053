"""XML answers (RDF/XML of CONSTRUCT results, Graph Store reads and linked-data pages; SPARQL
XML results) are XML a real parser reads as the data, or a 406 with a one-line reason: a
predicate whose IRI ends in no XML name, a literal holding a character XML 1.0 does not allow
(C0 controls, U+FFFE, U+FFFF). A carriage return is written as ``&#13;`` and read back as
itself, not folded into a line feed."""

from __future__ import annotations

import io
import xml.parsers.expat
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef

from scholarkg.config import ServeSettings
from scholarkg.serve.pages import PREFIXES
from scholarkg.serve.xml_output import NotXmlError, XmlGuard, xml_named
from serve_fixtures import BASE, build_v2_store
from serve_helpers import local, running_server

pytestmark = pytest.mark.server

ODD_PREDICATE = BASE + "paper/odd-predicate"
ODD_LITERAL = BASE + "paper/odd-literal"
ODD_END = BASE + "paper/odd-end"
CARRIAGE = BASE + "paper/carriage"
QUOTED = BASE + "paper/quoted"
GRAPH = BASE + "graph/odd"
EX = "http://example.org/"
EXTRA = f"""
GRAPH <{GRAPH}> {{
  <{ODD_PREDICATE}> <{EX}p/1> "fine" .
  <{ODD_LITERAL}> <{EX}title> "bell\\u0007 here" .
  <{ODD_END}> <{EX}title> "not a character\\uFFFF" .
  <{CARRIAGE}> <{EX}abstract> "one\\r\\ntwo\\tthree" .
  <{QUOTED}> <{EX}claims> <<( <{EX}a> <{EX}b> "c" )>> .
}}
"""
RDF_XML = "application/rdf+xml"
XML_RESULTS = "application/sparql-results+xml"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = build_v2_store(tmp_path_factory.mktemp("xml") / "store", EXTRA)
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    with running_server(path, build=False, settings=settings) as (server, _):
        yield server.url


def well_formed(body: bytes) -> bool:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


def construct(url: str, subject: str, accept: str = RDF_XML) -> requests.Response:
    query = f"CONSTRUCT {{ <{subject}> ?p ?o }} WHERE {{ <{subject}> ?p ?o }}"
    return requests.get(url + "sparql", params={"query": query}, headers={"Accept": accept})


def select(url: str, subject: str) -> requests.Response:
    query = f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}"
    return requests.get(url + "sparql", params={"query": query}, headers={"Accept": XML_RESULTS})


def page(url: str, subject: str) -> requests.Response:
    return requests.get(url + local(subject)[1:], headers={"Accept": RDF_XML})


def refused(response: requests.Response, *words: str) -> None:
    """A 406 with one line naming the cause and what to ask for instead."""
    assert response.status_code == 406, (response.status_code, response.content[:300])
    assert response.text.count("\n") == 1, response.text
    assert all(word in response.text for word in words), response.text


@pytest.mark.parametrize("subject", [ODD_PREDICATE, ODD_LITERAL, ODD_END])
def test_rdf_xml_that_cannot_carry_the_result_is_406(url: str, subject: str) -> None:
    cause = EX + "p/1" if subject == ODD_PREDICATE else "U+"
    for response in (construct(url, subject), page(url, subject)):
        refused(response, "RDF/XML", cause, "Turtle")
    graph = requests.get(url + "store", params={"graph": GRAPH}, headers={"Accept": RDF_XML})
    refused(graph, "RDF/XML", "Turtle")  # the first of its odd triples is named
    turtle = construct(url, subject, "text/turtle")
    assert turtle.status_code == 200 and len(Graph().parse(data=turtle.text, format="turtle")) == 1


@pytest.mark.parametrize("subject", [ODD_LITERAL, ODD_END])
def test_xml_results_that_cannot_carry_a_literal_are_406(url: str, subject: str) -> None:
    refused(select(url, subject), "XML", "U+", "JSON")


def test_a_carriage_return_survives_rdf_xml_and_xml_results(url: str) -> None:
    expected = Literal("one\r\ntwo\tthree")
    for response in (construct(url, CARRIAGE), page(url, CARRIAGE)):
        assert response.status_code == 200 and well_formed(response.content)
        graph = Graph().parse(data=response.content, format="xml")
        assert graph.value(URIRef(CARRIAGE), URIRef(EX + "abstract")) == expected
    results = select(url, CARRIAGE)
    assert results.status_code == 200 and well_formed(results.content)
    texts: list[str] = []
    parser = xml.parsers.expat.ParserCreate()
    parser.CharacterDataHandler = texts.append
    parser.Parse(results.content, True)
    assert "one\r\ntwo\tthree" in "".join(texts)


def test_every_other_answer_stays_well_formed_xml(url: str) -> None:
    """The fixture's own resources, as RDF/XML and XML results, parse as they did."""
    for subject in (BASE + "person/leonard-hussenot", BASE + "paper/arxiv/2104.12255"):
        for response in (construct(url, subject), page(url, subject), select(url, subject)):
            assert response.status_code == 200 and well_formed(response.content)
    store = requests.get(url + "store", params={"default": ""}, headers={"Accept": RDF_XML})
    assert store.status_code == 406  # the default graph holds the odd triples too
    void = requests.get(url + ".well-known/void", headers={"Accept": RDF_XML})
    assert void.status_code == 200 and well_formed(void.content)


def test_the_expat_parser_used_here_rejects_what_was_sent(tmp_path: Path) -> None:
    """The check itself can fail: the bytes Oxigraph wrote before the fix do not parse."""
    assert not well_formed(
        b'<a><oxprefix: xmlns:oxprefix="http://example.org/p/1">x</oxprefix:></a>'
    )
    assert not well_formed(b"<a>bell\x07 here</a>")
    assert well_formed(b"<a>one&#13;\ntwo</a>")


@pytest.mark.parametrize(
    "predicate",
    [
        EX + "p",
        EX + "p/1",
        EX + "p/",
        EX + "p#",
        EX + "p/1a",
        EX + "p/-a",
        EX + "p/a.b-c_d",
        EX + "p/\u0132",  # a letter by XML 1.0 fifth edition, not by expat's fourth
        EX + "p/a\u0132",
        EX + "p/\u00e9t\u00e9",
        EX + "p/a\u0301",
        "https://w3id.org/scholarkg/ontology#1abc",  # a namespace the pages' prefixes name
        "https://w3id.org/scholarkg/ontology#",
        "urn:x:1",
    ],
)
@pytest.mark.parametrize("prefixes", [None, PREFIXES])
def test_a_predicate_is_refused_exactly_when_its_rdf_xml_would_not_parse(
    predicate: str, prefixes: dict[str, str] | None
) -> None:
    triple = ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(predicate), ox.Literal("x"))
    body = ox.serialize([triple], format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b""
    try:
        list(xml_named([triple], prefixes))
    except NotXmlError as exc:
        assert not well_formed(body) and predicate in str(exc)
    else:
        assert well_formed(body)
        graph = Graph().parse(data=body, format="xml")
        assert {str(p) for p in graph.predicates()} == {predicate}


def test_a_page_holding_a_triple_term_is_406_as_json_ld_as_a_query_is(url: str) -> None:
    """JSON-LD cannot carry an RDF 1.2 triple term: the page is refused with the reason the
    query's answer gives, not sent with the triple term turned into a string literal."""
    for response in (
        requests.get(url + local(QUOTED)[1:], headers={"Accept": "application/ld+json"}),
        construct(url, QUOTED, "application/ld+json"),
    ):
        refused(response, "JSON-LD", "triple term", "Turtle")
    turtle = requests.get(url + local(QUOTED)[1:], headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "<<(" in turtle.text


@pytest.mark.parametrize("character", ["\x01", "\x1f", "\ufffe", "\uffff"])
def test_a_character_xml_does_not_allow_is_found_however_the_writes_split_it(
    character: str,
) -> None:
    """Byte by byte too: U+FFFF is three bytes, which three writes may bring one at a time."""
    guard = XmlGuard(io.BytesIO(), "RDF/XML", "ask for Turtle")
    with pytest.raises(NotXmlError, match=f"U\\+{ord(character):04X}"):
        for byte in f"<a>x{character}</a>".encode():
            guard.write(bytes([byte]))
    out = io.BytesIO()
    fine = XmlGuard(out, "RDF/XML", "ask for Turtle")
    for byte in "<a>\uffef\r\u00ff</a>".encode():
        fine.write(bytes([byte]))
    assert out.getvalue() == "<a>\uffef&#13;\u00ff</a>".encode()

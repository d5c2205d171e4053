"""A SPARQL server's answer in a charset other than UTF-8 (declared in its Content-Type) is
read in it; one that is not what it declares is one QueryError line naming the server and the
byte. Before, pyoxigraph read every answer as UTF-8 and SELECT rows lazily: the answer failed
as a bare SyntaxError while the caller went through its rows (a traceback past every handler
of the store's errors). The servers are loopback ones answering as scripted."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from loopback import Scripted
from scholarkg.errors import QueryError
from scholarkg.store.remote import SparqlStore

CAFE = "caf\xe9 \u20ac"  # é in Latin-1; € only in windows-1252 and UTF-*
JSON = '{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"%s"}}]}}'
XML = (
    '<?xml version="1.0" encoding="%s"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    '<head><variable name="n"/></head><results><result><binding name="n"><literal>%s</literal>'
    "</binding></result></results></sparql>"
)
NT = '<urn:x:s> <urn:x:p> "%s" .\n'


@pytest.fixture
def answering() -> Iterator[list[Scripted]]:
    started: list[Scripted] = []
    yield started
    for server in started:
        server.close()


def _store(answering: list[Scripted], content_type: str, body: bytes) -> SparqlStore:
    server = Scripted(content_type, body)
    answering.append(server)
    return SparqlStore(f"{server.url}/query")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/sparql-results+json; charset=windows-1252", (JSON % CAFE).encode("cp1252")),
        ("application/sparql-results+json;charset=UTF-16", (JSON % CAFE).encode("utf-16")),
        ('application/sparql-results+json; charset="utf-8"', (JSON % CAFE).encode("utf-8")),
        ("application/sparql-results+json", b"\xef\xbb\xbf" + (JSON % CAFE).encode("utf-8")),
        (
            "application/sparql-results+xml; charset=cp1252",
            (XML % ("cp1252", CAFE)).encode("cp1252"),
        ),
    ],
    ids=["json-windows-1252", "json-utf-16", "json-utf-8-quoted", "json-utf-8-bom", "xml-cp1252"],
)
def test_select_answers_are_read_in_the_charset_they_declare(
    answering: list[Scripted], content_type: str, body: bytes
) -> None:
    with _store(answering, content_type, body) as store:
        rows = store.query("SELECT ?n WHERE {}", union=False)
        assert isinstance(rows, ox.QuerySolutions)
        assert [row["n"].value for row in rows] == [CAFE]


def test_construct_answers_are_read_in_the_charset_they_declare(
    answering: list[Scripted],
) -> None:
    body = (NT % CAFE).encode("utf-16-le")
    with _store(answering, "application/n-triples; charset=utf-16le", body) as store:
        triples = store.query("CONSTRUCT WHERE { ?s ?p ?o }")
        assert [str(t.object.value) for t in triples] == [CAFE]


@pytest.mark.parametrize(
    ("content_type", "body", "says"),
    [
        (
            "application/sparql-results+json",
            (JSON % CAFE).encode("cp1252"),
            "the answer is not utf-8 text as its Content-Type says: byte 0xe9 at offset 81",
        ),
        (
            "application/sparql-results+json; charset=x-no-such",
            (JSON % "x").encode(),
            "the answer's charset 'x-no-such' is unknown (Content-Type: "
            "'application/sparql-results+json; charset=x-no-such')",
        ),
    ],
    ids=["latin-bytes-as-utf-8", "unknown-charset"],
)
def test_an_answer_not_in_its_charset_is_one_line(
    answering: list[Scripted], content_type: str, body: bytes, says: str
) -> None:
    with _store(answering, content_type, body) as store, pytest.raises(QueryError) as failed:
        store.graph_sizes(["urn:x:g"])  # a reader going through the rows
    assert str(failed.value) == f"{store.query_url}: {says}"

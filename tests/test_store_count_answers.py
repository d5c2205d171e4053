"""A SPARQL server's answer to the store's own counting queries (the quads of each graph asked,
of the store) is read strictly: a count that is no whole number from 0 to 2^63 - 1, an answer
whose head does not declare the variables asked, a JSON answer holding a key twice in one
object, a graph not asked or named twice, a quad count of no row or of two: each is one
QueryError line naming the server and what was wrong, and a write's check that reads such an
answer fails the write as unchecked (never as applied). Before, ``abc``, ``1.5`` or a count of
5 000 digits was a ValueError traceback; ``-1`` or 10^30 was taken as a graph's or the store's
size (into the run's counts); a head without ``n`` or an empty answer made every graph absent
and the store empty; a duplicate key's last value was taken silently. The servers are loopback
ones answering as scripted; an XML answer (asked for second, after JSON) reads as JSON does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from loopback import Scripted
from scholarkg.errors import LoadError, QueryError
from scholarkg.store.endpoint_failures import not_applied, unanswered
from scholarkg.store.remote import SparqlStore

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _row(graph: str, count: str, datatype: str = INTEGER) -> str:
    return (
        f'{{"g":{{"type":"uri","value":"{graph}"}},'
        f'"n":{{"type":"literal","value":"{count}","datatype":"{datatype}"}}}}'
    )


def _json(rows: list[str], variables: str = '["g","n"]') -> str:
    return f'{{"head":{{"vars":{variables}}},"results":{{"bindings":[{",".join(rows)}]}}}}'


# (count the answer gives, what the one line says of it)
COUNTS = {
    "count-not-a-number": ("abc", "'abc' is no count"),
    "count-decimal": ("1.5", "'1.5' is no count"),
    "count-negative": ("-1", "'-1' is no count"),
    "count-huge": ("9" * 30, "'" + "9" * 30 + "' is no count"),
    "count-of-5000-digits": ("9" * 5000, "[4960 more characters]"),
}
# (answer to a graph's count, what the one line says was wrong)
WRONG = {
    **{case: (_json([_row("urn:g", count)]), said) for case, (count, said) in COUNTS.items()},
    "head-without-n": (
        _json(['{"g":{"type":"uri","value":"urn:g"}}'], '["g"]'),
        "the answer's head declares ?g, not ?g ?n",
    ),
    "duplicate-key": (
        _json([_row("urn:g", "1")[:-1] + ',"n":{"type":"literal","value":"2"}}']),
        'holds the key "n" twice in one object',
    ),
    "duplicate-head": (
        '{"head":{"vars":["g","n"]},"head":{"vars":[]},"results":{"bindings":[]}}',
        'holds the key "head" twice in one object',
    ),
}


def _store_count(answer: str) -> str:
    """``answer`` as it counts the store's quads (``?n`` alone)."""
    return answer.replace('{"g":{"type":"uri","value":"urn:g"},', "{").replace('"g",', "")


@pytest.fixture(params=list(WRONG), ids=list(WRONG))
def wrong(request: pytest.FixtureRequest) -> Iterator[tuple[SparqlStore, str]]:
    body, said = WRONG[request.param]
    server = Scripted(JSON, body.encode("utf-8"))
    store = SparqlStore(f"{server.url}/query", store_url=f"{server.url}/store")
    yield store, said
    store.close()
    server.close()


def _one_line(exc: BaseException, store: SparqlStore, said: str) -> None:
    line = str(exc)
    assert line.startswith(f"{store.query_url.removesuffix('/query')}/"), line
    assert f"{store.query_url}: " in line and said in line, line
    assert "\n" not in line and len(line) < 600, line


def test_a_wrong_count_answer_to_graph_sizes_is_one_query_error(
    wrong: tuple[SparqlStore, str],
) -> None:
    store, said = wrong
    with pytest.raises(QueryError) as caught:
        store.graph_sizes(["urn:g"])
    _one_line(caught.value, store, said)


@pytest.mark.parametrize("case", list(WRONG))
def test_a_wrong_count_answer_to_quad_count_is_one_query_error(case: str) -> None:
    answer, said = WRONG[case]
    server = Scripted(JSON, _store_count(answer).encode("utf-8"))
    try:
        with SparqlStore(f"{server.url}/query") as store, pytest.raises(QueryError) as caught:
            store.quad_count()
        _one_line(caught.value, store, said.replace("?g ?n", "?n"))
    finally:
        server.close()


def test_a_wrong_count_answer_leaves_a_write_unchecked_never_applied(
    wrong: tuple[SparqlStore, str],
) -> None:
    store, said = wrong
    with pytest.raises(LoadError) as caught:
        store.replace_graph_ntriples("urn:g", "<urn:a> <urn:b> <urn:c> .\n")
    _one_line(caught.value, store, said)
    assert ": replace graph <urn:g>: answered, but not checked: " in str(caught.value)
    assert unanswered(caught.value) and not not_applied(caught.value)


# (answer, the graphs asked, what the one line says was wrong)
WRONG_GRAPHS = {
    "graph-not-asked": (_json([_row("urn:other", "1")]), "graph <urn:other> it was not asked for"),
    "graph-twice": (_json([_row("urn:g", "1"), _row("urn:g", "2")]), "graph <urn:g> twice"),
    "blank-node-graph": (
        _json(['{"g":{"type":"bnode","value":"b0"},"n":{"type":"literal","value":"1"}}']),
        "graph _:b0 it was not asked for",
    ),
}


@pytest.mark.parametrize("case", list(WRONG_GRAPHS))
def test_graph_sizes_refuses_graphs_not_asked_or_named_twice(case: str) -> None:
    body, said = WRONG_GRAPHS[case]
    server = Scripted(JSON, body.encode("utf-8"))
    try:
        with SparqlStore(f"{server.url}/query") as store, pytest.raises(QueryError) as caught:
            store.graph_sizes(["urn:g"])
        _one_line(caught.value, store, said)
    finally:
        server.close()


@pytest.mark.parametrize(
    ("rows", "said"),
    [([], "answered no row"), ([_row("urn:g", "1"), _row("urn:g", "2")], "answered 2 rows")],
)
def test_quad_count_needs_one_row(rows: list[str], said: str) -> None:
    body = _json([r.replace('"g":{"type":"uri","value":"urn:g"},', "") for r in rows], '["n"]')
    server = Scripted(JSON, body.encode("utf-8"))
    try:
        with SparqlStore(f"{server.url}/query") as store, pytest.raises(QueryError) as caught:
            store.quad_count()
        _one_line(caught.value, store, f"a count of quads {said}")
    finally:
        server.close()


XML_ANSWER = (
    '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
    '<variable name="g"/><variable name="n"/></head><results><result><binding name="g"><uri>'
    f'urn:g</uri></binding><binding name="n"><literal datatype="{INTEGER}">3</literal>'
    "</binding></result></results></sparql>"
)


def test_an_xml_answer_and_a_plain_literal_count_read_as_json_does() -> None:
    for content_type, body in ((XML, XML_ANSWER), (JSON, _json([_row("urn:g", "3", "")]))):
        server = Scripted(content_type, body.replace(',"datatype":""', "").encode("utf-8"))
        try:
            with SparqlStore(f"{server.url}/query") as store:
                assert store.graph_sizes(["urn:g"]) == {"urn:g": 3}
        finally:
            server.close()


@pytest.mark.parametrize(
    ("content_type", "body", "said"),
    [
        (JSON, "", f"unreadable {JSON} answer at row 1"),
        ("", "", "unexpected response type ''"),
        (JSON, XML_ANSWER, f"unreadable {JSON} answer at row 1"),
    ],
    ids=["empty-json", "empty-untyped", "xml-said-to-be-json"],
)
def test_an_empty_or_mislabelled_answer_is_one_query_error(
    content_type: str, body: str, said: str
) -> None:
    server = Scripted(content_type, body.encode("utf-8"))
    try:
        with SparqlStore(f"{server.url}/query") as store:
            for read in (lambda: store.graph_sizes(["urn:g"]), store.quad_count):
                with pytest.raises(QueryError) as caught:
                    read()
                _one_line(caught.value, store, said)
    finally:
        server.close()


def test_an_xml_answer_binding_a_variable_twice_in_one_result_is_one_query_error() -> None:
    """As a JSON key twice (before: the last binding taken silently, here 7 quads)."""
    twice = XML_ANSWER.replace(
        "</binding></result>",
        f'</binding><binding name="n"><literal datatype="{INTEGER}">7</literal></binding></result>',
    )
    server = Scripted(XML, twice.encode("utf-8"))
    try:
        with SparqlStore(f"{server.url}/query") as store, pytest.raises(QueryError) as caught:
            store.graph_sizes(["urn:g"])
        _one_line(caught.value, store, "the XML answer binds ?n twice in one result")
    finally:
        server.close()

"""A SPARQL server's answer to the store's reads of graph names and of a graph's triples must
declare the variables asked in its head: one that does not (``?x`` for ``?g``, no ``?o``) is
one QueryError line naming the server. Before, the rows were read without them: the store's
graphs came back as none (what the manifest's contents are reconciled with) and a graph's
triples with ``None`` objects. A head declaring one more variable is harmless. A graph named
by no IRI (a blank node, or unbound) is refused alike, rather than passed over. The servers are
loopback ones answering as scripted."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from loopback import Scripted
from scholarkg.errors import QueryError
from scholarkg.store.remote import SparqlStore

JSON = "application/sparql-results+json"


def _answer(variables: str, row: str) -> bytes:
    return f'{{"head":{{"vars":{variables}}},"results":{{"bindings":[{row}]}}}}'.encode()


URI = '{"type":"uri","value":"urn:x"}'
CASES: dict[str, tuple[bytes, Callable[[SparqlStore], object], str]] = {
    "names-head-x": (
        _answer('["x"]', f'{{"x":{URI}}}'),
        lambda store: list(store.iter_graph_names()),
        "the answer's head declares ?x, not ?g",
    ),
    "names-blank-node": (
        _answer('["g"]', '{"g":{"type":"bnode","value":"b0"}}'),
        lambda store: list(store.iter_graph_names()),
        "the answer names graph _:b0, no IRI",
    ),
    "names-unbound": (
        _answer('["g"]', "{}"),
        lambda store: list(store.iter_graph_names()),
        "a row of the answer names no graph",
    ),
    "triples-head-without-o": (
        _answer('["s","p"]', f'{{"s":{URI},"p":{URI}}}'),
        lambda store: store.triples_in("urn:g"),
        "the answer's head declares ?s ?p, not ?s ?p ?o",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_answer_without_the_variables_asked_is_one_query_error(case: str) -> None:
    body, read, said = CASES[case]
    server = Scripted(JSON, body)
    try:
        with SparqlStore(f"{server.url}/query") as store, pytest.raises(QueryError) as caught:
            read(store)
    finally:
        server.close()
    assert str(caught.value) == f"{server.url}/query: {said}"


def test_an_answer_declaring_the_variables_in_another_order_and_one_more_reads() -> None:
    row = f'{{"s":{URI},"p":{URI},"o":{URI}}}'
    server = Scripted(JSON, _answer('["o","s","x","p"]', row))
    try:
        with SparqlStore(f"{server.url}/query") as store:
            assert store.triples_in("urn:g") == {("<urn:x>", "<urn:x>", "<urn:x>")}
    finally:
        server.close()

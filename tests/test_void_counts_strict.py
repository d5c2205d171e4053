"""The VoID description's statistics, read from a SPARQL server, take only whole counts: a
server answering ``abc``, ``-1``, ``1.5`` or 10^30 to a COUNT, or no row to the count of entities,
is one QueryError line naming the server (before: ``int()`` raised a ValueError traceback for
``abc`` and put ``-1`` or 10^30 in the published description; no row was an IndexError). The
servers are loopback ones answering every request as scripted."""

from __future__ import annotations

import pytest

from loopback import Scripted
from scholarkg.errors import QueryError
from scholarkg.iris import Minter
from scholarkg.store.remote import SparqlStore
from scholarkg.void_statistics import dataset_statistics

JSON = "application/sparql-results+json"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _answer(variables: list[str], rows: list[dict[str, str]]) -> bytes:
    """A JSON answer whose rows bind each variable to an integer-typed literal (``?p`` an IRI)."""
    bindings = [
        "{"
        + ",".join(
            f'"{v}":{{"type":"uri","value":"{value}"}}'
            if v in {"p", "c", "g"}
            else f'"{v}":{{"type":"literal","value":"{value}","datatype":"{INTEGER}"}}'
            for v, value in row.items()
        )
        + "}"
        for row in rows
    ]
    head = ",".join(f'"{v}"' for v in variables)
    return (
        f'{{"head":{{"vars":[{head}]}},"results":{{"bindings":[{",".join(bindings)}]}}}}'.encode()
    )


def _statistics_of(body: bytes) -> QueryError:
    server = Scripted(JSON, body)
    store = SparqlStore(f"{server.url}/query", store_url=f"{server.url}/store")
    try:
        with pytest.raises(QueryError) as caught:
            dataset_statistics(store, Minter("https://w3id.org/scholarkg/"))
        message = str(caught.value)
        assert "\n" not in message and message.startswith(f"{server.url}/query: VoID statistics")
        return caught.value
    finally:
        store.close()
        server.close()


@pytest.mark.parametrize("count", ["abc", "-1", "1.5", "9" * 30])
def test_a_property_count_that_is_no_whole_number_is_one_line_naming_the_server(count: str) -> None:
    error = _statistics_of(_answer(["p", "t"], [{"p": "urn:p", "t": count}]))
    assert f"the triples of <urn:p>: '{count}' is no count" in str(error)


def test_no_row_for_the_count_of_entities_is_one_line_naming_the_server() -> None:
    # every query is answered with no row: the properties and classes are none, the entities'
    # count is missing, which is no count of zero
    error = _statistics_of(_answer(["n"], []))
    assert "the count of entities answered 0 rows, not one" in str(error)


def test_a_row_leaving_a_counted_variable_unbound_is_one_line_naming_the_server() -> None:
    # a head that declares other variables than the query asked (?x, not ?p ?t)
    error = _statistics_of(_answer(["x"], [{"x": "1"}]))
    assert "a row leaves ?p ?t unbound" in str(error)

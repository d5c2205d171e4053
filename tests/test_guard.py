"""The query guard reads SPARQL as Oxigraph does: no SERVICE or LOAD gets past it however the
text is written, and ordinary queries (the saved ones among them) pass."""

from __future__ import annotations

import pytest

from hostile_queries import LOAD_TRICKS, SERVICE_TRICKS
from scholarkg.errors import QueryLimitError
from scholarkg.query import saved_queries
from scholarkg.serve.guard import QueryLimits, check_query

LIMITS = QueryLimits(federation=("http://allowed/",))
TRAP = "http://127.0.0.1:9/trap"


def refusal(text: str, limits: QueryLimits = LIMITS) -> QueryLimitError:
    with pytest.raises(QueryLimitError) as refused:
        check_query(text, limits)
    return refused.value


@pytest.mark.parametrize("name", SERVICE_TRICKS)
def test_every_way_of_writing_service_is_refused(name: str) -> None:
    refused = refusal(SERVICE_TRICKS[name] % TRAP)
    assert refused.status == 403 and "SERVICE" in str(refused)


@pytest.mark.parametrize("name", LOAD_TRICKS)
def test_load_is_refused(name: str) -> None:
    refused = refusal(LOAD_TRICKS[name] % TRAP)
    assert refused.status == 403
    assert str(refused) == (
        "query refused: LOAD (fetching a document from a URL) is disabled on this endpoint"
    )


def test_keywords_in_strings_iris_comments_and_names_are_not_calls() -> None:
    for text in (
        'SELECT ?service ?load WHERE { ?s <http://x/service#p> "SERVICE { LOAD <http://x/>" }',
        "PREFIX service: <urn:x:> PREFIX load: <urn:y:> SELECT * WHERE { ?s service:p load:o }",
        "SELECT * WHERE { ?s <http://x/it's#a> ?o } # SERVICE <http://x/> {\n",
        "SELECT * WHERE { ?s <http://x/\\u0041'> ?o . ?s ?p 'a #{' }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<3 && ?o > 1) }",
        "SELECT * WHERE { VALUES (?a ?b) { (<http://x/service> <http://x/a#load>) } }",
        'INSERT DATA { GRAPH <http://x/g> { <http://x/load> <http://x/p> "LOAD <x>" } }',
        "DESCRIBE <http://x/a> load:b",
    ):
        info = check_query(text, LIMITS)
        assert info.services == () and info.loads == (), text
    allowed = "SELECT * WHERE { SERVICE <http://allowed/> { ?s ?p ?o } }"
    assert check_query(allowed, LIMITS).services == ("http://allowed/",)


def test_a_comparison_that_also_reads_as_an_iri_with_a_quote_is_refused() -> None:
    """``<`` after an operand in an expression compares; if the text up to the next ``>`` also
    reads as an IRI holding a quote or ``#``, the guard says so instead of guessing."""
    refused = refusal("SELECT * WHERE { ?s ?p ?o FILTER(?o<'x'&&?o>'a') }")
    assert refused.status == 400 and "cannot tell whether" in str(refused)
    check_query("SELECT * WHERE { ?s ?p ?o FILTER(?o < 'x' && ?o > 'a') }", LIMITS)


def test_saved_and_ordinary_queries_pass() -> None:
    limits = QueryLimits()
    for saved in saved_queries():
        check_query(saved.text, limits)
    ordinary = (
        "SELECT ?a WHERE { ?a ?p ?o FILTER("
        + " || ".join(f"?o = {i}" for i in range(40))
        + ") } ORDER BY DESC(?a) LIMIT 10"
    )
    check_query(ordinary, limits)

"""The query guard reads SPARQL as Oxigraph does: no SERVICE or LOAD gets past it however the
text is written, nesting the engine would overflow its stack on is refused before any worker
runs, and ordinary queries (the saved ones among them) pass."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hostile_queries import DEEP, LOAD_TRICKS, SERVICE_TRICKS, deep
from scholarkg.errors import QueryLimitError
from scholarkg.query import saved_queries
from scholarkg.serve.guard import QueryLimits, check_query, scan_query
from scholarkg.serve.guard_lexer import CHAIN_PER_LEVEL, STEPS_PER_LEVEL

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


@pytest.mark.parametrize("name", DEEP)
def test_deep_operator_chains_are_refused(name: str) -> None:
    refused = refusal(DEEP[name], QueryLimits())
    assert refused.status == 400
    assert "deep (brackets, and chains of operators, UNION or path steps)" in str(refused)


def test_nesting_counts_brackets_chains_and_the_steps_of_a_group() -> None:
    """One level per bracket, per CHAIN_PER_LEVEL operators of a chain, per STEPS_PER_LEVEL
    steps of a group."""

    def nesting(text: str) -> int:
        return scan_query(text).nesting

    k, j = CHAIN_PER_LEVEL, STEPS_PER_LEVEL
    assert nesting("SELECT * WHERE { ?s ?p ?o }") == 1
    assert nesting("ASK { FILTER(" + "!" * (3 * k) + "true) }") == 2 + 3  # { ( and the chain
    assert nesting("ASK { FILTER(" + "!" * (k - 1) + "true) }") == 2  # under k: nothing
    assert nesting("SELECT ((((?x))) || ?y || ?z AS ?b) {}") == 4  # brackets only
    # a chain ends at , ; or . (so two paths of k steps are one level, not two)
    path = "/".join(["<p:a>"] * (k + 1))
    assert nesting(f"ASK {{ ?s {path} ?o ; {path} ?o }}") == 1 + 1
    assert nesting("ASK { " + "{} UNION " * k + "{} }") == 2 + 1
    assert nesting("ASK { " + "OPTIONAL {} " * (2 * j) + "}") == 2 + 2
    assert nesting("ASK { " + "?s ?p ?o . " * (4 * j) + "}") == 1 + 4
    assert nesting("SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(j)) + " {}") == 1 + 1
    # a collection's elements (two triple patterns each) join the group's steps; VALUES rows,
    # signs, path modifiers and ^^ nest nothing
    assert nesting("ASK { ?s <p:a> (" + "1 " * j + ") }") == 2 + j  # { ( and 2j + 1 steps
    assert nesting("SELECT * { VALUES (?a ?b) { " + "(1 2) " * (4 * j) + "} }") == 3
    assert nesting('SELECT * { ?s <p:a>* "1"^^<p:t>, -1, +2 }') == 1 + 1  # 3 steps


def test_saved_and_ordinary_queries_pass() -> None:
    limits = QueryLimits()
    for saved in saved_queries():
        assert check_query(saved.text, limits).nesting <= 24, saved.name
    ordinary = (
        "SELECT ?a WHERE { ?a ?p ?o FILTER("
        + " || ".join(f"?o = {i}" for i in range(40))
        + ") } ORDER BY DESC(?a) LIMIT 10"
    )
    check_query(ordinary, limits)


def test_chains_as_long_as_the_limit_allows_run_in_the_engine() -> None:
    """Each chain at the default limit (64) passes the guard and Oxigraph runs it in a child
    process (a crash would kill the process: -11)."""
    limits = QueryLimits()
    for name in DEEP:
        low, high = 1, 4096  # the longest chain the guard lets through: a binary search
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (
                (middle, high)
                if scan_query(deep(name, middle)).nesting <= 64
                else (
                    low,
                    middle - 1,
                )
            )
        size = low
        check_query(deep(name, size), limits)
        assert scan_query(deep(name, size + 1)).nesting > limits.max_nesting
        child = subprocess.run(
            [sys.executable, "-c", _RUN],
            input=deep(name, size),
            capture_output=True,
            text=True,
            check=False,
        )
        assert child.returncode == 0, (name, child.stderr[-300:])


_RUN = "import sys, pyoxigraph as ox; bool(ox.Store().query(sys.stdin.read()))"

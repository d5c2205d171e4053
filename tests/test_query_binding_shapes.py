"""Parameters bound into every shape of query: one that ends in its own ``VALUES`` clause got a
second appended, a syntax error naming a line the user did not write (``line 2, column 4:
expected UNDEF``); now its parameters go at the end of its WHERE group, and a query with no
such group is refused in one line naming it. Every bound text is run on a real Oxigraph store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from scholarkg.errors import QueryError
from scholarkg.query_binding import bind_parameters

A, B = ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:b")
P = ox.NamedNode("urn:x:p")
OWN = 'VALUES ?o { "x" "y" }'  # the query's own trailing VALUES


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(A, P, ox.Literal("x")))
    store.add(ox.Quad(B, P, ox.Literal("y")))
    return store


def answer(store: ox.Store, text: str) -> object:
    """``text``'s answer: ASK's boolean, else the number of rows or triples."""
    result = store.query(text)
    return bool(result) if isinstance(result, ox.QueryBoolean) else len(list(result))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"SELECT ?s ?o WHERE {{ ?s ?p ?o }}\n{OWN}\n", 1),
        ('SELECT ?s ?o WHERE { ?s ?p ?o }\nVALUES (?o) { ("x") (UNDEF) } # the end }\n', 2),
        ("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 5", 1),
        (f"SELECT ?s ?o WHERE {{ ?s ?p ?o }} ORDER BY ?o LIMIT 5 {OWN}", 1),
        (f"SELECT ?s WHERE {{ {{ SELECT ?s ?o WHERE {{ ?s ?p ?o }} {OWN} }} }}", 1),
        (f"SELECT ?s ?o WHERE {{ {{ SELECT ?s ?o WHERE {{ ?s ?p ?o }} }} }} {OWN}", 1),
        ("SELECT ?s ?o WHERE { ?s ?p ?o }\n# a comment { VALUES\n# and another", 1),
        (f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o != "}}") }} # }}\n{OWN}\n# VALUES {{', 1),
        ("SELECT * { ?s ?p ?o }", 1),
        (f"SELECT * {{ ?s ?p ?o }} {OWN}", 1),
        ("ASK { ?s ?p ?o }", True),
        ('ASK { ?s ?p ?o } VALUES ?o { "y" }', False),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", 1),
        (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }} {OWN}", 1),
        ("CONSTRUCT WHERE { ?s ?p ?o }", 1),
        ("DESCRIBE ?s WHERE { ?s ?p ?o }", 1),
        (f"DESCRIBE ?s WHERE {{ ?s ?p ?o }} {OWN}", 1),
    ],
)
def test_every_shape_binds_to_a_query_that_runs(
    store: ox.Store, query: str, expected: object
) -> None:
    bound = bind_parameters(query, {"s": "<urn:x:a>"})
    assert answer(store, bound) == expected
    assert bound.count("\n") == query.count("\n")  # every line is one the user wrote


def test_a_value_bound_beside_the_querys_own_values_is_still_escaped(store: ox.Store) -> None:
    hostile = 'x" } } VALUES ?o { "y" } #'
    bound = bind_parameters(f"SELECT ?s WHERE {{ ?s ?p ?o }}\n{OWN}\n", {"o": hostile})
    assert answer(store, bound) == 0


@pytest.mark.parametrize(
    "query", ["DESCRIBE <urn:x:a> VALUES ?s { <urn:x:a> }", f"CONSTRUCT WHERE {{ ?s ?p ?o }} {OWN}"]
)
def test_a_query_with_nowhere_to_bind_is_refused_in_one_line_naming_it(query: str) -> None:
    with pytest.raises(QueryError) as caught:
        bind_parameters(query, {"s": "<urn:x:a>"}, source="queries/mine.rq")
    assert str(caught.value) == (
        "queries/mine.rq: ends in its own VALUES clause and has no WHERE group to bind ?s in "
        "(a `# @values` line inside WHERE says where they go)"
    )


def test_an_error_of_the_query_itself_names_its_own_line(store: ox.Store) -> None:
    """A query missing its last brace: the engine's error names the place it would unbound
    (before, the appended VALUES was a line of its own, one past the user's text)."""
    query = "SELECT * WHERE {\n  ?s ?p ?o"
    bound = bind_parameters(query, {"s": "<urn:x:a>"})
    with pytest.raises(SyntaxError) as unbound_error:
        store.query(query)
    with pytest.raises(SyntaxError) as bound_error:
        store.query(bound)
    assert str(bound_error.value).startswith("error at 2:")
    assert str(unbound_error.value).startswith("error at 2:")


C = ox.NamedNode("urn:x:c")
Q = ox.NamedNode("urn:x:q")


@pytest.fixture(scope="module")
def counted() -> ox.Store:
    """Three subjects, a with two values of p, b and c one each; a and b have a q."""
    store = ox.Store()
    for s, o in ((A, "x"), (A, "y"), (B, "y"), (C, "z")):
        store.add(ox.Quad(s, P, ox.Literal(o)))
    store.add(ox.Quad(A, Q, ox.Literal("1")))
    store.add(ox.Quad(B, Q, ox.Literal("2")))
    return store


def table(store: ox.Store, text: str) -> list[tuple[str, ...]]:
    """``text``'s rows, each as the text of its values (an unbound one as ``-``), in order."""
    result = store.query(text)
    assert isinstance(result, ox.QuerySolutions)
    return [tuple("-" if v is None else v.value for v in row) for row in result]


@pytest.mark.parametrize(
    ("query", "params", "rows"),
    [
        (
            "SELECT ?o (COUNT(?s) AS ?n) WHERE { ?s <urn:x:p> ?o } GROUP BY ?o ORDER BY ?o",
            {"s": "<urn:x:a>"},
            [("x", "1"), ("y", "1")],
        ),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:x:p> ?o }", {"s": "<urn:x:a>"}, [("2",)]),
        (
            "SELECT ?o (COUNT(?s) AS ?n) { ?s <urn:x:p> ?o } GROUP BY ?o HAVING (COUNT(?s) > 0)",
            {"s": "<urn:x:b>"},
            [("y", "1")],
        ),
        (
            "SELECT ?o ?n WHERE {\n  SELECT ?o (COUNT(?s) AS ?n) { ?s <urn:x:p> ?o }"
            " GROUP BY ?o\n}",
            {"o": "y"},
            [("y", "2")],
        ),
    ],
)
def test_a_parameter_narrows_what_an_aggregate_counts(
    counted: ox.Store, query: str, params: dict[str, str], rows: list[tuple[str, ...]]
) -> None:
    """Before: the VALUES went after GROUP BY, joined with the groups (SPARQL 1.1 18.2.4.1):
    ?s, not grouped, narrowed nothing (a and b both counted for "y", 4 in all). A WHERE group
    that is a sub-query alone gets braces of its own (else the clause would be the sub-query's
    trailing one): there the outer query's ?o narrows the sub-query's groups."""
    bound = bind_parameters(query, params)
    assert table(counted, bound) == rows
    assert bound.count("\n") == query.count("\n")


NON_AGGREGATE = [
    "SELECT ?s ?o WHERE { ?s <urn:x:p> ?o } ORDER BY ?s ?o",
    "SELECT DISTINCT ?s WHERE { ?s ?p ?o . } ORDER BY ?s LIMIT 2",
    "SELECT ?s ?o ?v WHERE { ?s <urn:x:p> ?o OPTIONAL { ?s <urn:x:q> ?v } } ORDER BY ?s ?o",
    'SELECT ?s ?o WHERE { ?s <urn:x:p> ?o FILTER (?o != "z") } ORDER BY ?s ?o',
    "SELECT ?s ?o WHERE { { ?s <urn:x:p> ?o } UNION { ?s <urn:x:q> ?o } } ORDER BY ?s ?o",
    "SELECT ?s ?o WHERE { ?s <urn:x:p> ?o MINUS { ?s <urn:x:q> ?v } } ORDER BY ?s ?o",
    "SELECT ?s ?u WHERE { ?s <urn:x:p> ?o BIND (UCASE(?o) AS ?u) } ORDER BY ?s ?u",
    "SELECT ?s ?o WHERE { { SELECT ?s ?o WHERE { ?s <urn:x:p> ?o } } } ORDER BY ?s ?o",
    "SELECT ?s ?o WHERE { SELECT ?s ?o WHERE { ?s <urn:x:p> ?o } ORDER BY ?o LIMIT 3 }",
    "SELECT ?s ?o WHERE { GRAPH ?g { ?s <urn:x:p> ?o } } ORDER BY ?s ?o",
    "SELECT ?s ?o WHERE { ?s <urn:x:p> ?o FILTER NOT EXISTS { ?s <urn:x:q> ?o } } ORDER BY ?o",
]


@pytest.mark.parametrize("query", NON_AGGREGATE)
@pytest.mark.parametrize("params", [{"s": "<urn:x:a>"}, {"s": "<urn:x:b>", "o": "y"}])
def test_a_non_aggregate_query_answers_as_with_a_trailing_values(
    counted: ox.Store, query: str, params: dict[str, str]
) -> None:
    """The clause at the end of the WHERE group gives the rows the trailing one gave."""
    names = " ".join(f"?{n}" for n in params)
    values = " ".join(v if v.startswith("<") else f'"{v}"' for v in params.values())
    trailing = f"{query}\nVALUES ({names}) {{ ({values}) }}"
    assert table(counted, bind_parameters(query, params)) == table(counted, trailing)


@pytest.mark.parametrize("name", ["x\n", "x\r\n", "x ", "\nx"])
def test_a_parameter_name_with_a_line_break_is_refused_naming_it(name: str) -> None:
    """``^…$`` let a name end in a line break (``x\\n``, bound as ``?x``: the library's
    ad-hoc binding took a name the query never had); names are SPARQL variable names, whole."""
    with pytest.raises(QueryError) as refused:
        bind_parameters("SELECT ?x WHERE { }", {name: "1"})
    said = str(refused.value)
    assert "\n" not in said and said.startswith(repr(name))

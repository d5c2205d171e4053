"""A text value holding what reads as a codepoint escape (``\\u0022``, ``\\U00000022``) is bound
so that every SPARQL 1.1 processor reads the value as given: Oxigraph, and one that expands
codepoint escapes before parsing, anywhere in the query, as SPARQL 1.1 section 19.2 says
(rdflib here; a store behind ``[store] query_url`` may be one). Before, ``\\`` was escaped as
``\\\\`` and the ``u0022`` after it left as it was, which such a processor expanded first: the
value ``\\u0022`` was read as ``"`` (the query matched another value) and ``\\u0041`` (``\\A``, no
escape) refused the whole query as a syntax error naming neither."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Variable

from scholarkg.query_binding import bind_parameters

QUERY = "SELECT ?x ?n WHERE {\n  # @values\n  BIND(STRLEN(?x) AS ?n)\n}"
VALUES = [
    "\\u0022",
    "a\\u0022) } SELECT * WHERE { ?s ?p ?o } #",
    "\\u0041",
    "\\U00000022",
    "\\\\u0022",
    "\\u005C",
    "\\u005Cu0022",
    "x\\",
    "\\\\",
    'a"\\"\\\\"',
    "\\n\\u000A\nu",
    "\\uZZZZ",
    "uU\\Uu\\uU",
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("kind", ["text", "any"])
def test_oxigraph_reads_the_value_as_given(value: str, kind: str) -> None:
    bound = bind_parameters(QUERY, {"x": value}, {"x": kind})
    rows = list(ox.Store().query(bound))
    assert [(r["x"], r["n"]) for r in rows] == [(ox.Literal(value), ox.Literal(len(value)))]


@pytest.mark.parametrize("value", VALUES)
def test_a_processor_expanding_codepoint_escapes_first_reads_the_value_as_given(
    value: str,
) -> None:
    bound = bind_parameters(QUERY, {"x": value}, {"x": "text"})
    rows = list(Graph().query(bound))
    assert [(r[Variable("x")], r[Variable("n")].toPython()) for r in rows] == [  # type: ignore[index]
        (Literal(value), len(value))
    ]

"""The consistency check a run makes over the union once it has loaded: conflicts that span
graphs for the papers it touched (moved out of :mod:`scholarkg.runs.close`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyoxigraph as ox

from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref

_CONFLICTS = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?paper ?what (COUNT(DISTINCT ?value) AS ?n) WHERE {
  VALUES ?paper { %s }
  { ?paper dcterms:issued ?value BIND ("dates" AS ?what) }
  UNION { ?paper dcterms:abstract ?value BIND ("abstracts" AS ?what) }
  UNION { ?paper dcterms:title ?value BIND ("titles" AS ?what) }
  UNION { ?paper skg:primaryCategory ?value BIND ("primary categories" AS ?what) }
} GROUP BY ?paper ?what HAVING (COUNT(DISTINCT ?value) > 1) ORDER BY ?paper ?what"""

_POSITIONS = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
SELECT ?paper ?pos (COUNT(DISTINCT ?agent) AS ?n) WHERE {
  VALUES ?paper { %s }
  ?paper skg:hasAuthorship ?a . ?a skg:position ?pos ; skg:author ?agent .
} GROUP BY ?paper ?pos HAVING (COUNT(DISTINCT ?agent) > 1) ORDER BY ?paper ?pos"""

_AUTHORS = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
SELECT ?a (COUNT(DISTINCT ?agent) AS ?n) WHERE {
  VALUES ?paper { %s }
  ?paper skg:hasAuthorship ?a . ?a skg:author ?agent .
} GROUP BY ?a HAVING (COUNT(DISTINCT ?agent) > 1) ORDER BY ?a"""


def _conflict(row: ox.QuerySolution) -> str:
    return f"{_text(row, 'paper')} has {_text(row, 'n')} {_text(row, 'what')}"


def _crowded(row: ox.QuerySolution) -> str:
    return f"{_text(row, 'paper')}: {_text(row, 'n')} agents at position {_text(row, 'pos')}"


def _shared(row: ox.QuerySolution) -> str:
    return f"{_text(row, 'a')} has {_text(row, 'n')} authors"


def _text(row: ox.QuerySolution, name: str) -> str:
    value = row[name]
    return "" if value is None else str(value.value)


def consistency(store: GraphStore, papers: Sequence[str]) -> list[str]:
    """Conflicts that span graphs, for these papers: a paper with two dates, abstracts, titles
    or primary categories; two agents at one position; an authorship with two authors."""
    found: list[str] = []
    ordered = sorted(papers)
    checks: tuple[tuple[str, Callable[[ox.QuerySolution], str]], ...] = (
        (_CONFLICTS, _conflict),
        (_POSITIONS, _crowded),
        (_AUTHORS, _shared),
    )
    for start in range(0, len(ordered), 200):
        values = " ".join(iri_ref(p) for p in ordered[start : start + 200])
        for query, render in checks:
            result = store.query(query % values)
            assert isinstance(result, ox.QuerySolutions)
            found += [render(row) for row in result]
    return found

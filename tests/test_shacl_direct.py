"""Direct checks of the project's ``sh:sparql`` constraints (scholarkg.shacl.direct).

Each constraint whose query is one of the templates is answered by a pass over the index; the
rows must be the general evaluator's, as a multiset per ``$this``, on generated graphs, and the
findings pySHACL's on real records mutated to violate each such constraint. A query that is
not a template (a variable renamed, an operator or a constant changed) keeps the general
evaluator.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from gated_records import SNAPSHOT, emitted
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.resources import ontology_graph, shapes_graph
from scholarkg.shacl import Engine
from scholarkg.shacl.expressions import Unsupported
from scholarkg.shacl.index import Triples, View
from scholarkg.shacl.sparql import Select
from scholarkg.shacl.terms import canonical_triples
from shacl_compare import compare
from shacl_strategies import Triple, scholarly_graph

SKG = "https://w3id.org/scholarkg/ontology#"
ID = "https://w3id.org/scholarkg/id/"
DCT = "http://purl.org/dc/terms/"
SAME_AS = "<http://www.w3.org/2002/07/owl#sameAs>"
SPARQL = "http://www.w3.org/ns/shacl#SPARQLConstraintComponent"
# the path each direct-checked constraint binds: one constraint each
DIRECT_PATHS = {
    f"<{SKG}position>",
    f"<{SKG}versionNumber>",
    SAME_AS,
    f"<{SKG}arxivDoi>",
    f"<{SKG}primaryCategory>",
    f"<{DCT}isReplacedBy>",
    f"<{SKG}mergedInto>",
}


def queries(engine: Engine) -> list[Any]:
    """Every SPARQL constraint of the engine's shapes, once each."""
    found: dict[int, Any] = {}
    shapes, seen = list(engine.roots), set()
    while shapes:
        shape = shapes.pop()
        if id(shape) not in seen:
            seen.add(id(shape))
            shapes.extend(shape.children)
            found.update((id(q), q) for q in shape.sparql)
    return list(found.values())


def general_only(engine: Engine) -> Engine:
    """The engine with every direct check switched off: the general evaluator answers."""
    for query in queries(engine):
        if query.select is not None:
            query.select.direct = None
    return engine


@pytest.fixture(scope="module")
def engines() -> tuple[Engine, Engine]:
    return Engine(), general_only(Engine())


def test_the_project_constraints_of_template_form_take_direct_checks(
    engines: tuple[Engine, Engine],
) -> None:
    direct = [q for q in queries(engines[0]) if q.select is not None and q.select.direct]
    assert len(direct) == len(DIRECT_PATHS)
    general = [q for q in queries(engines[1]) if q.select is not None and q.select.direct]
    assert general == []


SHARED = """SELECT $this ?value ?other ?path WHERE {
    $this <http://e/p> ?value .
    ?paper <http://e/q> $this , ?other .
    ?other <http://e/p> ?value .
    FILTER (?other != $this)
    BIND (<http://e/p> AS ?path)
}"""
NO_LINK = """SELECT $this ?id ?path WHERE {
    $this <http://e/p> ?id .
    FILTER NOT EXISTS {
        $this <http://e/q> ?abs .
        FILTER (isIRI(?abs) && STR(?abs) = CONCAT("http://x/", STR(?id)))
    }
    BIND (<http://e/q> AS ?path)
}"""


@pytest.mark.parametrize(
    ("text", "direct"),
    [
        (SHARED, True),
        (SHARED.replace("?paper", "?parent"), False),  # a variable of another name
        (SHARED.replace("!=", "="), False),
        (SHARED.replace("?other <http://e/p>", "?other <http://e/r>"), False),  # two predicates
        (SHARED.replace("FILTER (?other != $this)", ""), False),
        (NO_LINK, True),
        (NO_LINK.replace("isIRI", "isBlank"), False),
        (NO_LINK.replace('"http://x/"', '"http://x/"@en'), False),  # not a simple literal
        (NO_LINK.replace("STR(?id)", "LCASE(STR(?id))"), False),
        (NO_LINK.replace("FILTER NOT EXISTS", "FILTER EXISTS"), False),
    ],
)
def test_only_the_template_forms_are_direct(text: str, direct: bool) -> None:
    assert (Select(text).direct is not None) is direct


def test_literal_siblings_leave_the_rows_to_the_general_evaluator(
    engines: tuple[Engine, Engine],
) -> None:
    parent, q, p = "<http://e/x>", "<http://e/q>", "<http://e/p>"
    triples = [(parent, q, '"a"'), (parent, q, '"b"'), ('"a"', p, '"1"'), ('"b"', p, '"1"')]
    view = View(Triples(triples), engines[0].ontology)
    direct, general = Select(SHARED), Select(SHARED)
    general.direct = None
    assert direct.direct is not None
    with pytest.raises(Unsupported):
        direct.direct(view)
    found = direct.rows_by_this(view, {})
    assert found == general.rows_by_this(view, {})
    assert sorted(r["other"] for rs in found.values() for r in rs) == ['"a"', '"b"']


def rows(query: Any, view: View) -> dict[str, Counter[tuple[tuple[str, str], ...]]]:
    grouped = query.select.rows_by_this(view, {})
    return {
        this: Counter(tuple(sorted(r.items())) for r in found) for this, found in grouped.items()
    }


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(triples=scholarly_graph())
def test_direct_rows_are_the_general_evaluators(
    engines: tuple[Engine, Engine], triples: list[Triple]
) -> None:
    fast, general = engines
    view = View(Triples(canonical_triples(triples)), fast.ontology)
    pairs = zip(queries(fast), queries(general), strict=True)
    for direct, other in pairs:
        assert direct.text == other.text
        if direct.select is not None and direct.select.direct is not None:
            assert rows(direct, view) == rows(other, view), direct.text


def _objects(triples: list[Triple], s: str | None, p: str) -> list[str]:
    return [o for s2, p2, o in triples if p2 == p and (s is None or s2 == s)]


def _mutations(triples: list[Triple]) -> dict[str, list[Triple]]:
    """The real record with one direct-checked constraint violated each."""
    paper = triples[0][0]
    a1, a2 = _objects(triples, paper, f"<{SKG}hasAuthorship>")[:2]
    position = _objects(triples, a1, f"<{SKG}position>")[0]
    v1 = _objects(triples, paper, f"<{DCT}hasVersion>")[0]
    v2 = v1[:-2] + "v2>"
    number = _objects(triples, v1, f"<{SKG}versionNumber>")[0]
    primary = _objects(triples, paper, f"<{SKG}primaryCategory>")[0]
    listed, person = f"<{ID}paper/listed/x1>", f"<{ID}person/p9>"
    return {
        f"<{SKG}position>": [
            (s, p, position if (s, p) == (a2, f"<{SKG}position>") else o) for s, p, o in triples
        ],
        f"<{SKG}versionNumber>": [
            *triples,
            (paper, f"<{DCT}hasVersion>", v2),
            (v2, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", f"<{SKG}PaperVersion>"),
            (v2, f"<{SKG}versionNumber>", number),
        ],
        SAME_AS: [t for t in triples if t[1] != SAME_AS],
        f"<{SKG}arxivDoi>": [
            (s, p, '"10.48550/arXiv.0000.0000"' if p == f"<{SKG}arxivDoi>" else o)
            for s, p, o in triples
        ],
        f"<{SKG}primaryCategory>": [
            t for t in triples if t != (paper, f"<{SKG}category>", primary)
        ],
        f"<{DCT}isReplacedBy>": [*triples, (listed, f"<{DCT}isReplacedBy>", paper)],
        f"<{SKG}mergedInto>": [
            *triples,
            (person, f"<{SKG}mergedInto>", f"<{ID}person/p8>"),
            (person, SAME_AS, f"<{ID}person/p7>"),
        ],
    }


@pytest.mark.parametrize("path", sorted(DIRECT_PATHS))
def test_real_records_violating_each_direct_constraint_get_pyshacls_findings(
    engines: tuple[Engine, Engine], path: str
) -> None:
    fast, general = engines
    record = list(read_snapshot(SNAPSHOT))[50]
    triples = _mutations(list(emitted(record).triples))[path]
    found = fast.check(triples)
    assert any(f.component == SPARQL and f"<{f.path}>" == path for f in found), found
    assert found == general.check(triples)
    compare(fast, shapes_graph(), ontology_graph(), triples, messages=True)

"""The differential check of the SHACL engine against pySHACL (:func:`compare`), shared by
test_shacl_differential.py, test_shacl_direct.py and the tests beside them: findings compared
as the fields both give, blank nodes by their description."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import BNode, Graph

from scholarkg.errors import ShaclRuntimeError
from scholarkg.shacl import Engine, Finding
from scholarkg.shacl.reference import findings_of, run_pyshacl, to_graph
from shacl_strategies import Triple


def compare(
    engine: Engine, shapes: Graph, ontology: Graph, triples: list[Triple], messages: bool
) -> None:
    """pySHACL and ``engine`` find the same in ``triples`` (from the triples, from rdflib's
    graph, and in the engine's own report), or both stop; ``messages``: compare them too."""
    graph = to_graph(triples)  # rdflib's terms (as its parser makes them), blank node ids kept
    try:
        report = run_pyshacl(graph, shapes, ontology)
    except Exception as exc:  # pySHACL stops on values it cannot judge: so must the engine
        with pytest.raises(ShaclRuntimeError):
            engine.check(triples)
        # pySHACL's own error for a blank node, or Python's for two literals it cannot order
        assert isinstance(exc, TypeError) or "BlankNode" in str(exc), exc
        return
    expected = finding_keys(findings_of(report), report, messages)
    assert_same(expected, finding_keys(engine.check(triples), graph, messages))
    from_graph, own_report = engine.check_graph(graph)
    assert_same(expected, finding_keys(from_graph, graph, messages))
    assert_same(expected, finding_keys(findings_of(own_report), graph, messages))


def blank_key(graph: Graph, label: str | None) -> str | None:
    """A blank node by its description (pySHACL validates a copy with new blank node ids)."""
    node = BNode(label) if label else None
    if node is None or ((node, None, None) not in graph and (None, None, node) not in graph):
        return label
    pairs = sorted(
        f"{p.n3()} {'_' if isinstance(o, BNode) else o.n3()}"
        for p, o in graph.predicate_objects(node)
    )
    return "_:[" + " ; ".join(pairs) + "]"


def finding_keys(
    found: tuple[Finding, ...], graph: Graph, messages: bool
) -> Counter[tuple[object, ...]]:
    """Each finding as the fields both engines give, blank nodes by their description."""
    return Counter(
        (
            blank_key(graph, f.focus),
            f.path,
            f.component,
            f.severity,
            blank_key(graph, f.value),
            f.shape,
            f.message if messages else None,
        )
        for f in found
    )


def assert_same(want: Counter[tuple[object, ...]], have: Counter[tuple[object, ...]]) -> None:
    """The findings are the same; if not, those each side alone has."""
    assert want == have, f"pySHACL only: {list(want - have)}; engine only: {list(have - want)}"

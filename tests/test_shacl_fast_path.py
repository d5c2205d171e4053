"""The gate's fast path (scholarkg.shacl.clean): a conforming graph is decided without the full
walk, and the findings are the full walk's whatever the fast path decides.

Corpus: the 100 real snapshot records, real records with injected problems (Violation, Warning,
Info), and the generated graphs of the differential tests (project and generic shapes). The
findings themselves are compared with pySHACL in test_shacl_differential.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from rdflib import Graph

from gated_records import SNAPSHOT, emitted, record_problems
from samples import ROOT
from scholarkg.errors import ShaclRuntimeError
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.shacl import Engine
from scholarkg.shacl.index import View
from scholarkg.shacl.results import Result
from shacl_strategies import Triple, generic_graph, scholarly_graph

GENERIC_SHAPES = ROOT / "tests" / "fixtures" / "shacl" / "generic-shapes.ttl"
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Walks(Engine):
    """The engine, counting the focus and value nodes its full walk visits."""

    walked = 0

    def _validate(self, view: View, shape: Any, focus: str, out: list[Result], *args: Any) -> None:
        self.walked += 1
        super()._validate(view, shape, focus, out, *args)


def outcome(engine: Engine, triples: list[Triple]) -> object:
    """The engine's findings, or the error it stops with (pySHACL stops there too)."""
    try:
        return engine.check(triples)
    except ShaclRuntimeError as exc:
        return str(exc)


def full_walk_only(engine: Engine) -> Engine:
    """The engine with its fast path switched off: every focus node takes the full walk."""
    engine._clean_roots = [lambda view, focus, values: False for _ in engine.roots]
    return engine


@pytest.fixture(scope="module")
def project() -> tuple[Walks, Engine]:
    return Walks(), full_walk_only(Engine())


@pytest.fixture(scope="module")
def generic() -> tuple[Engine, Engine]:
    shapes = Graph().parse(GENERIC_SHAPES)
    fast = Engine(shapes=shapes, ontology=Graph())
    return fast, full_walk_only(Engine(shapes=shapes, ontology=Graph()))


def test_conforming_records_take_no_full_walk(project: tuple[Walks, Engine]) -> None:
    fast, full = project
    graphs = [emitted(r) for r in read_snapshot(SNAPSHOT)]
    clean = [g for g in graphs if not full.check(g.triples)]
    assert len(clean) > 50  # most real records have no finding at all
    fast.walked = 0
    for graph in clean:
        assert fast.check(graph.triples) == ()
    assert fast.walked == 0
    union = [t for g in clean for t in g.triples]
    assert fast.check(union) == () and fast.walked == 0  # a batch of them, as the gate checks


def test_records_with_problems_get_the_full_walks_findings(project: tuple[Walks, Engine]) -> None:
    fast, full = project
    record = list(read_snapshot(SNAPSHOT))[50]
    severities = set()
    for problem, faulty in record_problems(record).items():
        triples = emitted(faulty).triples
        fast.walked = 0
        found = fast.check(triples)
        assert found and found == full.check(triples), problem
        assert fast.walked > 0, problem
        severities |= {f.severity for f in found}
    assert severities == {"Violation", "Warning", "Info"}


@SETTINGS
@given(triples=scholarly_graph())
def test_project_shapes_fast_path_as_full_walk(
    project: tuple[Walks, Engine], triples: list[Triple]
) -> None:
    fast, full = project
    assert outcome(fast, triples) == outcome(full, triples)


@SETTINGS
@given(triples=generic_graph())
def test_generic_shapes_fast_path_as_full_walk(
    generic: tuple[Engine, Engine], triples: list[Triple]
) -> None:
    fast, full = generic
    assert outcome(fast, triples) == outcome(full, triples)

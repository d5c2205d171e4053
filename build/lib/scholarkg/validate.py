"""The SHACL gate: validate each named graph with the SHACL engine; violations are quarantined.

One gate for every graph, whichever door and loader (:mod:`scholarkg.runs.gating` decides what
a finding means for the run): :class:`scholarkg.shacl.Engine` (pySHACL's findings, computed
natively), compiled once per process. pySHACL runs only for
shapes the engine does not implement, and only when ``[shacl] fallback = "pyshacl"``
(:func:`configure`); :func:`fallback_graphs` counts the graphs that took that road.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from rdflib import Graph

from scholarkg.resources import ontology_graph, shapes_graph
from scholarkg.shacl.engine import Engine
from scholarkg.shacl.reference import run_pyshacl
from scholarkg.shacl.report import Finding, ValidationReport, findings_of
from scholarkg.transform import NamedGraph, Triple

__all__ = [
    "Finding",
    "ValidationReport",
    "check",
    "configure",
    "fallback_graphs",
    "findings_of",
    "gate",
    "validate_graph",
    "validate_graphs",
]

_LOCK = threading.Lock()  # the engine keeps per-graph state while it checks one graph
_GATE: dict[str, Engine] = {}
_FALLBACK = ["error"]


def configure(fallback: str) -> None:
    """Set ``[shacl] fallback`` ("error" | "pyshacl") for the gate of this process."""
    with _LOCK:
        if fallback != _FALLBACK[0]:
            _FALLBACK[0] = fallback
            _GATE.clear()


def gate() -> Engine:
    """The process's engine over the project's shapes (compiled once; unsupported shapes raise)."""
    with _LOCK:
        engine = _GATE.get(_FALLBACK[0])
        if engine is None:
            engine = _GATE[_FALLBACK[0]] = Engine(fallback=_FALLBACK[0])
        return engine


def fallback_graphs() -> int:
    """How many graphs this process validated with pySHACL (unsupported shapes, opt-in)."""
    with _LOCK:
        return sum(engine.fallback_graphs for engine in _GATE.values())


def _run_shapes_unlocked(data: Graph) -> Graph:
    """pySHACL's report for ``data`` with the gate's call: the reference the engine matches."""
    return run_pyshacl(data, shapes_graph(), ontology_graph())


def check(triples: Iterable[Triple]) -> tuple[Finding, ...]:
    """Every finding for one graph of N-Triples term triples (the pipeline's gate)."""
    engine = gate()
    with _LOCK:
        return engine.check(triples)


def validate_graph(named: NamedGraph) -> ValidationReport:
    """Run the shapes in ``shapes/`` over one named graph (ontology and categories mixed in)."""
    engine = gate()
    with _LOCK:
        findings, report_graph = engine.check_graph(named.graph)
    return ValidationReport(str(named.iri), findings, report_graph)


def validate_graphs(graphs: list[NamedGraph]) -> list[ValidationReport]:
    """Validate each named graph on its own (its findings are exactly its own)."""
    return [validate_graph(named) for named in graphs]

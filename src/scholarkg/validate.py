"""The SHACL gate: validate each named graph with pySHACL; violations are quarantined."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyshacl import validate as pyshacl_validate
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from scholarkg.bulk.reference import memoised_sparql_parse
from scholarkg.resources import ontology_graph, shapes_graph
from scholarkg.transform import NamedGraph

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Finding:
    """One SHACL result, flattened for reports."""

    severity: str
    focus: str
    path: str | None
    message: str
    shape: str
    value: str | None = None


@dataclass(frozen=True)
class ValidationReport:
    """The gate's verdict on one named graph."""

    graph_iri: str
    findings: tuple[Finding, ...]
    report_graph: Graph

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "Violation")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "Warning")

    @property
    def passed(self) -> bool:
        """True when the graph may be loaded (warnings and infos do not block)."""
        return not self.violations


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def findings_of(report_graph: Graph) -> tuple[Finding, ...]:
    """Flatten a SHACL validation report graph into sorted findings."""
    found = []
    for result in report_graph.subjects(RDF.type, SH.ValidationResult):
        severity = report_graph.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in report_graph.objects(result, SH.resultMessage))
        found.append(
            Finding(
                severity=SEVERITIES.get(severity, str(severity)),  # type: ignore[call-overload]
                focus=str(report_graph.value(result, SH.focusNode)),
                path=_text(report_graph.value(result, SH.resultPath)),
                message="; ".join(messages),
                shape=str(report_graph.value(result, SH.sourceShape)),
                value=_text(report_graph.value(result, SH.value)),
            )
        )
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return tuple(
        sorted(found, key=lambda f: (order.get(f.severity, 3), f.focus, f.path or "", f.message))
    )


# rdflib's SPARQL parser (pyparsing, used by pySHACL) is not thread-safe (RDFLib issue #1282):
# one validation at a time per process. Threads lose little (the GIL serialises the CPU work);
# separate processes (Dask workers, the bulk path) each have their own lock.
_VALIDATION_LOCK = threading.Lock()
# pySHACL hands each SPARQL constraint to rdflib as text once per focus node; parsing it each
# time was most of the gate's cost. The parsed queries are kept for the life of the process.
_PARSED_QUERIES: dict[Any, Any] = {}


def _run_shapes(data: Graph) -> Graph:
    with _VALIDATION_LOCK, memoised_sparql_parse(_PARSED_QUERIES):
        return _run_shapes_unlocked(data)


def _run_shapes_unlocked(data: Graph) -> Graph:
    _, report_graph, _ = pyshacl_validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    report: Graph = report_graph
    return report


def validate_graph(named: NamedGraph) -> ValidationReport:
    """Run the shapes in ``shapes/`` over one named graph (ontology and categories mixed in)."""
    report_graph = _run_shapes(named.graph)
    return ValidationReport(str(named.iri), findings_of(report_graph), report_graph)


def _descriptions(graph: Graph) -> dict[Node, frozenset[tuple[Node, Node]]]:
    out: dict[Node, set[tuple[Node, Node]]] = {}
    for subject, predicate, obj in graph:
        out.setdefault(subject, set()).add((predicate, obj))
    return {subject: frozenset(pairs) for subject, pairs in out.items()}


def compatible_batches(graphs: list[NamedGraph]) -> list[list[int]]:
    """Group graphs (by index) so that graphs in one batch describe shared nodes identically.

    Merging such graphs cannot change any node's description, so validating the merge gives
    each graph exactly the findings it would get alone.
    """
    batches: list[tuple[list[int], dict[Node, frozenset[tuple[Node, Node]]]]] = []
    for index, named in enumerate(graphs):
        mine = _descriptions(named.graph)
        for members, seen in batches:
            if all(seen.get(s, pairs) == pairs for s, pairs in mine.items()):
                members.append(index)
                seen.update(mine)
                break
        else:
            batches.append(([index], dict(mine)))
    return [members for members, _ in batches]


def validate_graphs(graphs: list[NamedGraph]) -> list[ValidationReport]:
    """Validate many named graphs with few pySHACL runs; each finding goes to its own graph.

    Graphs that agree on every shared node are merged and validated once; a finding belongs to
    every graph of that batch in which its focus node is a subject.
    """
    reports: list[ValidationReport | None] = [None] * len(graphs)
    for members in compatible_batches(graphs):
        if len(members) == 1:
            reports[members[0]] = validate_graph(graphs[members[0]])
            continue
        merged = Graph()
        for index in members:
            merged += graphs[index].graph
        report_graph = _run_shapes(merged)
        findings = findings_of(report_graph)
        for index in members:
            owned = set(graphs[index].graph.subjects())
            mine = tuple(f for f in findings if URIRef(f.focus) in owned)
            graph_iri = str(graphs[index].iri)
            reports[index] = ValidationReport(graph_iri, mine, _report_for(report_graph, mine))
    return [r for r in reports if r is not None]


def _report_for(report_graph: Graph, findings: tuple[Finding, ...]) -> Graph:
    """A ``sh:ValidationReport`` holding only the results about ``findings``' focus nodes."""
    focus = {URIRef(f.focus) for f in findings}
    part = Graph()
    report = BNode()
    part.add((report, RDF.type, SH.ValidationReport))
    conforms = not any(f.severity == "Violation" for f in findings)
    part.add((report, SH.conforms, Literal(conforms)))
    for result in report_graph.subjects(RDF.type, SH.ValidationResult):
        if report_graph.value(result, SH.focusNode) in focus:
            part.add((report, SH.result, result))
            for triple in report_graph.triples((result, None, None)):
                part.add(triple)
    return part


def _graph_dir_name(iri: URIRef | str) -> str:
    tail = str(iri).split("/graph/", 1)[-1]
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in tail)


def quarantine_graph(named: NamedGraph, report: ValidationReport, root: Path) -> Path:
    """Write the rejected graph, its SHACL report and a findings summary under ``root``."""
    target = root / "graphs" / _graph_dir_name(named.iri)
    target.mkdir(parents=True, exist_ok=True)
    named.graph.serialize(target / "graph.ttl", format="turtle")
    report.report_graph.serialize(target / "report.ttl", format="turtle")
    summary = {
        "graph": str(named.iri),
        "source": named.source,
        "violations": [f.__dict__ for f in report.violations],
        "warnings": [f.__dict__ for f in report.warnings],
    }
    (target / "findings.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    return target

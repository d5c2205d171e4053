"""Findings and SHACL validation report graphs: the engine's output, and pySHACL's flattened.

A :class:`Finding` is one top-level ``sh:result`` of a ``sh:ValidationReport``: severity, focus
node, path (the predicate IRI, or a rendering of a complex path, see
:func:`scholarkg.shacl.paths.path_text`), messages, source shape, value and constraint
component. :func:`report_graph` writes the engine's results as pySHACL writes its report graph;
:func:`findings_of` reads either back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, Namespace
from rdflib.term import Node

from scholarkg.shacl.paths import path_text
from scholarkg.shacl.results import Result
from scholarkg.shacl.terms import text, to_rdflib

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Finding:
    """One SHACL result, flattened for reports."""

    severity: str
    focus: str
    path: str | None
    message: str
    shape: str
    value: str | None = None
    component: str | None = None

    def key(self) -> tuple[str, str, str | None, str | None, str | None, str]:
        """What must match pySHACL whatever the shape: focus, path, component, severity, value."""
        return (self.focus, self.path or "", self.component, self.severity, self.value, self.shape)


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


def sort_findings(found: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(
        sorted(
            found,
            key=lambda f: (
                _ORDER.get(f.severity, 3),
                f.focus,
                f.path or "",
                f.message,
                f.shape,
                f.value or "",
                f.component or "",
            ),
        )
    )


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def findings_of(report: Graph) -> tuple[Finding, ...]:
    """Flatten the top-level results of a SHACL validation report graph into sorted findings."""
    found = []
    top = [
        r
        for v in report.subjects(RDF.type, SH.ValidationReport)
        for r in report.objects(v, SH.result)
    ]
    for result in dict.fromkeys(top):
        severity = report.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        path = report.value(result, SH.resultPath)
        found.append(
            Finding(
                severity=SEVERITIES.get(severity, str(severity)),  # type: ignore[call-overload]
                focus=str(report.value(result, SH.focusNode)),
                path=None if path is None else path_text(report, path),
                message="; ".join(messages),
                shape=str(report.value(result, SH.sourceShape)),
                value=_text(report.value(result, SH.value)),
                component=_text(report.value(result, SH.sourceConstraintComponent)),
            )
        )
    return sort_findings(found)


def _copy(source: Graph, node: Node, target: Graph, seen: set[Node]) -> None:
    """Copy the description of a blank node (a path, a shape) with its ids, as pySHACL does."""
    if not isinstance(node, BNode) or node in seen:
        return
    seen.add(node)
    for _, p, o in source.triples((node, None, None)):
        target.add((node, p, o))
        _copy(source, o, target, seen)


def report_graph(results: list[Any], shapes: Graph) -> Graph:
    """A ``sh:ValidationReport`` of the engine's results (see ``engine.Result``)."""
    graph = Graph(bind_namespaces="core")
    graph.bind("sh", SH)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    conforms = not any(r[0].severity == "Violation" for r in results)
    graph.add((report, SH.conforms, Literal(conforms)))
    copied: set[Node] = set()
    for result in results:
        shape, focus, component, value, path, messages, constraint = result
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, to_rdflib(focus)))
        graph.add((node, SH.resultSeverity, shape.severity_node))
        graph.add((node, SH.sourceShape, shape.node))
        graph.add((node, SH.sourceConstraintComponent, to_rdflib("<" + component + ">")))
        _copy(shapes, shape.node, graph, copied)
        if value is not None:
            graph.add((node, SH.value, to_rdflib(value)))
        result_path = to_rdflib(path) if path is not None else shape.path_node
        if result_path is not None:
            graph.add((node, SH.resultPath, result_path))
            _copy(shapes, result_path, graph, copied)
        if constraint is not None:
            graph.add((node, SH.sourceConstraint, constraint))
            _copy(shapes, constraint, graph, copied)
        if messages is not None or not shape.messages:
            lines = [finding(result).message] if not messages else list(messages)
            for message in lines:
                graph.add((node, SH.resultMessage, Literal(message)))
        else:
            for literal in shape.messages:
                graph.add((node, SH.resultMessage, literal))
    return graph


def finding(result: Result) -> Finding:
    """One result as a flat finding (the shape's messages, or a generic one without them)."""
    shape, focus, component, value, path, messages, _ = result
    message = "; ".join(messages) if messages else shape.message or generic_message(component)
    return Finding(
        shape.severity,
        text(focus),
        text(path) if path is not None else shape.path_text,
        message,
        shape.text,
        None if value is None else text(value),
        component,
    )


def generic_message(component: str) -> str:
    """The engine's message for a result of a shape without ``sh:message``."""
    return f"Not satisfied: sh:{component.removeprefix('http://www.w3.org/ns/shacl#')}"

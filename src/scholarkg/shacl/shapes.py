"""Compile a shapes graph into native checks, through the registry, or say why it cannot.

Which nodes are shapes, their targets, path, severity, messages and deactivation are read with
pySHACL's public ``ShapesGraph``/``Shape`` API, so they are what pySHACL reads. Each constraint
parameter is looked up in :mod:`scholarkg.shacl.registry`; a fenced feature raises
:class:`~scholarkg.errors.UnsupportedShape` naming the shape and the component.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyshacl import ShapesGraph
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from scholarkg.errors import ShapesError, UnsupportedShape
from scholarkg.shacl import registry
from scholarkg.shacl.checks import Check, Params
from scholarkg.shacl.logical import Conformance, ShapeRef
from scholarkg.shacl.paths import Step, compile_path, path_kinds, path_text
from scholarkg.shacl.sparql_constraint import SparqlCheck, sparql_checks
from scholarkg.shacl.terms import from_rdflib

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_RUN_WITHOUT_VALUES = {
    "MinCountConstraintComponent",
    "HasValueConstraintComponent",
    "QualifiedValueShapeConstraintComponent",
    "EqualsConstraintComponent",
}
ALLOWED = {"Warning", "Info"}  # the gate validates with allow_warnings: these always conform


@dataclass
class Shape:
    """A node or property shape with its constraints compiled."""

    node: Node
    text: str
    severity: str
    severity_node: Node
    path: Step | None  # value nodes of a focus node (None: a node shape)
    predicate: str | None  # the path's IRI when the path is one (its values: the node's objects)
    path_node: Node | None
    path_text: str | None
    message: str  # sorted, "; "-joined sh:message of the shape
    messages: list[Literal]
    deactivated: bool = False
    checks: list[tuple[str, Check]] = field(default_factory=list)
    sparql: list[SparqlCheck] = field(default_factory=list)
    children: list[Shape] = field(default_factory=list)
    runs_when_empty: bool = False
    target_nodes: list[str] = field(default_factory=list)
    target_classes: list[str] = field(default_factory=list)
    subjects_of: list[str] = field(default_factory=list)
    objects_of: list[str] = field(default_factory=list)

    @property
    def has_targets(self) -> bool:
        return bool(self.target_nodes or self.target_classes or self.subjects_of or self.objects_of)

    @property
    def always_conforms(self) -> bool:
        return self.deactivated or self.severity in ALLOWED

    def uses_sparql(self) -> bool:
        return bool(self.sparql) or any(c.uses_sparql() for c in self.children)


def _fence_graph(graph: Graph) -> None:
    for feature in ("rule", "target"):
        for s, _ in graph.subject_objects(SH[feature]):
            raise UnsupportedShape(str(s), registry.FENCED[feature])
    for kind in ("SPARQLFunction", "ConstraintComponent"):
        for s in graph.subjects(RDF.type, SH[kind]):
            raise UnsupportedShape(str(s), registry.FENCED[kind])


class Compiler:
    """Compiles every shape of a shapes graph; ``roots`` are those with targets.

    ``unsupported`` maps each root that uses a fenced feature (itself or through a shape it
    refers to) to its error; such roots are left out of ``roots``.
    """

    def __init__(self, graph: Graph, engine: Conformance) -> None:
        _fence_graph(graph)
        self.graph = graph
        self.engine = engine
        self.sg = ShapesGraph(graph)
        self._shapes = {s.node: s for s in self.sg.shapes}
        self._done: dict[Node, Shape] = {}
        self._failed: dict[Node, UnsupportedShape] = {}
        self._stack: list[Node] = []
        self.roots: list[Shape] = []
        self.unsupported: dict[Node, UnsupportedShape] = {}
        self.targets: dict[Node, Shape] = {}  # every targeted shape, compiled or not (targets only)
        for node, shape in self._shapes.items():
            header = self._header(shape)
            self._targets(shape, header)
            if not header.has_targets:
                continue
            self.targets[node] = header
            try:
                self.roots.append(self.shape(node))
            except UnsupportedShape as exc:
                self.unsupported[node] = exc

    def _header(self, shape: Any) -> Shape:
        path_node = shape.path() if shape.is_property_shape else None
        messages = list(shape.message)
        compiled = Shape(
            node=shape.node,
            text=str(shape.node),
            severity=SEVERITIES.get(shape.severity, str(shape.severity)),
            severity_node=shape.severity,
            path=None,
            predicate=from_rdflib(path_node) if isinstance(path_node, URIRef) else None,
            path_node=path_node,
            path_text=None if path_node is None else path_text(self.graph, path_node),
            message="; ".join(sorted(str(m) for m in messages)),
            messages=messages,
            deactivated=bool(shape.deactivated),
        )
        if path_node is not None:
            compiled.path = compile_path(self.graph, path_node)
            path_kinds(self.graph, path_node)  # raises on a malformed path
        return compiled

    @staticmethod
    def _targets(shape: Any, compiled: Shape) -> None:
        if shape.deactivated:
            return
        nodes, classes, implicit, objects_of, subjects_of = shape.target()
        compiled.target_nodes = [from_rdflib(n) for n in nodes]
        compiled.target_classes = [from_rdflib(c) for c in {*classes, *implicit}]
        compiled.subjects_of = [from_rdflib(p) for p in subjects_of]
        compiled.objects_of = [from_rdflib(p) for p in objects_of]

    def ref(self, node: Node) -> ShapeRef:
        """A reference to the compiled shape at ``node`` (compiled now; cycles are fenced)."""
        if node in self._stack:
            raise UnsupportedShape(str(self._stack[0]), "recursive shape references")
        compiled = self.shape(node)
        return lambda: compiled

    def shape(self, node: Node) -> Shape:
        if node in self._failed:
            raise self._failed[node]
        done = self._done.get(node)
        if done is not None:
            return done
        shape = self._shapes.get(node)
        if shape is None:
            shape = self.sg.lookup_shape_from_node(node)
            if shape is None:
                raise ShapesError(f"{node} is referred to as a shape but is not one")
            self._shapes[node] = shape
        self._stack.append(node)
        try:
            compiled = self._header(shape)
            self._targets(shape, compiled)
            if not compiled.deactivated:
                self._constraints(shape, compiled)
        except UnsupportedShape as exc:
            self._failed[node] = exc
            raise
        finally:
            self._stack.pop()
        self._done[node] = compiled
        return compiled

    def _siblings(self, shape_node: Node, qualified: Node) -> list[ShapeRef]:
        """pySHACL's siblings of a qualified value shape (for sh:qualifiedValueShapesDisjoint)."""
        found: dict[Node, None] = {}
        for parent in self.graph.subjects(SH.property, shape_node):
            for sibling in self.graph.objects(parent, SH.property):
                for q in self.graph.objects(sibling, SH.qualifiedValueShape):
                    if q != qualified:
                        found[q] = None
        return [self.ref(q) for q in found]

    def _constraints(self, shape: Any, compiled: Shape) -> None:
        label = compiled.text
        seen: list[registry.Component] = []
        for p, _ in self.graph.predicate_objects(shape.node):
            if not str(p).startswith(str(SH)):
                continue
            name = str(p).removeprefix(str(SH))
            if name in registry.FENCED:
                raise UnsupportedShape(label, registry.FENCED[name])
            component = registry.BY_PARAMETER.get(name)
            if component is not None and component not in seen:
                seen.append(component)
        params = Params(self.graph, shape.node, label)
        build = registry.Build(
            params, self.engine, self.ref, lambda q: self._siblings(shape.node, q)
        )
        for component in seen:
            if component.property_only and compiled.path is None:
                raise ShapesError(f"shape {label}: sh:{component.name} needs a property shape")
            compiled.checks += component.build(build)
            if component.name in _RUN_WITHOUT_VALUES:
                compiled.runs_when_empty = True
        for child in self.graph.objects(shape.node, SH.property):
            compiled.children.append(self.ref(child)())
        compiled.sparql = sparql_checks(self.graph, shape.node, compiled, label)
        if compiled.sparql:
            compiled.runs_when_empty = True

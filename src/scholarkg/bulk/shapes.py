"""Compile the shapes graph into native checks, through pySHACL's own reading of it.

pySHACL's :class:`ShapesGraph` decides what is a shape, its targets, path, severity and messages,
and pySHACL's constraint component classes parse each constraint's parameters; this module only
swaps their ``evaluate`` for native code (``bulk.checks``, ``bulk.sparql``).
A feature it does not know (sh:node, sh:or, SHACL-AF rules or targets, a constraint without
``sh:message`` …) raises :class:`Unsupported`; the gate then runs pySHACL itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyshacl.consts import SH
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from scholarkg.bulk import checks, sparql
from scholarkg.bulk.terms import from_rdflib

Unsupported = checks.Unsupported
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_ADVANCED = (SH.rule, SH.target, SH.expression, SH.SPARQLFunction, SH.SPARQLTarget)


@dataclass
class SparqlCheck:
    """One ``sh:sparql`` SELECT constraint of a shape."""

    node: Node
    text: str
    binds_this: bool
    current_shape: str | None
    messages: list[Literal]
    select: sparql.Select | None  # None: evaluate with rdflib (outside the compiled fragment)


@dataclass
class Shape:
    """A node or property shape with its constraints compiled."""

    node: Node
    text: str
    severity: str
    path: tuple[bool, str] | None  # (inverse, predicate term) of a property shape
    path_text: str | None
    message: str  # sorted, "; "-joined sh:message of the shape (core results)
    messages: list[Literal]
    checks: list[checks.Check] = field(default_factory=list)
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

    def uses_sparql(self) -> bool:
        return bool(self.sparql) or any(c.uses_sparql() for c in self.children)


def _path(shape: Any) -> tuple[tuple[bool, str] | None, str | None]:
    if not shape.is_property_shape:
        return None, None
    path = shape.path()
    if isinstance(path, URIRef):
        return (False, from_rdflib(path)), str(path)
    graph = shape.sg.graph
    inverse = list(graph.objects(path, SH.inversePath))
    single = isinstance(path, BNode) and len(list(graph.predicate_objects(path))) == 1
    if single and len(inverse) == 1 and isinstance(inverse[0], URIRef):
        return (True, from_rdflib(inverse[0])), str(path)
    raise Unsupported(f"property path {path!r}")


def _sparql_checks(component: Any, shape: Any) -> list[SparqlCheck]:
    found = []
    for helper in component.sparql_constraints:
        if helper.deactivated:
            continue
        bindings, text = helper.pre_bind_variables(URIRef("urn:x-scholarkg:focus"))
        text = helper.apply_prefixes(text)
        try:
            select: sparql.Select | None = sparql.Select(text)
        except sparql.Unsupported:
            select = None
        current = from_rdflib(shape.node) if "currentShape" in bindings else None
        messages = list(helper.messages or ())
        found.append(SparqlCheck(helper.node, text, "this" in bindings, current, messages, select))
    return found


class Compiler:
    """Compiles every targeted shape of a shapes graph (memoised per shape node)."""

    def __init__(self, graph: Graph) -> None:
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

        self._parameters = set(ALL_CONSTRAINT_PARAMETERS)
        self._map = CONSTRAINT_PARAMETERS_MAP
        self.sg = ShapesGraph(graph)
        self._done: dict[Node, Shape] = {}
        if any(True for p in _ADVANCED for _ in graph.subject_objects(p)):
            raise Unsupported("SHACL-AF rules, functions or custom targets")
        if self.sg.custom_constraints:
            raise Unsupported("custom constraint components")
        shapes = list(self.sg.shapes)
        for s in shapes:
            s.set_advanced(True)
        self.roots = [c for c in (self.shape(s) for s in shapes) if c.has_targets]

    def shape(self, shape: Any) -> Shape:
        done = self._done.get(shape.node)
        if done is not None:
            return done
        path, path_text = _path(shape)
        severity = SEVERITIES.get(shape.severity, str(shape.severity))
        messages = list(shape.message)
        compiled = Shape(
            shape.node,
            str(shape.node),
            severity,
            path,
            path_text,
            "; ".join(sorted(str(m) for m in messages)),
            messages,
        )
        self._done[shape.node] = compiled
        if not shape.deactivated:
            self._constraints(shape, compiled)
            nodes, classes, implicit, objects_of, subjects_of = shape.target()
            compiled.target_nodes = [from_rdflib(n) for n in nodes]
            compiled.target_classes = [from_rdflib(c) for c in {*classes, *implicit}]
            compiled.subjects_of = [from_rdflib(p) for p in subjects_of]
            compiled.objects_of = [from_rdflib(p) for p in objects_of]
        return compiled

    def _constraints(self, shape: Any, compiled: Shape) -> None:
        kinds: list[Any] = []
        for p, _ in self.sg.graph.predicate_objects(shape.node):
            if p == SH.expression:
                raise Unsupported("sh:expression")
            if p in self._parameters and self._map[p] not in kinds:
                kinds.append(self._map[p])
        for kind in kinds:
            component = kind(shape)
            name = kind.__name__
            if name == "PropertyConstraintComponent":
                for node in component.property_shapes:
                    compiled.children.append(self.shape(self.sg.lookup_shape_from_node(node)))
            elif name == "SPARQLBasedConstraint":
                compiled.sparql += _sparql_checks(component, shape)
            else:
                if not compiled.messages:
                    raise Unsupported(f"{name} on {shape.node} has no sh:message")
                compiled.checks.append(checks.build_check(component))
                if name in ("MinCountConstraintComponent", "HasValueConstraintComponent"):
                    compiled.runs_when_empty = True
        if compiled.sparql:
            compiled.runs_when_empty = True

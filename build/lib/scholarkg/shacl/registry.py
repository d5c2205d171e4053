"""What the SHACL engine implements: its constraint components, path kinds and target kinds.

:data:`COMPONENTS` maps each implemented SHACL constraint component to the parameters that switch
it on and the builder that compiles it; :data:`FENCED` names the SHACL features it does not
implement. :func:`describe` prints both (``scholarkg shacl`` support listing, tests, start-up).
A shape using a fenced feature is an :class:`~scholarkg.errors.UnsupportedShape` at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scholarkg.shacl import checks, logical, pairs
from scholarkg.shacl.checks import Check, Params
from scholarkg.shacl.paths import PATH_KINDS

SH = "http://www.w3.org/ns/shacl#"
TARGET_KINDS = ("targetNode", "targetClass", "implicit class target", "targetSubjectsOf",
                "targetObjectsOf")  # fmt: skip


@dataclass(frozen=True)
class Build:
    """What a component builder may use: the shape's parameters and references to other shapes."""

    params: Params
    engine: logical.Conformance
    shape: Callable[[Any], logical.ShapeRef]  # a shape node -> its compiled shape (lazily)
    siblings: Callable[[Any], list[logical.ShapeRef]]  # qualified shapes beside this one


Builder = Callable[[Build], list[tuple[str, Check]]]


@dataclass(frozen=True)
class Component:
    """One implemented constraint component."""

    name: str  # local name in the sh: namespace
    parameters: tuple[str, ...]  # the parameters that switch it on
    build: Builder
    property_only: bool = False  # pySHACL refuses it on a node shape

    @property
    def iri(self) -> str:
        return SH + self.name


def _value(name: str, builder: Callable[[Params], Check]) -> Builder:
    return lambda b: [(SH + name, builder(b.params))]


def _shapes(b: Build, parameter: str) -> list[logical.ShapeRef]:
    return [b.shape(n) for n in b.params.all(parameter)]


def _lists(b: Build, parameter: str) -> list[list[logical.ShapeRef]]:
    return [[b.shape(m) for m in b.params.items(n)] for n in b.params.all(parameter)]


def _qualified(b: Build) -> list[tuple[str, Check]]:
    p = b.params
    shapes = p.all("qualifiedValueShape")
    refs = [b.shape(n) for n in shapes]
    disjoint = any(getattr(x, "value", None) is True for x in p.all("qualifiedValueShapesDisjoint"))
    siblings = [b.siblings(n) if disjoint else [] for n in shapes]
    out = []
    if p.all("qualifiedMinCount"):
        least = p.number("qualifiedMinCount")
        check = logical.qualified(b.engine, refs, siblings, least, at_least=True)
        out.append((SH + "QualifiedMinCountConstraintComponent", check))
    if p.all("qualifiedMaxCount"):
        most = p.number("qualifiedMaxCount")
        check = logical.qualified(b.engine, refs, siblings, most, at_least=False)
        out.append((SH + "QualifiedMaxCountConstraintComponent", check))
    return out


def _core(
    name: str, parameter: str, builder: Callable[[Params], Check], prop: bool = False
) -> Component:
    component = name + "ConstraintComponent"
    return Component(component, (parameter,), _value(component, builder), prop)


def _logic(name: str, parameter: str, make: Callable[[Build], Check]) -> Component:
    component = name + "ConstraintComponent"
    return Component(component, (parameter,), lambda b: [(SH + component, make(b))])


_LIST: list[Component] = [
    _core("Class", "class", checks.class_),
    _core("Datatype", "datatype", checks.datatype),
    _core("NodeKind", "nodeKind", checks.node_kind),
    _core("MinCount", "minCount", checks.min_count, prop=True),
    _core("MaxCount", "maxCount", checks.max_count, prop=True),
    _core("MinExclusive", "minExclusive", checks.min_exclusive),
    _core("MinInclusive", "minInclusive", checks.min_inclusive),
    _core("MaxExclusive", "maxExclusive", checks.max_exclusive),
    _core("MaxInclusive", "maxInclusive", checks.max_inclusive),
    _core("MinLength", "minLength", checks.min_length),
    _core("MaxLength", "maxLength", checks.max_length),
    _core("Pattern", "pattern", checks.pattern),
    _core("LanguageIn", "languageIn", checks.language_in),
    _core("UniqueLang", "uniqueLang", checks.unique_lang, prop=True),
    _core("Equals", "equals", pairs.equals),
    _core("Disjoint", "disjoint", pairs.disjoint),
    _core("LessThan", "lessThan", pairs.less_than, prop=True),
    _core("LessThanOrEquals", "lessThanOrEquals", pairs.less_than_or_equals, prop=True),
    _core("HasValue", "hasValue", checks.has_value),
    _core("In", "in", checks.in_),
    _logic("Not", "not", lambda b: logical.not_(b.engine, _shapes(b, "not"))),
    _logic("And", "and", lambda b: logical.and_(b.engine, _lists(b, "and"))),
    _logic("Or", "or", lambda b: logical.or_(b.engine, _lists(b, "or"))),
    _logic("Xone", "xone", lambda b: logical.xone(b.engine, _lists(b, "xone"))),
    _logic("Node", "node", lambda b: logical.node(b.engine, _shapes(b, "node"))),
    Component("QualifiedValueShapeConstraintComponent", ("qualifiedValueShape",), _qualified, True),
]
# Compiled by the shapes compiler itself rather than a builder:
STRUCTURAL = {
    "property": "PropertyConstraintComponent (nested property shapes)",
    "sparql": "SPARQLConstraintComponent (sh:sparql SELECT constraints)",
}
COMPONENTS: dict[str, Component] = {c.name: c for c in _LIST}
BY_PARAMETER: dict[str, Component] = {p: c for c in _LIST for p in c.parameters}
# SHACL features the engine does not implement: parameter or feature -> what it is.
FENCED: dict[str, str] = {
    "closed": "ClosedConstraintComponent",
    "ignoredProperties": "ClosedConstraintComponent",
    "expression": "ExpressionConstraintComponent (SHACL-AF)",
    "js": "JSConstraintComponent (SHACL-JS)",
    "rule": "SHACL-AF rules (sh:rule)",
    "target": "SHACL-AF custom targets (sh:target)",
    "SPARQLFunction": "SHACL-AF functions (sh:SPARQLFunction)",
    "ConstraintComponent": "custom constraint components (sh:ConstraintComponent)",
    "shapesGraph": "$shapesGraph in a SPARQL constraint",
}


def describe() -> str:
    """A plain-text listing of what the engine implements and what it fences."""
    lines = ["Constraint components:"]
    for c in _LIST:
        params = ", ".join("sh:" + p for p in c.parameters)
        lines.append(f"  sh:{c.name}  ({params})")
    lines += [f"  sh:{v}" for v in STRUCTURAL.values()]
    lines.append("Path kinds: " + ", ".join(PATH_KINDS))
    lines.append("Target kinds: " + ", ".join(TARGET_KINDS))
    lines.append('Not supported (start-up error, or [shacl] fallback = "pyshacl"):')
    lines += [f"  {name}" for name in sorted(set(FENCED.values()))]
    return "\n".join(lines)

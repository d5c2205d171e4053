"""Shape-based and logical constraints (sh:node, sh:not, sh:and, sh:or, sh:xone, qualified shapes).

They ask whether a value node *conforms* to another shape. Conformance is pySHACL's with the gate's
``allow_warnings``: a shape whose own severity is sh:Warning or sh:Info always conforms; any other
shape conforms when none of its own constraints has a result and each of its property shapes
conforms for every value node (see :meth:`scholarkg.shacl.engine.Engine.conforms`). ``sh:node``
reports a value whenever validating it against the node shape gives any result at all, as
pySHACL does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from scholarkg.shacl.checks import Check
from scholarkg.shacl.index import View


class Conformance(Protocol):
    """What logical constraints ask the engine (the compiled shapes are opaque here)."""

    def conforms(self, view: View, shape: Any, node: str) -> bool: ...

    def results_for(self, view: View, shape: Any, node: str) -> list[Any]: ...


ShapeRef = Callable[[], Any]  # the compiled shape, looked up once every shape is compiled


def node(engine: Conformance, shapes: list[ShapeRef]) -> Check:
    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        out: list[Any] = []
        for ref in shapes:
            shape = ref()
            for v in values:
                if engine.results_for(view, shape, v) or not engine.conforms(view, shape, v):
                    out.append(v)
        return out

    return check


def not_(engine: Conformance, shapes: list[ShapeRef]) -> Check:
    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        return [v for ref in shapes for v in values if engine.conforms(view, ref(), v)]

    return check


def _count(engine: Conformance, members: list[ShapeRef], view: View, v: str) -> int:
    return sum(1 for ref in members if engine.conforms(view, ref(), v))


def and_(engine: Conformance, lists: list[list[ShapeRef]]) -> Check:
    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        return [
            v
            for members in lists
            if members
            for v in values
            if not all(engine.conforms(view, ref(), v) for ref in members)
        ]

    return check


def or_(engine: Conformance, lists: list[list[ShapeRef]]) -> Check:
    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        return [
            v
            for members in lists
            if members
            for v in values
            if not any(engine.conforms(view, ref(), v) for ref in members)
        ]

    return check


def xone(engine: Conformance, lists: list[list[ShapeRef]]) -> Check:
    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        return [
            v
            for members in lists
            if members
            for v in values
            if _count(engine, members, view, v) != 1
        ]

    return check


def qualified(
    engine: Conformance,
    shapes: list[ShapeRef],
    siblings: list[list[ShapeRef]],
    bound: int,
    at_least: bool,
) -> Check:
    """``sh:qualifiedMinCount`` (``at_least``) or ``sh:qualifiedMaxCount`` of value nodes that
    conform to the qualified shape and, when disjoint, to none of its siblings."""

    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        out: list[Any] = []
        for ref, others in zip(shapes, siblings, strict=True):
            shape = ref()
            count = 0
            for v in values:
                if engine.conforms(view, shape, v) and not any(
                    engine.conforms(view, o(), v) for o in others
                ):
                    count += 1
            if (count < bound) if at_least else (count > bound):
                out.append(None)
        return out

    return check

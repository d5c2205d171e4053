"""Focus nodes: which nodes of a graph each root shape targets, and the ontology's own ones.

pySHACL validates the data graph with the ontology mixed in, so named individuals of the
ontology are focus nodes of every graph. Their results do not depend on a graph that says
nothing about them or their values (:meth:`Targets.untouched`): they are computed once, at
start-up, and a graph's own focus nodes are found from its index by target class, subjects-of and
objects-of predicate (:meth:`Targets.data_focus`) instead of asking every shape.
"""

from __future__ import annotations

from collections.abc import Callable

from scholarkg.shacl.index import TYPE, Ontology, Triples, View
from scholarkg.shacl.results import Result
from scholarkg.shacl.shapes import Shape

_LOGICAL = ("Node", "Not", "And", "Or", "Xone", "Qualified", "Equals", "Disjoint", "LessThan")
Validate = Callable[[View, Shape, str], list[Result]]


def focus(view: View, shape: Shape) -> list[str]:
    """The focus nodes ``shape`` targets in ``view`` (pySHACL's order, no duplicates)."""
    found: dict[str, None] = dict.fromkeys(shape.target_nodes)
    for cls in shape.target_classes:
        found.update(dict.fromkeys(view.instances(cls)))
    for p in shape.subjects_of:
        found.update(dict.fromkeys(s for s, _ in view.pairs(p)))
    for p in shape.objects_of:
        found.update(dict.fromkeys(o for _, o in view.pairs(p)))
    return list(found)


class Targets:
    """The roots' targets indexed for a graph's own triples, and the ontology's focus nodes with
    their results (``validate(view, root, node)`` of the empty graph, computed once)."""

    def __init__(self, roots: list[Shape], ontology: Ontology, validate: Validate) -> None:
        self.roots = roots
        self.ontology = ontology
        empty = View(Triples(()), ontology)
        self.ont_focus: list[set[str]] = []
        self.ont_results: dict[tuple[int, str], list[Result]] = {}
        self._footprint: set[str] = set()
        for index, root in enumerate(roots):
            found = set(focus(empty, root))
            self.ont_focus.append(found)
            for node in found:
                self.ont_results[(index, node)] = validate(empty, root, node)
                self._reach(node)
        self._by_class: dict[str, list[int]] = {}
        self._by_subject_of: dict[str, list[int]] = {}
        self._by_object_of: dict[str, list[int]] = {}
        for index, root in enumerate(roots):
            for cls in root.target_classes:
                for sub in empty.subclasses(cls):
                    self._by_class.setdefault(sub, []).append(index)
            for p in root.subjects_of:
                self._by_subject_of.setdefault(p, []).append(index)
            for p in root.objects_of:
                self._by_object_of.setdefault(p, []).append(index)
        # roots whose results for an ontology node may depend on the graph: always validated
        self.graph_dependent = [root.uses_sparql() or uses_logic(root) for root in roots]

    def _reach(self, node: str) -> None:
        todo = [node]
        while todo:
            current = todo.pop()
            if current in self._footprint:
                continue
            self._footprint.add(current)
            for objects in self.ontology.triples.spo.get(current, {}).values():
                todo += objects

    def untouched(self, data: Triples) -> bool:
        """True when the graph says nothing about the ontology focus nodes or their values."""
        if any(s in self._footprint for s in data.spo):
            return False
        return all(self._footprint.isdisjoint(by_o) for by_o in data.pos.values())

    def data_focus(self, data: Triples) -> list[dict[str, None]]:
        """Each root's focus nodes among the graph's own triples (the index's look-ups)."""
        found: list[dict[str, None]] = [dict.fromkeys(r.target_nodes) for r in self.roots]
        for cls, subjects in data.pos.get(TYPE, {}).items():
            for index in self._by_class.get(cls, ()):
                found[index].update(dict.fromkeys(subjects))
        for p, indexes in self._by_subject_of.items():
            for subjects in data.pos.get(p, {}).values():
                for index in indexes:
                    found[index].update(dict.fromkeys(subjects))
        for p, indexes in self._by_object_of.items():
            for obj in data.pos.get(p, {}):
                for index in indexes:
                    found[index][obj] = None
        return found


def uses_logic(shape: Shape, seen: set[int] | None = None) -> bool:
    """True when the shape (or a property shape of it) asks other shapes about its values."""
    seen = set() if seen is None else seen
    if id(shape) in seen:
        return False
    seen.add(id(shape))
    if any(
        c.removeprefix("http://www.w3.org/ns/shacl#").startswith(_LOGICAL) for c, _ in shape.checks
    ):
        return True
    return any(uses_logic(child, seen) for child in shape.children)

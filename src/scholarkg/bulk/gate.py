"""The fast SHACL gate: pySHACL's findings, computed by shapes compiled to native checks.

``FastGate().check(triples)`` returns exactly the findings ``scholarkg.validate`` gets from
pySHACL for the same graph (``ont_graph`` mixed in, ``inference="none"``, advanced mode): same
focus nodes, paths, severities, source shapes, values and messages, as a multiset. How:

* targets, paths, severities and messages come from pySHACL's own shapes-graph reader, and each
  constraint's parameters from pySHACL's own component classes (:mod:`scholarkg.bulk.shapes`);
* the ontology triples pySHACL mixes in are computed once with pySHACL's ``inoculate`` and
  overlaid on every graph (:mod:`scholarkg.bulk.index`);
* Core constraints are evaluated natively with pySHACL's rules, handing rdflib the literal
  questions it answers for pySHACL (ill-typed values, ordering) (:mod:`scholarkg.bulk.checks`);
* SPARQL constraints are parsed once and evaluated over the graph's index with rdflib's operator
  semantics (:mod:`scholarkg.bulk.sparql`); results go through pySHACL's de-duplication and
  message templating.

What it cannot evaluate it does not guess: an unsupported shapes feature makes every check run
pySHACL, an unsupported query is run by rdflib, and a value it cannot judge (a blank node in
``sh:lessThanOrEquals``, say) sends that one graph to pySHACL (``stats["pyshacl"]``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from pyshacl import validate as pyshacl_validate
from rdflib import Graph

from scholarkg.bulk import checks, sparql
from scholarkg.bulk.index import SUBCLASS, TYPE, Ontology, Triple, Triples, View
from scholarkg.bulk.results import QueryResults, Result
from scholarkg.bulk.shapes import Compiler, Shape
from scholarkg.bulk.terms import from_rdflib, text, to_rdflib
from scholarkg.resources import ontology_graph, shapes_graph
from scholarkg.validate import Finding, findings_of

log = logging.getLogger(__name__)
_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_RUNTIME_LIMITS = (checks.Unsupported, sparql.Unsupported, re.error)


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
            ),
        )
    )


class FastGate:
    """Validates graphs given as N-Triples term triples (see the module docstring)."""

    def __init__(self, shapes: Graph | None = None, ontology: Graph | None = None) -> None:
        self.shapes = shapes if shapes is not None else shapes_graph()
        self.ontology_graph = ontology if ontology is not None else ontology_graph()
        self.ontology = Ontology(self.ontology_graph)
        self.stats = {"graphs": 0, "pyshacl": 0, "rdflib_queries": 0}
        self.fallback: str | None = None
        try:
            self.roots = Compiler(self.shapes).roots
        except Exception as exc:  # any shapes feature the compiler does not know
            self.roots = []
            self.fallback = f"{type(exc).__name__}: {exc}"
            log.warning("fast SHACL gate falls back to pySHACL: %s", self.fallback)
        self._clean: dict[tuple[int, str], list[Result]] = {}
        self._queries = QueryResults(self.stats)
        self._ont_focus: list[set[str]] = []
        self._footprint: set[str] = set()
        if self.fallback is None:
            self._prepare_ontology_focus()
            self._index_targets()

    def _prepare_ontology_focus(self) -> None:
        """Results for focus nodes only the ontology mix-in provides (the metric individuals)."""
        empty = View(Triples(()), self.ontology)
        self._queries.new_graph()
        for index, root in enumerate(self.roots):
            found = set(self._focus(empty, root))
            self._ont_focus.append(found)
            for node in found:
                out: list[Result] = []
                self._validate(empty, root, node, out)
                self._clean[(index, node)] = out
                self._reach(node)

    def _reach(self, node: str) -> None:
        """Add ``node`` and every node the ontology triples lead to from it to the footprint."""
        todo = [node]
        while todo:
            current = todo.pop()
            if current in self._footprint:
                continue
            self._footprint.add(current)
            for objects in self.ontology.triples.spo.get(current, {}).values():
                todo += objects

    def _untouched(self, data: Triples) -> bool:
        """True when the graph says nothing about the ontology focus nodes or their values."""
        if any(s in self._footprint for s in data.spo):
            return False
        return all(self._footprint.isdisjoint(by_o) for by_o in data.pos.values())

    def check(self, triples: Iterable[Triple]) -> tuple[Finding, ...]:
        """Every SHACL finding for one graph (term-string triples, no duplicates)."""
        self.stats["graphs"] += 1
        data = triples if isinstance(triples, Triples) else Triples(triples)
        if self.fallback is not None:
            return self.pyshacl(data)
        try:
            results = self._results(data)
        except _RUNTIME_LIMITS:
            return self.pyshacl(data)
        return sort_findings(
            Finding(sev, text(focus), path, msg, shape, None if value is None else text(value))
            for sev, focus, path, msg, shape, value in results
        )

    def pyshacl(self, data: Iterable[Triple]) -> tuple[Finding, ...]:
        """The same graph through pySHACL itself, with the gate's call."""
        self.stats["pyshacl"] += 1
        graph = Graph()
        for s, p, o in data:
            graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        _, report, _ = pyshacl_validate(
            graph,
            shacl_graph=self.shapes,
            ont_graph=self.ontology_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
        )
        return sort_findings(findings_of(report))

    def _index_targets(self) -> None:
        """Which roots a type or predicate of the data makes focus nodes (ontology hierarchy)."""
        empty = View(Triples(()), self.ontology)
        self._by_class: dict[str, list[int]] = {}
        self._by_subject_of: dict[str, list[int]] = {}
        self._by_object_of: dict[str, list[int]] = {}
        for index, root in enumerate(self.roots):
            for cls in root.target_classes:
                for sub in empty.subclasses(cls):
                    self._by_class.setdefault(sub, []).append(index)
            for p in root.subjects_of:
                self._by_subject_of.setdefault(p, []).append(index)
            for p in root.objects_of:
                self._by_object_of.setdefault(p, []).append(index)
        self._sparql_roots = [root.uses_sparql() for root in self.roots]

    def _data_focus(self, data: Triples) -> list[dict[str, None]]:
        """Focus nodes per root from the graph's own triples (no class axioms in the graph)."""
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

    def _results(self, data: Triples) -> list[Result]:
        view = View(data, self.ontology)
        self._queries.new_graph()
        out: list[Result] = []
        if SUBCLASS not in data.pos and self._untouched(data):
            # the ontology's own focus nodes are as the ontology alone makes them: cached results
            for index, nodes in enumerate(self._data_focus(data)):
                root = self.roots[index]
                for node in self._ont_focus[index]:
                    if self._sparql_roots[index]:
                        nodes[node] = None
                    elif node not in nodes:
                        out.extend(self._clean[(index, node)])
                for node in nodes:
                    self._validate(view, root, node, out)
            return out
        for root in self.roots:
            for node in self._focus(view, root):
                self._validate(view, root, node, out)
        return out

    @staticmethod
    def _focus(view: View, shape: Shape) -> list[str]:
        found: dict[str, None] = dict.fromkeys(shape.target_nodes)
        for cls in shape.target_classes:
            found.update(dict.fromkeys(view.instances(cls)))
        for p in shape.subjects_of:
            found.update(dict.fromkeys(s for s, _ in view.pairs(p)))
        for p in shape.objects_of:
            found.update(dict.fromkeys(o for _, o in view.pairs(p)))
        return list(found)

    def _validate(
        self,
        view: View,
        shape: Shape,
        focus: str,
        out: list[Result],
        values: list[str] | None = None,
    ) -> None:
        if values is None:
            values = self._values(view, shape, focus)
            if not values and not shape.runs_when_empty:
                return
        emit = out.append
        for check in shape.checks:
            for value in check(view, focus, values):
                emit((shape.severity, focus, shape.path_text, shape.message, shape.text, value))
        for query in shape.sparql:
            self._queries.run(view, shape, query, focus, out)
        if not values or not shape.children:
            return
        spo = view.data.spo
        ont_nodes = view.ont_nodes
        for value in values:
            own = spo.get(value, {}) if value not in ont_nodes else None
            for child in shape.children:
                path = child.path
                if path is None:
                    found = [value]
                elif path[0]:
                    found = view.subjects(path[1], value)
                elif own is not None:
                    found = own.get(path[1], [])
                else:
                    found = view.objects(value, path[1])
                if not found and not child.runs_when_empty:
                    continue
                if child.children or child.sparql:
                    self._validate(view, child, value, out, found)
                    continue
                for check in child.checks:  # the common leaf: a property shape of core checks
                    for bad in check(view, value, found):
                        emit(
                            (child.severity, value, child.path_text, child.message, child.text, bad)
                        )

    @staticmethod
    def _values(view: View, shape: Shape, focus: str) -> list[str]:
        path = shape.path
        if path is None:
            return [focus]
        return view.subjects(path[1], focus) if path[0] else view.objects(focus, path[1])

    def check_graphs(self, graphs: Iterable[Iterable[Triple]]) -> list[tuple[Finding, ...]]:
        return [self.check(g) for g in graphs]


def rdflib_triples(graph: Graph) -> list[Triple]:
    """An rdflib graph as term-string triples (to check graphs built with rdflib)."""
    return [(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph]

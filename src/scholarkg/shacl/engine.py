"""The SHACL engine: pySHACL's findings, from shapes compiled to native checks.

``Engine().check(triples)`` returns the findings pySHACL gives for the same graph with the gate's
call (``ont_graph`` mixed in, ``inference="none"``, advanced mode, ``allow_warnings``): same focus
nodes, paths, constraint components, severities, source shapes, values and, where the shape has
``sh:message``, messages. Shapes are compiled through :mod:`scholarkg.shacl.registry`; a shape using
a feature outside it is a start-up error (:class:`~scholarkg.errors.UnsupportedShape`) unless
``fallback="pyshacl"``: then every graph that gives such a shape a focus node is validated by
pySHACL itself and counted in ``stats["pyshacl"]``.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable

from rdflib import Graph

from scholarkg.errors import ConfigError, UnsupportedShape
from scholarkg.resources import ontology_graph, shapes_graph
from scholarkg.shacl import reference
from scholarkg.shacl.clean import clean_roots
from scholarkg.shacl.focus import Targets, focus
from scholarkg.shacl.index import SUBCLASS, Ontology, Triple, Triples, View
from scholarkg.shacl.report import Finding, finding, report_graph, sort_findings
from scholarkg.shacl.results import QueryResults, Result
from scholarkg.shacl.shapes import Compiler, Shape
from scholarkg.shacl.terms import canonical_triples, from_rdflib

log = logging.getLogger(__name__)
FALLBACKS = ("error", "pyshacl")
_NONE: dict[str, list[str]] = {}  # a node the graph says nothing about (never written to)


class Engine:
    """Validates graphs given as N-Triples term triples or rdflib graphs (see the module doc)."""

    def __init__(
        self, shapes: Graph | None = None, ontology: Graph | None = None, fallback: str = "error"
    ) -> None:
        if fallback not in FALLBACKS:
            raise ConfigError(f"[shacl] fallback must be one of {', '.join(FALLBACKS)}")
        self.shapes = shapes if shapes is not None else shapes_graph()
        self.ontology_graph = ontology if ontology is not None else ontology_graph()
        self.ontology = Ontology(self.ontology_graph)
        self.stats = {"graphs": 0, "pyshacl": 0, "rdflib_queries": 0}
        self._queries = QueryResults(self.stats)
        self.roots: list[Shape] = []
        self.unsupported: list[UnsupportedShape] = []
        self._fenced: list[Shape] = []  # targets of the shapes pySHACL validates
        self._everything_to_pyshacl = False
        try:
            compiler = Compiler(self.shapes, self)
        except UnsupportedShape as exc:  # a feature of the whole shapes graph
            if fallback != "pyshacl":
                raise
            self.unsupported = [exc]
            self._everything_to_pyshacl = True
        else:
            self.roots = compiler.roots
            self.unsupported = list(compiler.unsupported.values())
            if self.unsupported and fallback != "pyshacl":
                raise self.unsupported[0]
            self._fenced = [compiler.targets[node] for node in compiler.unsupported]
        for problem in self.unsupported:
            log.warning("validated with pySHACL: %s", problem)
        self._clean_roots = clean_roots(self.roots, self._queries)
        self._queries.new_graph()
        self._targets = Targets(self.roots, self.ontology, self.results_for)
        # rdflib's SPARQL parser (pyparsing) leaves reference cycles that hold the frames of
        # whoever compiled the shapes, and with them the caller's objects (an open store, say):
        # free them now rather than at some later collection.
        gc.collect()

    @property
    def fallback(self) -> str | None:
        """None when every shape compiled natively; else why some graphs go to pySHACL."""
        return "; ".join(str(e) for e in self.unsupported) or None

    @property
    def fallback_graphs(self) -> int:
        """How many graphs pySHACL validated because of unsupported shapes."""
        return self.stats["pyshacl"]

    # -- public entry points ------------------------------------------------------------------

    def check(self, triples: Iterable[Triple]) -> tuple[Finding, ...]:
        """Every SHACL finding for one graph of term-string triples (as rdflib would read them)."""
        return self._findings(Triples(canonical_triples(triples)))[0]

    def check_graph(self, graph: Graph) -> tuple[tuple[Finding, ...], Graph]:
        """Findings and a SHACL validation report graph for one rdflib graph."""
        data = Triples(
            dict.fromkeys((from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph)
        )
        return self._findings(data, with_report=True)

    def check_graphs(self, graphs: Iterable[Iterable[Triple]]) -> list[tuple[Finding, ...]]:
        return [self.check(g) for g in graphs]

    def _findings(
        self, data: Triples, with_report: bool = False
    ) -> tuple[tuple[Finding, ...], Graph]:
        self.stats["graphs"] += 1
        view = View(data, self.ontology)
        if self._needs_pyshacl(view):
            self.stats["pyshacl"] += 1
            report = reference.run_pyshacl(data, self.shapes, self.ontology_graph)
            return sort_findings(reference.findings_of(report)), report
        results = self._results(view)
        findings = sort_findings(finding(r) for r in results)
        return findings, report_graph(results, self.shapes) if with_report else Graph()

    def _needs_pyshacl(self, view: View) -> bool:
        if self._everything_to_pyshacl:
            return True
        return any(focus(view, shape) for shape in self._fenced)

    # -- conformance (asked by sh:node, sh:not, sh:and, sh:or, sh:xone, qualified shapes) -----

    def conforms(self, view: View, shape: Shape, node: str) -> bool:
        """pySHACL's conformance of ``node`` to ``shape`` (allow_warnings; see logical.py)."""
        if shape.always_conforms:
            return True
        values = self._values(view, shape, node)
        if not values and not shape.runs_when_empty:
            return True
        for _, check in shape.checks:
            if check(view, node, values):
                return False
        for query in shape.sparql:
            found: list[Result] = []
            self._queries.run(view, shape, query, node, found)
            if found:
                return False
        return all(self.conforms(view, child, v) for child in shape.children for v in values)

    def results_for(self, view: View, shape: Shape, node: str) -> list[Result]:
        out: list[Result] = []
        self._validate(view, shape, node, out)
        return out

    # -- evaluation ---------------------------------------------------------------------------

    def _results(self, view: View) -> list[Result]:
        data = view.data
        self._queries.new_graph()
        out: list[Result] = []
        targets = self._targets
        if SUBCLASS not in data.pos and targets.untouched(data):
            # the ontology's own focus nodes are as the ontology alone makes them: cached results
            for index, nodes in enumerate(targets.data_focus(data)):
                for node in targets.ont_focus[index]:
                    if targets.graph_dependent[index]:
                        nodes[node] = None
                    elif node not in nodes:
                        out.extend(targets.ont_results[(index, node)])
                self._validate_all(view, index, nodes, out)
            return out
        for index, root in enumerate(self.roots):
            self._validate_all(view, index, focus(view, root), out)
        return out

    def _validate_all(
        self, view: View, index: int, nodes: Iterable[str], out: list[Result]
    ) -> None:
        """Root ``index`` over its focus nodes: the full walk only where the fast path is unsure."""
        root, clean = self.roots[index], self._clean_roots[index]
        path, when_empty = root.path, root.runs_when_empty
        for node in nodes:
            values = [node] if path is None else path(view, node)
            if (values or when_empty) and not clean(view, node, values):
                self._validate(view, root, node, out, values)

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
        for component, check in shape.checks:
            for value in check(view, focus, values):
                emit((shape, focus, component, value, None, None, None))
        for query in shape.sparql:
            self._queries.run(view, shape, query, focus, out)
        if not shape.children:
            return
        spo, ont_nodes = view.data.spo, view.ont_nodes
        for value in values:
            # a predicate path's values straight from the index (the ontology's nodes excepted)
            own = None if value in ont_nodes else spo.get(value, _NONE)
            for child in shape.children:
                p = child.predicate
                if p is not None and own is not None:
                    found = own.get(p)
                    if found is None:
                        if not child.runs_when_empty:
                            continue
                        found = []
                else:
                    found = self._values(view, child, value)
                if found or child.runs_when_empty:
                    self._validate(view, child, value, out, found)

    @staticmethod
    def _values(view: View, shape: Shape, focus: str) -> list[str]:
        return [focus] if shape.path is None else shape.path(view, focus)

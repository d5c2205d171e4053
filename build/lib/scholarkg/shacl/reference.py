"""pySHACL itself, with the gate's call: the engine's reference and its opt-in fallback.

:func:`run_pyshacl` validates one graph exactly as the gate asks the question (``ont_graph``
mixed in, ``inference="none"``, advanced mode, ``allow_warnings``). pySHACL hands every SPARQL
constraint to rdflib as text once per focus node; :func:`memoised_sparql_parse` makes rdflib parse
each text once inside a block, through rdflib's public plugin registry (a ``sparql`` query
processor that keeps translated queries), not by patching any class. Evaluation is rdflib's own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pyshacl import validate as pyshacl_validate
from rdflib import Graph, plugin
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.query import Processor

from scholarkg.resources import ontology_graph, shapes_graph
from scholarkg.shacl.report import ValidationReport, findings_of
from scholarkg.shacl.terms import to_rdflib

if TYPE_CHECKING:
    from scholarkg.transform import NamedGraph

__all__ = [
    "findings_of",
    "memoised_sparql_parse",
    "pyshacl_validate_graph",
    "run_pyshacl",
    "to_graph",
]
# rdflib's SPARQL parser (pyparsing) is not thread-safe (RDFLib issue #1282): one pySHACL run
# at a time per process.
_LOCK = threading.RLock()
_CACHES: list[dict[Any, Any]] = []  # the innermost block's cache is last


class MemoisedSPARQLProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, parsing and translating each query text once per cache."""

    def query(  # type: ignore[override]
        self,
        strOrQuery: Any,
        initBindings: Any = None,
        initNs: Any = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Any:
        if isinstance(strOrQuery, str) and _CACHES:
            cache = _CACHES[-1]
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            if key not in cache:
                cache[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = cache[key]
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@contextmanager
def memoised_sparql_parse(cache: dict[Any, Any] | None = None) -> Iterator[dict[Any, Any]]:
    """Within the block, rdflib parses each distinct SPARQL query text once.

    Pass the same ``cache`` to several blocks to keep parsed queries between them. The block
    registers :class:`MemoisedSPARQLProcessor` as rdflib's ``sparql`` processor plugin and puts
    the default back afterwards.
    """
    cache = {} if cache is None else cache
    with _LOCK:
        _CACHES.append(cache)
        plugin.register("sparql", Processor, __name__, "MemoisedSPARQLProcessor")
        try:
            yield cache
        finally:
            _CACHES.pop()
            if not _CACHES:
                plugin.register(
                    "sparql", Processor, "rdflib.plugins.sparql.processor", "SPARQLProcessor"
                )


def to_graph(triples: Iterable[tuple[str, str, str]]) -> Graph:
    """An rdflib graph of term-string triples."""
    graph = Graph()
    for s, p, o in triples:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def run_pyshacl(
    data: Graph | Iterable[tuple[str, str, str]], shapes: Graph, ontology: Graph
) -> Graph:
    """pySHACL's validation report graph for one graph, with the gate's call."""
    graph = data if isinstance(data, Graph) else to_graph(data)
    with _LOCK:
        _, report, _ = pyshacl_validate(
            graph,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
        )
    result: Graph = report
    return result


def pyshacl_validate_graph(named: NamedGraph) -> ValidationReport:
    """pySHACL's verdict on one named graph over the project's shapes (the reference gate)."""
    report = run_pyshacl(named.graph, shapes_graph(), ontology_graph())
    return ValidationReport(str(named.iri), findings_of(report), report)

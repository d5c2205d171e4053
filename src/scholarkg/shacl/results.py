"""SPARQL-based constraint results, post-processed exactly as pySHACL does it.

pySHACL (``SPARQLBasedConstraint``) turns each solution into a validation result: a solution
binding ``?failure`` counts once, other solutions are de-duplicated on (``?this``, ``?path``,
``?value``, other variables); ``sh:value`` is ``?value`` or, in a node shape, the focus node;
``sh:resultPath`` is ``?path`` or the property shape's path; messages (the constraint's and the
shape's) get ``{?var}`` replaced by ``re.sub``, as pySHACL does.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import Graph

from scholarkg.errors import ShaclRuntimeError
from scholarkg.shacl.expressions import Unsupported
from scholarkg.shacl.index import View
from scholarkg.shacl.sparql_constraint import COMPONENT, SparqlCheck
from scholarkg.shacl.terms import from_rdflib, text, to_rdflib

# (shape, focus, component IRI, value, result path term, messages, source constraint):
# a result path or messages of None are the shape's own.
Result = tuple[Any, str, str, str | None, str | None, tuple[str, ...] | None, Any]
Row = dict[str, str]


def _format(message: str, bound: dict[str, str]) -> str:
    """pySHACL's ``_format_sparql_based_result_message``, on term strings."""
    try:
        for var, val in bound.items():
            message = re.sub(f"{{[?$]{var}}}", text(val), message)
    except re.error as exc:  # pySHACL's re.sub fails on the same value
        raise ShaclRuntimeError(f"cannot template SPARQL message {message!r}: {exc}") from exc
    return message


class QueryResults:
    """Runs a shape's SPARQL constraints for one focus node; per-graph rows are cached."""

    def __init__(self, stats: dict[str, int]) -> None:
        self.stats = stats
        self._graph_rows: dict[int, dict[str, list[Row]]] = {}

    def new_graph(self) -> None:
        self._graph_rows = {}

    def rows(self, view: View, query: SparqlCheck, bindings: dict[str, str]) -> list[Row]:
        select = query.select
        if select is not None:
            try:
                if not (select.per_graph and query.binds_this):
                    return select.rows(view, bindings)
                grouped = self._graph_rows.get(id(query))
                if grouped is None:
                    base = {k: v for k, v in bindings.items() if k != "this"}
                    grouped = self._graph_rows[id(query)] = select.rows_by_this(view, base)
                return grouped.get(bindings["this"], [])
            except Unsupported:  # a value the compiled fragment does not evaluate: rdflib does
                pass
        self.stats["rdflib_queries"] += 1  # outside the compiled fragment: rdflib runs it
        graph = Graph()
        for triples in (view.data, view.ont):
            for s, p, o in triples:
                graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        found = graph.query(query.text, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
        return [
            {str(k): from_rdflib(v) for k, v in row.asdict().items()}  # type: ignore[union-attr]
            for row in found
        ]

    def none_for(self, view: View, query: SparqlCheck, focus: str) -> bool:
        """True when ``query`` certainly has no row for ``focus`` (the graph's rows grouped by
        ``$this``, as :meth:`rows` keeps them); False when unsure (no such grouping)."""
        select = query.select
        if select is None or not (select.per_graph and query.binds_this):
            return False
        grouped = self._graph_rows.get(id(query))
        if grouped is None:
            base = {} if query.current_shape is None else {"currentShape": query.current_shape}
            try:
                grouped = self._graph_rows[id(query)] = select.rows_by_this(view, base)
            except Unsupported:
                return False
        return focus not in grouped

    def run(
        self, view: View, shape: Any, query: SparqlCheck, focus: str, out: list[Result]
    ) -> None:
        """pySHACL's ``_evaluate_sparql_constraint`` and ``_validate_sparql_query``."""
        bindings = {"this": focus} if query.binds_this else {}
        if query.current_shape is not None:
            bindings["currentShape"] = query.current_shape
        violations: list[Any] = []
        failure_seen = False
        for row in self.rows(view, query, bindings):
            rest = dict(row)
            if rest.pop("failure", None) is not None:
                if not failure_seen:
                    violations.append((True, rest))
                    failure_seen = True
                continue
            p, v, t = rest.pop("path", None), rest.pop("value", None), rest.pop("this", None)
            key = (t, p, v, rest)
            if (p is not None or v is not None or t is not None) and key not in violations:
                violations.append(key)
        default_value = focus if shape.path is None else None
        for found in violations:
            if len(found) == 2:
                _result(shape, query, focus, default_value, None, found[1], out)
                continue
            t, p, v, rest = found
            v = default_value if v is None else v
            bound = dict(rest)
            bound.update({k: x for k, x in (("this", t), ("path", p), ("value", v)) if x})
            node = t if t is not None and bool(to_rdflib(t)) else focus
            _result(shape, query, node, v, p, bound, out)


def _result(
    shape: Any,
    query: SparqlCheck,
    focus: str,
    value: str | None,
    path: str | None,
    bound: dict[str, str],
    out: list[Result],
) -> None:
    messages = {_format(str(m.value), bound) for m in query.messages if m not in shape.messages}
    messages.update(_format(str(m.value), bound) for m in shape.messages)
    out.append((shape, focus, COMPONENT, value, path, tuple(sorted(messages)), query.node))

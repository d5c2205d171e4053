"""The gate's fast path: whether a shape gives a focus node no result at all, asked cheaply.

Nearly every graph the gate sees conforms. :func:`compile_clean` turns a compiled shape, once,
into ``clean(view, focus, values) -> bool``: True only when the engine's full walk
(:meth:`~scholarkg.shacl.engine.Engine.validate`) would add no result for that focus node and
its value nodes. Counts and per-value tests (``checks.FORMS``) are fused into one pass over the
values, any other check is asked as it is, SPARQL constraints are answered from the graph's
rows grouped by ``$this`` (:meth:`~scholarkg.shacl.results.QueryResults.none_for`), and property
shapes are followed exactly as the walk follows them. False means "not sure": the engine then
runs the full walk, the only place results are built, so findings are the full walk's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scholarkg.shacl.checks import FORMS, Check
from scholarkg.shacl.index import View
from scholarkg.shacl.results import QueryResults
from scholarkg.shacl.shapes import Shape

Clean = Callable[[View, str, list[str]], bool]
_NONE: dict[str, list[str]] = {}  # a node the graph says nothing about (never written to)


def compile_clean(shape: Shape, queries: QueryResults, done: dict[int, Clean]) -> Clean:
    """The fast-path predicate of ``shape`` (its property shapes' compiled too, once each)."""
    found = done.get(id(shape))
    if found is not None:
        return found
    least, most = 0, -1  # most -1: unbounded
    tests: list[Callable[[str], bool]] = []
    view_tests: list[Callable[[View, str], bool]] = []
    generic: list[Check] = []
    for _, check in shape.checks:
        form = FORMS.get(check)
        if form is None:
            generic.append(check)
        elif form[0] == "count":
            least = max(least, form[1])
            if form[2] is not None:
                most = form[2] if most < 0 else min(most, form[2])
        elif form[0] == "each":
            tests.append(form[1])
        else:
            view_tests.append(form[1])
    kids = [
        (child.predicate, child.runs_when_empty, child.path, compile_clean(child, queries, done))
        for child in shape.children
    ]
    queries_of = list(shape.sparql)
    none_for = queries.none_for
    test = tests[0] if len(tests) == 1 else None

    def clean(view: View, focus: str, values: list[str]) -> bool:
        n = len(values)
        if n < least or (most >= 0 and n > most):
            return False
        if test is not None:
            for v in values:
                if not test(v):
                    return False
        elif tests:
            for v in values:
                for t in tests:
                    if not t(v):
                        return False
        for vt in view_tests:
            for v in values:
                if not vt(view, v):
                    return False
        for check in generic:
            if check(view, focus, values):
                return False
        for query in queries_of:
            if not none_for(view, query, focus):
                return False
        if not kids:
            return True
        spo, ont_nodes = view.data.spo, view.ont_nodes
        for value in values:
            # a predicate path's values straight from the index (the ontology's nodes excepted)
            own = None if value in ont_nodes else spo.get(value, _NONE)
            for p, when_empty, path, kid in kids:
                if p is not None and own is not None:
                    got = own.get(p)
                    if got is None:
                        if not when_empty:
                            continue
                        got = []
                else:
                    got = [value] if path is None else path(view, value)
                if (got or when_empty) and not kid(view, value, got):
                    return False
        return True

    done[id(shape)] = clean
    return clean


def clean_roots(roots: list[Shape], queries: QueryResults) -> list[Any]:
    """Each root's fast-path predicate, in the order of ``roots``."""
    done: dict[int, Clean] = {}
    return [compile_clean(root, queries, done) for root in roots]

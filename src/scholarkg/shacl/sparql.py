"""SPARQL-based SHACL constraints, compiled once and run over a :class:`View` in plain Python.

The query text is the one pySHACL runs (prefixes applied, ``$PATH`` substituted); rdflib parses
and translates it once. The algebra is then evaluated here with rdflib's semantics: basic graph
patterns (joined in the cheapest order for the graph at hand, which cannot change the solution
multiset), FILTER (an
error is false), BIND, NOT EXISTS, Join and projection. Common expressions on IRIs and simple
literals are evaluated natively; any other operator is handed, with its evaluated arguments, to
the very rdflib function pySHACL would have used. Anything beyond that raises
:class:`Unsupported` and the caller runs the query through rdflib instead. A query of one of
the forms the project's shapes use is answered per graph by a direct check
(:mod:`scholarkg.shacl.direct`) with the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from rdflib import BNode, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import SPARQLError

from scholarkg.shacl.direct import direct
from scholarkg.shacl.expressions import Err, Solution, Unsupported, compile_expr, ebv
from scholarkg.shacl.index import View
from scholarkg.shacl.rdflib_private import CompValue
from scholarkg.shacl.terms import from_rdflib

__all__ = ["Select", "Unsupported", "compile_pattern"]
Pattern = Callable[[View, Solution], Iterator[Solution]]
Slot = tuple[bool, str]  # (is a variable, variable name or term)


def _slot(node: Any) -> Slot:
    if isinstance(node, Variable):
        return True, str(node)
    if isinstance(node, BNode):
        raise Unsupported("blank node in a triple pattern")
    return False, from_rdflib(node)


Triple = tuple[Slot, Slot, Slot]
CHECK, OBJECTS, SUBJECTS, PAIRS = range(4)


def _cost(view: View, mode: int, p: str) -> float:
    """Expected rows one lookup of predicate ``p`` yields in ``mode`` (from the graph's index)."""
    if mode == CHECK:
        return 0.5
    triples, subjects, objects = view.predicate_stats(p)
    if mode == OBJECTS:  # subject known: objects per subject
        return triples / subjects
    if mode == SUBJECTS:  # object known: subjects per object
        return triples / objects
    return float(triples) + 1.0  # nothing known: every pair


def _mode(pattern: Triple, known: set[str]) -> int:
    (svar, s), _, (ovar, o) = pattern
    s_known, o_known = not svar or s in known, not ovar or o in known
    mode = CHECK if s_known and o_known else SUBJECTS if o_known else OBJECTS if s_known else PAIRS
    if svar and ovar and s == o and mode != CHECK:
        mode = PAIRS  # ?x p ?x: matched on pairs, filtered below
    return mode


def plan(view: View, triples: list[Triple], bound: frozenset[str]) -> list[tuple[int, Triple]]:
    """A join order: greedily the pattern whose lookup yields the fewest rows in this graph.

    The order cannot change the solutions, only the work. Costs come from the graph's own
    counts per predicate, so a lookup that fans out with the graph's size (every authorship at
    position 1, in a graph of many papers) comes after the ones that stay small (the
    authorships of one paper).
    """
    known = set(bound)
    left = list(triples)
    chosen = []
    while left:

        def cost(i: int) -> tuple[float, int]:
            return _cost(view, _mode(left[i], known), left[i][1][1]), i

        pattern = left.pop(min(range(len(left)), key=cost))
        chosen.append((_mode(pattern, known), pattern))
        known.update(name for is_var, name in (pattern[0], pattern[2]) if is_var)
    return chosen


def _run(view: View, plan: list[tuple[int, Triple]], i: int, sol: Solution) -> Iterator[Solution]:
    if i == len(plan):
        yield sol
        return
    mode, ((svar, s), (_, p), (ovar, o)) = plan[i]
    st = sol[s] if svar and s in sol else (None if svar else s)
    ot = sol[o] if ovar and o in sol else (None if ovar else o)
    if mode == CHECK:
        if view.contains(st, p, ot):  # type: ignore[arg-type]
            yield from _run(view, plan, i + 1, sol)
    elif mode == OBJECTS:
        for x in view.objects(st, p):  # type: ignore[arg-type]
            yield from _run(view, plan, i + 1, {**sol, o: x})
    elif mode == SUBJECTS:
        for x in view.subjects(p, ot):  # type: ignore[arg-type]
            yield from _run(view, plan, i + 1, {**sol, s: x})
    else:
        for a, b in view.pairs(p):
            if (st is not None and a != st) or (ot is not None and b != ot):
                continue
            if svar and ovar and s == o and a != b:
                continue
            found = dict(sol)
            if svar:
                found[s] = a
            if ovar:
                found[o] = b
            yield from _run(view, plan, i + 1, found)


def _bgp(triples: list[Triple]) -> Pattern:
    """Match a basic graph pattern with a join order planned per set of bound variables."""

    def match(view: View, sol: Solution) -> Iterator[Solution]:
        key = (id(triples), frozenset(sol))  # plans are kept per graph: its counts decide them
        chosen = view.plans.get(key)
        if chosen is None:
            chosen = view.plans[key] = plan(view, triples, key[1])
        return _run(view, chosen, 0, sol)

    return match


def compile_pattern(node: Any) -> Pattern:
    """A graph pattern of the algebra as ``fn(view, bindings) -> solutions``."""
    if not isinstance(node, CompValue):
        raise Unsupported(f"pattern {node!r}")
    name = node.name
    if name == "BGP":
        triples = []
        for s, p, o in node.triples:
            if isinstance(p, Variable):
                raise Unsupported("variable predicate")
            triples.append((_slot(s), _slot(p), _slot(o)))
        return _bgp(triples)
    if name == "Join":
        if node.p1.name == node.p2.name == "BGP":
            merged = CompValue("BGP", triples=[*node.p1.triples, *node.p2.triples])
            return compile_pattern(merged)
        left, right = compile_pattern(node.p1), compile_pattern(node.p2)

        def join(view: View, sol: Solution) -> Iterator[Solution]:
            others = list({frozenset(b.items()): b for b in right(view, sol)}.values())
            for a in left(view, sol):
                for b in others:
                    if all(a.get(k, v) == v for k, v in b.items()):
                        yield {**a, **b}

        return join
    if name == "Filter":
        inner, test = compile_pattern(node.p), compile_expr(node.expr, compile_pattern)

        def keep(view: View, sol: Solution) -> Iterator[Solution]:
            for found in inner(view, sol):
                try:
                    if ebv(test(view, found)):
                        yield found
                except SPARQLError:
                    continue

        return keep
    if name == "Extend":
        inner, value = compile_pattern(node.p), compile_expr(node.expr, compile_pattern)
        var = str(node.var)

        def extend(view: View, sol: Solution) -> Iterator[Solution]:
            for found in inner(view, sol):
                if var in found:
                    raise Unsupported("BIND of a bound variable")
                v = value(view, found)
                yield found if isinstance(v, Err) else {**found, var: v}

        return extend
    if name == "Project":
        inner, names = compile_pattern(node.p), [str(v) for v in node.PV]

        def project(view: View, sol: Solution) -> Iterator[Solution]:
            for found in inner(view, sol):
                yield {k: found[k] for k in names if k in found}

        return project
    raise Unsupported(f"algebra operator {name}")


def _required_variables(node: Any) -> set[str]:
    """Variables every solution binds through a basic graph pattern of the query body."""
    if node.name == "BGP":
        return {str(t) for triple in node.triples for t in triple if isinstance(t, Variable)}
    if node.name in ("Project", "Filter", "Extend"):
        return _required_variables(node.p)
    if node.name == "Join":
        return _required_variables(node.p1) | _required_variables(node.p2)
    return set()


class Select:
    """A compiled SELECT query: ``rows(view, {"this": focus})`` gives its projected solutions.

    When every solution binds ``?this`` through the query's own triple patterns (and projects it),
    evaluating once with ``?this`` free and grouping the rows by ``?this`` gives, for each focus
    node, the rows of the query with ``$this`` pre-bound (``per_graph``, :meth:`rows_by_this`);
    ``direct``, when the query has a template in :mod:`scholarkg.shacl.direct`, gives them.
    """

    def __init__(self, text: str) -> None:
        query = prepareQuery(text)
        algebra = query.algebra
        if algebra.name != "SelectQuery" or algebra.get("datasetClause"):
            raise Unsupported("not a plain SELECT query")
        self.variables = [str(v) for v in algebra.PV]
        self._root = compile_pattern(algebra.p)
        self.per_graph = "this" in self.variables and "this" in _required_variables(algebra.p)
        self.direct = direct(algebra) if self.per_graph else None

    def rows(self, view: View, bindings: Solution) -> list[Solution]:
        return list(self._root(view, bindings))

    def rows_by_this(self, view: View, bindings: Solution) -> dict[str, list[Solution]]:
        if self.direct is not None and not bindings:
            try:
                return self.direct(view)
            except Unsupported:  # a value the direct check leaves to the general evaluator
                pass
        grouped: dict[str, list[Solution]] = {}
        for row in self._root(view, bindings):
            grouped.setdefault(row["this"], []).append(row)
        return grouped

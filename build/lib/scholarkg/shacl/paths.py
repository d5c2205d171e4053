"""SHACL property paths: compiled once, evaluated over a :class:`View` as sets of value nodes.

Path kinds (:data:`PATH_KINDS`): a predicate IRI, ``sh:inversePath``, a sequence (RDF list),
``sh:alternativePath``, ``sh:zeroOrMorePath``, ``sh:oneOrMorePath`` and ``sh:zeroOrOnePath``.
Each path also has a text (:func:`path_text`) used in findings, the same for the shapes graph and
for a report graph holding a copy of the path.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import RDF, BNode, Graph, Namespace, URIRef
from rdflib.term import Node

from scholarkg.errors import ShapesError
from scholarkg.shacl.index import View
from scholarkg.shacl.terms import from_rdflib

SH = Namespace("http://www.w3.org/ns/shacl#")
Step = Callable[[View, str], list[str]]
PATH_KINDS = (
    "predicate",
    "inversePath",
    "sequence",
    "alternativePath",
    "zeroOrMorePath",
    "oneOrMorePath",
    "zeroOrOnePath",
)
_UNARY = {SH.inversePath: "^", SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def _kind(graph: Graph, node: Node) -> tuple[str, Node | list[Node]]:
    """(kind, argument) of a path node; raises ShapesError for anything else."""
    if isinstance(node, URIRef):
        return "predicate", node
    if not isinstance(node, BNode):
        raise ShapesError(f"{node!r} is not a SHACL path")
    if (node, RDF.first, None) in graph:
        return "sequence", list(graph.items(node))
    pairs = list(graph.predicate_objects(node))
    if len(pairs) == 1:
        predicate, argument = pairs[0]
        if predicate == SH.alternativePath:
            return "alternativePath", list(graph.items(argument))
        for key in _UNARY:
            if predicate == key:
                return str(key).removeprefix(str(SH)), argument
    raise ShapesError(f"path {node} is not a SHACL path")


def path_kinds(graph: Graph, node: Node) -> set[str]:
    """Every path kind used in the path at ``node``."""
    kind, arg = _kind(graph, node)
    found = {kind}
    for part in arg if isinstance(arg, list) else [] if kind == "predicate" else [arg]:
        found |= path_kinds(graph, part)
    return found


def path_text(graph: Graph, node: Node) -> str:
    """The predicate IRI, or a SPARQL-like rendering of a complex path (full IRIs)."""
    kind, arg = _kind(graph, node)
    if kind == "predicate":
        return str(arg)
    if isinstance(arg, list):
        parts = [_wrapped(graph, a) for a in arg]
        return "/".join(parts) if kind == "sequence" else "(" + "|".join(parts) + ")"
    inner = _wrapped(graph, arg)
    return "^" + inner if kind == "inversePath" else inner + _UNARY[SH[kind]]


def _wrapped(graph: Graph, node: Node) -> str:
    inner = path_text(graph, node)
    return f"<{inner}>" if isinstance(node, URIRef) else f"({inner})"


def sparql_path(graph: Graph, node: Node) -> str:
    """The path in SPARQL property-path syntax (for ``$PATH`` in SPARQL constraints)."""
    kind, arg = _kind(graph, node)
    if kind == "predicate":
        return f"<{arg}>"
    if isinstance(arg, list):
        joiner = "/" if kind == "sequence" else "|"
        return "(" + joiner.join(sparql_path(graph, a) for a in arg) + ")"
    inner = sparql_path(graph, arg)
    return f"^({inner})" if kind == "inversePath" else f"({inner}){_UNARY[SH[kind]]}"


def _closure(step: Step, view: View, start: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    todo = list(start)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen[node] = None
        todo.extend(step(view, node))
    return list(seen)


def _step(graph: Graph, node: Node, inverse: bool) -> Step:
    kind, arg = _kind(graph, node)
    if kind == "predicate":
        p = from_rdflib(arg)  # type: ignore[arg-type]
        if inverse:
            return lambda view, focus: view.subjects(p, focus)
        return lambda view, focus: view.objects(focus, p)
    if kind == "inversePath":
        return _step(graph, arg, not inverse)  # type: ignore[arg-type]
    if isinstance(arg, list):
        steps = [_step(graph, a, inverse) for a in arg]
        if kind == "sequence":
            ordered = steps[::-1] if inverse else steps

            def sequence(view: View, focus: str) -> list[str]:
                current = [focus]
                for s in ordered:
                    current = list(dict.fromkeys(x for c in current for x in s(view, c)))
                return current

            return sequence
        return lambda view, focus: list(dict.fromkeys(x for s in steps for x in s(view, focus)))
    inner = _step(graph, arg, inverse)
    if kind == "zeroOrOnePath":
        return lambda view, focus: list(dict.fromkeys([focus, *inner(view, focus)]))
    if kind == "zeroOrMorePath":
        return lambda view, focus: _closure(inner, view, [focus])
    return lambda view, focus: _closure(inner, view, inner(view, focus))  # oneOrMorePath


def compile_path(graph: Graph, node: Node) -> Step:
    """``values(view, focus)``: the value nodes of ``focus`` along the path at ``node``."""
    return _step(graph, node, False)

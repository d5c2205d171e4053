"""SHACL Core value and cardinality constraints as native checks with pySHACL's semantics.

Each builder reads its parameters from the shapes graph (:class:`Params`) and returns a check:
``check(view, focus, values)`` gives the ``sh:value`` of each validation result (``None`` for a
result without one, like ``sh:minCount``). Literal questions go to :mod:`scholarkg.shacl.literals`.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from scholarkg.errors import ShapesError
from scholarkg.shacl.index import View
from scholarkg.shacl.literals import datatype_test, in_range
from scholarkg.shacl.terms import from_rdflib, literal_parts, text

SH = Namespace("http://www.w3.org/ns/shacl#")
Check = Callable[[View, str, list[str]], list[Any]]
# How a check built here can be asked "no result?" in one pass (scholarkg.shacl.clean):
# ("each", test(value)) or ("view", test(view, value)): no result when every value passes;
# ("count", least, most): no result when least <= len(values) <= most (most None: unbounded).
FORMS: weakref.WeakKeyDictionary[Check, tuple[Any, ...]] = weakref.WeakKeyDictionary()


def _form(check: Check, *form: Any) -> Check:
    FORMS[check] = form
    return check


class Params:
    """The parameters of one shape node in the shapes graph."""

    def __init__(self, graph: Graph, node: Node, label: str) -> None:
        self.graph, self.node, self.label = graph, node, label

    def all(self, name: str) -> list[Node]:
        return list(self.graph.objects(self.node, SH[name]))

    def one(self, name: str) -> Node:
        found = self.all(name)
        if len(found) != 1:
            raise ShapesError(f"shape {self.label}: sh:{name} must have exactly one value")
        return found[0]

    def number(self, name: str) -> int:
        value = self.one(name)
        if not isinstance(value, Literal) or not isinstance(value.value, int):
            raise ShapesError(f"shape {self.label}: sh:{name} must be an integer")
        return int(value.value)

    def items(self, node: Node) -> list[Node]:
        """The members of an RDF list in the shapes graph."""
        return list(self.graph.items(node))


def _each(test: Callable[[str], bool]) -> Check:
    return _form(lambda view, focus, values: [v for v in values if not test(v)], "each", test)


def min_count(p: Params) -> Check:
    least = p.number("minCount")

    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        return [None] if least and len(values) < least else []

    return _form(check, "count", least, None)


def max_count(p: Params) -> Check:
    most = p.number("maxCount")

    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        return [None] if len(values) > most else []

    return _form(check, "count", 0, most)


def datatype(p: Params) -> Check:
    return _each(datatype_test(str(p.one("datatype"))))


_KINDS = {
    "IRI": "<",
    "BlankNode": "_",
    "Literal": '"',
    "BlankNodeOrIRI": "_<",
    "BlankNodeOrLiteral": '_"',
    "IRIOrLiteral": '<"',
}


def node_kind(p: Params) -> Check:
    rule = str(p.one("nodeKind")).removeprefix(str(SH))
    if rule not in _KINDS:
        raise ShapesError(f"shape {p.label}: unknown sh:nodeKind {rule}")
    allowed = _KINDS[rule]
    return _each(lambda v: v[0] in allowed)


def class_(p: Params) -> Check:
    classes = [from_rdflib(c) for c in p.all("class")]

    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        return [v for c in classes for v in values if v[0] == '"' or not view.has_class(v, c)]

    if len(classes) == 1:
        cls = classes[0]
        return _form(check, "view", lambda view, v: v[0] != '"' and view.has_class(v, cls))
    return _form(
        check, "view", lambda view, v: v[0] != '"' and all(view.has_class(v, c) for c in classes)
    )


def pattern(p: Params) -> Check:
    flags_found = p.all("flags")
    flags = str(flags_found[0]).lower() if flags_found else ""
    re_flags = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
    matchers = [re.compile(str(r), re_flags) for r in p.all("pattern")]

    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        return [v for m in matchers for v in values if v[0] == "_" or not m.search(text(v))]

    if len(matchers) == 1:
        search = matchers[0].search
        return _form(check, "each", lambda v: v[0] != "_" and search(text(v)) is not None)
    return _form(check, "each", lambda v: v[0] != "_" and all(m.search(text(v)) for m in matchers))


def _length(p: Params, name: str) -> int:
    value = p.number(name)
    if value < 0:
        raise ShapesError(f"shape {p.label}: sh:{name} must not be negative")
    return value


def min_length(p: Params) -> Check:
    least = _length(p, "minLength")
    return _each(lambda v: least == 0 or (v[0] != "_" and len(text(v)) >= least))


def max_length(p: Params) -> Check:
    most = _length(p, "maxLength")
    return _each(lambda v: v[0] != "_" and len(text(v)) <= most)


def language_in(p: Params) -> Check:
    wanted = {str(lang).lower() for lang in p.items(p.one("languageIn"))}
    wildcard = "*" in wanted

    def ok(v: str) -> bool:
        if v[0] != '"':
            return False
        lang = literal_parts(v)[1]
        if not lang:
            return False
        return wildcard or lang.lower() in wanted or lang.split("-")[0].lower() in wanted

    return _each(ok)


def unique_lang(p: Params) -> Check:
    flag = p.one("uniqueLang")
    enabled = isinstance(flag, Literal) and flag.value is True

    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        if not enabled:
            return []
        seen: set[str] = set()
        duplicates: set[str] = set()
        for v in values:
            lang = literal_parts(v)[1] if v[0] == '"' else None
            if lang:
                (duplicates if lang.lower() in seen else seen).add(lang.lower())
        return [None] * len(duplicates)

    return check


def has_value(p: Params) -> Check:
    wanted = [from_rdflib(h) for h in p.all("hasValue")]
    return lambda view, focus, values: [None for h in wanted if h not in values]


def in_(p: Params) -> Check:
    allowed = {from_rdflib(x) for x in p.items(p.one("in"))}
    return _each(lambda v: v in allowed)


def _range(name: str, op: str) -> Callable[[Params], Check]:
    def build(p: Params) -> Check:
        bounds = p.all(name)
        if any(not isinstance(b, Literal) for b in bounds):
            raise ShapesError(f"shape {p.label}: sh:{name} must be a literal")
        terms = [from_rdflib(b) for b in bounds]
        return lambda view, focus, values: [
            v for b in terms for v in values if not in_range(v, b, op)
        ]

    return build


min_exclusive = _range("minExclusive", "min>")
min_inclusive = _range("minInclusive", "min>=")
max_exclusive = _range("maxExclusive", "max<")
max_inclusive = _range("maxInclusive", "max<=")


def iri_parameter(p: Params, name: str) -> list[str]:
    """Term strings of an IRI-valued parameter (``sh:equals`` …)."""
    found = p.all(name)
    if any(not isinstance(x, URIRef) for x in found):
        raise ShapesError(f"shape {p.label}: sh:{name} must be an IRI")
    return [from_rdflib(x) for x in found]

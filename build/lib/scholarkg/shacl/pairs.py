"""Property pair constraints: sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals.

The other side is the objects of the focus node for the named predicate. ``sh:lessThan`` and
``sh:lessThanOrEquals`` compare as pySHACL does: IRIs and string literals as Python strings, other
literals with rdflib's literal ordering; a string against a non-string is a result; a blank node
on either side, or two values rdflib cannot order, stop validation (:class:`ShaclRuntimeError`),
as they stop pySHACL.
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef

from scholarkg.errors import ShaclRuntimeError, ShapesError
from scholarkg.shacl.checks import Check, Params, iri_parameter
from scholarkg.shacl.index import View
from scholarkg.shacl.terms import to_rdflib


def equals(p: Params) -> Check:
    props = iri_parameter(p, "equals")

    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        out: list[Any] = []
        mine = set(values)
        for prop in props:
            others = set(view.objects(focus, prop))
            out += [v for v in mine - others]
            out += [o for o in others - mine]
        return out

    return check


def disjoint(p: Params) -> Check:
    props = iri_parameter(p, "disjoint")

    def check(view: View, focus: str, values: list[str]) -> list[Any]:
        out: list[Any] = []
        mine = set(values)
        for prop in props:
            out += [v for v in mine & set(view.objects(focus, prop))]
        return out

    return check


def _comparable(term: str, label: str) -> tuple[bool, Any]:
    if term[0] == "_":
        raise ShaclRuntimeError(f"shape {label}: cannot compare the blank node {term}")
    node = to_rdflib(term)
    if isinstance(node, URIRef):
        return True, str(node)
    if isinstance(node, Literal) and isinstance(node.value, str):
        return True, node.value
    return False, node


def _ordered(name: str, strict: bool) -> Any:
    def build(p: Params) -> Check:
        if not p.all("path"):
            raise ShapesError(f"shape {p.label}: sh:{name} is only allowed on a property shape")
        props = iri_parameter(p, name)

        def check(view: View, focus: str, values: list[str]) -> list[Any]:
            out: list[Any] = []
            for prop in props:
                others = [_comparable(o, p.label) for o in view.objects(focus, prop)]
                for v in values:
                    v_str, a = _comparable(v, p.label)
                    for o_str, b in others:
                        try:
                            ok = v_str == o_str and (a < b if strict else a <= b)
                        except TypeError as exc:
                            raise ShaclRuntimeError(
                                f"shape {p.label}: cannot order {v} against {b!r}"
                            ) from exc
                        if not ok:
                            out.append(v)
            return out

        return check

    return build


less_than = _ordered("lessThan", strict=True)
less_than_or_equals = _ordered("lessThanOrEquals", strict=False)

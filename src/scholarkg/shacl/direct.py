"""Direct checks for the forms of ``sh:sparql`` constraint the project's shapes use.

A query whose algebra is one of the templates below, up to the IRIs in the template's
``urn:x-skg:`` slots, is answered by a plain pass over the graph's index instead of the
general evaluator (:mod:`scholarkg.shacl.sparql`): the same solutions, as a multiset, grouped
by ``?this``. Any other query, or a variable named differently, keeps the general evaluator.
A value outside what a check handles raises :class:`Unsupported` and the general evaluator
answers instead.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations
from typing import Any

from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from scholarkg.shacl.expressions import Unsupported, _body
from scholarkg.shacl.index import View
from scholarkg.shacl.rdflib_private import CompValue, Expr, operator_function
from scholarkg.shacl.terms import from_rdflib
from scholarkg.transform.emit import escape_literal

Rows = dict[str, list[dict[str, str]]]
ByThis = Callable[[View], Rows]
_SLOT = "urn:x-skg:"

# ?this and ?other both hold the value of P, both linked by Q from one ?paper: a value shared
# by two siblings (an authorship position, a version number within its paper)
SHARED = """SELECT $this ?value ?other ?path WHERE {
    $this <urn:x-skg:p> ?value .
    ?paper <urn:x-skg:q> $this , ?other .
    ?other <urn:x-skg:p> ?value .
    FILTER (?other != $this)
    BIND (<urn:x-skg:r> AS ?path)
}"""
# a value of P that is not also a value of Q (a primary category, a replacement, a merge)
NOT_ALSO = """SELECT $this ?value ?path WHERE {
    $this <urn:x-skg:p> ?value .
    FILTER NOT EXISTS { $this <urn:x-skg:q> ?value }
    BIND (<urn:x-skg:r> AS ?path)
}"""
# an identifier's IRI form is not linked: no IRI value of Q is the prefix S then STR(the id)
NO_LINK = """SELECT $this ?id ?path WHERE {
    $this <urn:x-skg:p> ?id .
    FILTER NOT EXISTS {
        $this <urn:x-skg:q> ?abs .
        FILTER (isIRI(?abs) && STR(?abs) = CONCAT("urn:x-skg:s", STR(?id)))
    }
    BIND (<urn:x-skg:r> AS ?path)
}"""
# a value of Q that is not the prefix S then STR(the value of P) (an arXiv DOI)
NOT_DERIVED = """SELECT $this ?value ?id ?path WHERE {
    $this <urn:x-skg:p> ?id ; <urn:x-skg:q> ?value .
    FILTER (STR(?value) != CONCAT("urn:x-skg:s", STR(?id)))
    BIND (<urn:x-skg:r> AS ?path)
}"""


def _unify(template: Any, real: Any, slots: dict[str, str]) -> bool:
    """Whether ``real`` is ``template`` with each slot replaced by one term throughout (an IRI
    slot by an IRI, a string slot by a simple literal)."""
    if isinstance(template, URIRef) and template.startswith(_SLOT):
        if type(real) is not URIRef:
            return False
        return slots.setdefault(str(template), from_rdflib(real)) == from_rdflib(real)
    if isinstance(template, Literal) and str(template).startswith(_SLOT):
        if type(real) is not Literal or real.datatype is not None or real.language is not None:
            return False
        return slots.setdefault(str(template), from_rdflib(real)) == from_rdflib(real)
    if isinstance(template, CompValue):
        if type(real) is not type(template) or template.name != real.name:
            return False
        if list(template.keys()) != list(real.keys()) or set(vars(template)) != set(vars(real)):
            return False
        if template.name == "BGP":  # rdflib orders a BGP's triples by their terms; any order
            return _unify_bgp(template, real, slots)
        functions = [operator_function(n) for n in (template, real) if isinstance(n, Expr)]
        if len(set(functions)) > 1:  # the same operator (an Expr's type is its class: equal)
            return False
        # an Expr keeps some parts as attributes (rdflib translates EXISTS' graph into one)
        attributes = [a for a in vars(template) if a not in ("name", "_evalfn")]
        return all(_unify(template[k], real[k], slots) for k in template) and all(
            _unify(getattr(template, a), getattr(real, a), slots) for a in attributes
        )
    if isinstance(template, (list, tuple)):
        if type(real) is not type(template) or len(real) != len(template):
            return False
        return all(_unify(t, r, slots) for t, r in zip(template, real, strict=True))
    if isinstance(template, dict):
        if not isinstance(real, dict) or list(template) != list(real):
            return False
        return all(_unify(template[k], real[k], slots) for k in template)
    return type(template) is type(real) and bool(template == real)


def _unify_bgp(template: Any, real: Any, slots: dict[str, str]) -> bool:
    others = [k for k in template if k != "triples"]
    if len(template.triples) != len(real.triples):
        return False
    if not all(_unify(template[k], real[k], slots) for k in others):
        return False
    for order in permutations(real.triples):
        tried = dict(slots)
        if all(_unify(t, r, tried) for t, r in zip(template.triples, order, strict=True)):
            slots.update(tried)
            return True
    return False


def _str(term: str) -> str:
    """The body of ``STR(term)`` as the general evaluator writes it (``expressions._str``)."""
    if term[0] == "<":
        return escape_literal(term[1:-1])
    if term[0] == "_":
        return escape_literal(term[2:])
    return _body(term)


def _not_term(*terms: str) -> bool:
    return any(t[:1] not in ("<", "_") for t in terms)


def _shared(p: str, q: str, r: str) -> ByThis:
    def rows(view: View) -> Rows:
        children: dict[str, list[str]] = {}
        for parent, child in view.pairs(q):
            children.setdefault(parent, []).append(child)
        out: Rows = {}
        for siblings in children.values():
            if len(siblings) < 2:
                continue
            holders: dict[str, list[str]] = {}
            for child in siblings:
                for value in view.objects(child, p):
                    holders.setdefault(value, []).append(child)
            for value, held in holders.items():
                if len(held) < 2:
                    continue
                if _not_term(*held):  # != on literals: rdflib's rules, not string equality
                    raise Unsupported("a literal linked as a sibling")
                for this in held:
                    for other in held:
                        if other != this:
                            row = {"this": this, "value": value, "other": other, "path": r}
                            out.setdefault(this, []).append(row)
        return out

    return rows


def _not_also(p: str, q: str, r: str) -> ByThis:
    def rows(view: View) -> Rows:
        out: Rows = {}
        for this, value in view.pairs(p):
            if not view.contains(this, q, value):
                out.setdefault(this, []).append({"this": this, "value": value, "path": r})
        return out

    return rows


def _no_link(p: str, q: str, r: str, s: str) -> ByThis:
    prefix = _body(s)

    def rows(view: View) -> Rows:
        out: Rows = {}
        for this, id_ in view.pairs(p):
            want = prefix + _str(id_)
            if not any(a[0] == "<" and _str(a) == want for a in view.objects(this, q)):
                out.setdefault(this, []).append({"this": this, "id": id_, "path": r})
        return out

    return rows


def _not_derived(p: str, q: str, r: str, s: str) -> ByThis:
    prefix = _body(s)

    def rows(view: View) -> Rows:
        out: Rows = {}
        for this, id_ in view.pairs(p):
            want = prefix + _str(id_)
            for value in view.objects(this, q):
                if _str(value) != want:
                    row = {"this": this, "value": value, "id": id_, "path": r}
                    out.setdefault(this, []).append(row)
        return out

    return rows


_FORMS: list[tuple[str, Callable[..., ByThis], str]] = [
    (SHARED, _shared, "pqr"),
    (NOT_ALSO, _not_also, "pqr"),
    (NO_LINK, _no_link, "pqrs"),
    (NOT_DERIVED, _not_derived, "pqrs"),
]
_TEMPLATES: list[tuple[Any, Callable[..., ByThis], str]] = []


def direct(algebra: Any) -> ByThis | None:
    """The direct check of a query's algebra, or None when it has no template here."""
    if not _TEMPLATES:
        _TEMPLATES.extend((prepareQuery(text).algebra, make, k) for text, make, k in _FORMS)
    for template, make, names in _TEMPLATES:
        slots: dict[str, str] = {}
        if _unify(template, algebra, slots):
            return make(*(slots[_SLOT + k] for k in names))
    return None

"""SHACL Core constraint components as native checks with pySHACL's exact semantics.

Each check is built from pySHACL's own constraint component object (so parameters are read and
rejected exactly as pySHACL reads them) and returns, for one focus node and its value nodes, the
value of each validation result (``None`` for a result without ``sh:value``). Literal datatype
and ordering questions that are not obvious from the lexical form go to rdflib, as in pySHACL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pyshacl.constraints import core
from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
from pyshacl.rdfutil.compare import compare_literal
from rdflib import RDF, RDFS, XSD, Literal, URIRef

from scholarkg.bulk.index import View
from scholarkg.bulk.terms import from_rdflib, literal_parts, text, to_rdflib

Check = Callable[[View, str, list[str]], list[str | None]]
SH = "http://www.w3.org/ns/shacl#"


class Unsupported(Exception):
    """A constraint or a value this module does not evaluate: use pySHACL."""


XSD_STRING, RDFS_LITERAL = str(XSD.string), str(RDFS.Literal)
RDFS_DATATYPE, RDF_LANGSTRING = str(RDFS.Datatype), str(RDF.langString)
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:[0-9]{2})?\Z"
)


def _parses(pattern: re.Pattern[str], parse: Callable[[str], object]) -> Callable[[str], bool]:
    def valid(lexical: str) -> bool:
        if not pattern.match(lexical):
            return False
        try:
            parse(lexical)
        except ValueError:
            return False
        return True

    return valid


_FAST: dict[str, Callable[[str], bool]] = {
    XSD_STRING: lambda lex: True,
    str(XSD.integer): lambda lex: _INTEGER.match(lex) is not None,
    str(XSD.boolean): lambda lex: lex in ("true", "false"),
    str(XSD.decimal): lambda lex: _DECIMAL.match(lex) is not None,
    str(XSD.date): _parses(_DATE, dt.date.fromisoformat),
    str(XSD.dateTime): _parses(_DATETIME, dt.datetime.fromisoformat),
}


def _fast_valid(lexical: str, datatype: str) -> bool:
    """True only when the lexical form is canonical, hence certainly valid for rdflib too."""
    fast = _FAST.get(datatype)
    return fast is not None and fast(lexical)


@lru_cache(maxsize=65536)
def _datatype_same(term: str, datatype: str) -> bool:
    """pySHACL's verdict for a literal whose datatype is the required one (rdflib decides)."""
    lit = to_rdflib(term)
    if getattr(lit, "ill_typed", None) is True:
        return False
    verdict = DatatypeConstraintComponent._assert_actual_datatype  # no self needed
    return bool(verdict(None, lit, URIRef(datatype)))  # type: ignore[no-untyped-call,arg-type]


def datatype_ok(term: str, rule: str) -> bool:
    """pySHACL's ``sh:datatype`` test of one value node."""
    if term[0] != '"':
        return False
    lexical, lang, datatype = literal_parts(term)
    if datatype == rule:
        return _fast_valid(lexical, rule) or _datatype_same(term, rule)
    if rule == RDFS_LITERAL:
        return True
    if rule == RDFS_DATATYPE and datatype:
        return True
    if datatype is None and lang is None and rule == XSD_STRING:
        return True  # a plain literal's value is a str
    return rule == RDF_LANGSTRING and bool(lang)


def _datatype(rule: str) -> Callable[[str], bool]:
    """``datatype_ok`` for one rule, with the common cases decided from the term's ending."""
    suffix = '"^^<' + rule + ">"
    if rule == XSD_STRING:
        return lambda v: (
            (v[0] == '"' and (v[-1] == '"' or v.endswith(suffix))) or datatype_ok(v, rule)
        )

    def ok(v: str) -> bool:
        if v.endswith(suffix) and v[0] == '"' and "\\" not in v:
            lexical = v[1 : -len(suffix)]
            if _fast_valid(lexical, rule):
                return True
        return datatype_ok(v, rule)

    return ok


def _as_string(term: str) -> str:
    """pySHACL's ``value_node_to_string``: the IRI or the lexical form."""
    return text(term)


@lru_cache(maxsize=65536)
def _compare(term: str, bound: str, op: str) -> bool:
    """pySHACL's min/max inclusive/exclusive test for one value node."""
    if term[0] != '"':
        return False
    limit = to_rdflib(bound)
    value = to_rdflib(term)
    assert isinstance(limit, Literal) and isinstance(value, Literal)
    if isinstance(limit.value, str) != isinstance(value.value, str):
        return False
    try:
        cmp: int = compare_literal(value, limit)  # type: ignore[no-untyped-call]
    except (TypeError, NotImplementedError):
        return False
    return {"min>": cmp > 0, "min>=": cmp >= 0, "max<": cmp < 0, "max<=": cmp <= 0}[op]


def _each(test: Callable[[str], bool]) -> Check:
    return lambda view, focus, values: [v for v in values if not test(v)]


def _range(bounds: list[Any], op: str) -> Check:
    terms = [from_rdflib(b) for b in bounds]
    return lambda view, focus, values: [v for b in terms for v in values if not _compare(v, b, op)]


def _nodekind(rule: Any) -> Check:
    kinds = {
        "IRI": "<",
        "BlankNode": "_",
        "Literal": '"',
        "BlankNodeOrIRI": "_<",
        "BlankNodeOrLiteral": '_"',
        "IRIOrLiteral": '<"',
    }
    allowed = kinds.get(str(rule).removeprefix(SH), "")
    return _each(lambda v: v[0] in allowed)


def _pair_value(node: Any) -> tuple[bool, Any]:
    if isinstance(node, URIRef):
        return True, str(node)
    if isinstance(node, Literal) and isinstance(node.value, str):
        return True, node.value
    return False, node


def _less_than_or_equals(props: list[Any]) -> Check:
    """pySHACL's ``_compare_ltoe`` (which raises on blank nodes: we leave those to pySHACL)."""

    def check(view: View, focus: str, values: list[str]) -> list[str | None]:
        out: list[str | None] = []
        for prop in props:
            if not isinstance(prop, URIRef):
                raise Unsupported("sh:lessThanOrEquals needs an IRI")
            others = view.objects(focus, from_rdflib(prop))
            for v in values:
                if v[0] == "_" or any(c[0] == "_" for c in others):
                    raise Unsupported("sh:lessThanOrEquals on a blank node")
                a_str, a = _pair_value(to_rdflib(v))
                for c in others:
                    b_str, b = _pair_value(to_rdflib(c))
                    try:
                        if a_str != b_str or not a <= b:
                            out.append(v)
                    except TypeError as exc:
                        raise Unsupported("incomparable values") from exc
        return out

    return check


def _language_in(component: Any) -> Check:
    sg = component.shape.sg.graph
    wanted = {str(lang.value).lower() for lang in sg.items(component.string_rules[0])}
    wildcard = "*" in wanted

    def ok(v: str) -> bool:
        if v[0] != '"':
            return False
        lang = literal_parts(v)[1]
        if not lang:
            return False
        return wildcard or lang.lower() in wanted or lang.split("-")[0].lower() in wanted

    return _each(ok)


def _unique_lang(enabled: bool) -> Check:
    def check(view: View, focus: str, values: list[str]) -> list[str | None]:
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


def build_check(component: Any) -> Check:
    """A native check for one pySHACL constraint component object."""
    kind = type(component)
    if kind is core.cardinality_constraints.MinCountConstraintComponent:
        least = int(component.min_count.value)
        return lambda view, focus, values: [None] if least and len(values) < least else []
    if kind is core.cardinality_constraints.MaxCountConstraintComponent:
        most = int(component.max_count.value)
        return lambda view, focus, values: [None] if len(values) > most else []
    if kind is core.value_constraints.DatatypeConstraintComponent:
        return _each(_datatype(str(component.datatype_rule)))
    if kind is core.value_constraints.NodeKindConstraintComponent:
        return _nodekind(component.nodekind_rule)
    if kind is core.value_constraints.ClassConstraintComponent:
        classes = [from_rdflib(c) for c in component.class_rules]
        return lambda view, focus, values: [
            v for c in classes for v in values if v[0] == '"' or not view.has_class(v, c)
        ]
    if kind is core.string_based_constraints.PatternConstraintComponent:
        matchers = [component.compiled_cache[r] for r in component.string_rules]
        return lambda view, focus, values: [
            v for m in matchers for v in values if v[0] == "_" or not m.search(_as_string(v))
        ]
    if kind is core.string_based_constraints.MinLengthConstraintComponent:
        least = component.string_rules[0].value
        if least < 0:
            raise Unsupported("negative sh:minLength")
        return _each(lambda v: least == 0 or (v[0] != "_" and len(_as_string(v)) >= least))
    if kind is core.string_based_constraints.MaxLengthConstraintComponent:
        most = component.string_rules[0].value
        if most < 0:
            raise Unsupported("negative sh:maxLength")
        return _each(lambda v: v[0] != "_" and len(_as_string(v)) <= most)
    if kind is core.string_based_constraints.LanguageInConstraintComponent:
        return _language_in(component)
    if kind is core.string_based_constraints.UniqueLangConstraintComponent:
        return _unique_lang(bool(next(iter(component.string_rules))))
    if kind is core.other_constraints.HasValueConstraintComponent:
        wanted = [from_rdflib(h) for h in component.has_value_set]
        return lambda view, focus, values: [None for h in wanted if h not in values]
    if kind is core.other_constraints.InConstraintComponent:
        allowed = {from_rdflib(x) for x in component.in_vals}
        return _each(lambda v: v in allowed)
    ranges = {
        core.value_range_constraints.MinExclusiveConstraintComponent: ("min_vals", "min>"),
        core.value_range_constraints.MinInclusiveConstraintComponent: ("min_vals", "min>="),
        core.value_range_constraints.MaxExclusiveConstraintComponent: ("max_vals", "max<"),
        core.value_range_constraints.MaxInclusiveConstraintComponent: ("max_vals", "max<="),
    }
    if kind in ranges:
        attribute, op = ranges[kind]
        return _range(getattr(component, attribute), op)
    if kind is core.property_pair_constraints.LessThanOrEqualsConstraintComponent:
        return _less_than_or_equals(list(component.property_compare_set))
    raise Unsupported(f"constraint component {kind.__name__}")

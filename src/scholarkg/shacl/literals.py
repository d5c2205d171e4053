"""Literal questions answered as pySHACL answers them, with rdflib's public term API only.

``sh:datatype``: a literal whose datatype is the required one must not be ill-typed and its
Python value must have the type pySHACL expects for the common XSD types. Ranges
(``sh:minInclusive`` …) compare with rdflib's literal ordering, dates and times by their Python
values (pySHACL's ``compare_literal``). Canonical lexical forms are decided without rdflib.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from rdflib import RDF, RDFS, XSD, Literal

from scholarkg.shacl.terms import canonical_datetime, literal_parts, to_rdflib

XSD_STRING, RDFS_LITERAL = str(XSD.string), str(RDFS.Literal)
RDFS_DATATYPE, RDF_LANGSTRING = str(RDFS.Datatype), str(RDF.langString)
_INTEGER = re.compile(r"(0|-?[1-9][0-9]*)\Z")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_PYTHON_TYPE: dict[str, type | tuple[type, ...]] = {
    XSD_STRING: (str, bytes),
    RDF_LANGSTRING: (str, bytes),
    str(XSD.integer): int,
    str(XSD.float): float,
    str(XSD.decimal): Decimal,
    str(XSD.boolean): bool,
    str(XSD.date): dt.date,
    str(XSD.time): dt.time,
    str(XSD.dateTime): dt.datetime,
}


def _date(lexical: str) -> bool:
    if not _DATE.match(lexical):
        return False
    try:
        dt.date.fromisoformat(lexical)
    except ValueError:
        return False
    return True


_FAST: dict[str, Callable[[str], bool]] = {
    XSD_STRING: lambda lex: True,
    str(XSD.integer): lambda lex: _INTEGER.match(lex) is not None,
    str(XSD.boolean): lambda lex: lex in ("true", "false"),
    str(XSD.decimal): lambda lex: _DECIMAL.match(lex) is not None,
    str(XSD.date): _date,
    str(XSD.dateTime): lambda lex: canonical_datetime(lex) == lex,
}


def fast_valid(lexical: str, datatype: str) -> bool:
    """True only when the lexical form is canonical, hence certainly valid for rdflib too."""
    fast = _FAST.get(datatype)
    return fast is not None and fast(lexical)


def _python_type_ok(value: object, datatype: str) -> bool:
    expected = _PYTHON_TYPE.get(datatype)
    return True if expected is None else isinstance(value, expected)


@lru_cache(maxsize=4096)  # values are mostly unique (dates): a large cache only holds memory
def _datatype_same(term: str, datatype: str) -> bool:
    """pySHACL's verdict for a literal whose datatype is the required one."""
    lit = to_rdflib(term)
    assert isinstance(lit, Literal)
    if lit.ill_typed is True:
        return False
    return _python_type_ok(lit.value, datatype)


def datatype_ok(term: str, rule: str) -> bool:
    """pySHACL's ``sh:datatype`` test of one value node."""
    if term[0] != '"':
        return False
    lexical, lang, datatype = literal_parts(term)
    if datatype == rule:
        return fast_valid(lexical, rule) or _datatype_same(term, rule)
    if rule == RDFS_LITERAL:
        return True
    if rule == RDFS_DATATYPE and datatype:
        return True
    if datatype is None and lang is None and rule == XSD_STRING:
        return True  # a plain literal's value is a str
    return rule == RDF_LANGSTRING and bool(lang)


def datatype_test(rule: str) -> Callable[[str], bool]:
    """``datatype_ok`` for one rule, with the common cases decided from the term's ending."""
    suffix = '"^^<' + rule + ">"
    if rule == XSD_STRING:
        return lambda v: (
            (v[0] == '"' and (v[-1] == '"' or v.endswith(suffix))) or datatype_ok(v, rule)
        )

    def ok(v: str) -> bool:
        if v.endswith(suffix) and v[0] == '"' and "\\" not in v:
            lexical = v[1 : -len(suffix)]
            if fast_valid(lexical, rule):
                return True
        return datatype_ok(v, rule)

    return ok


def _order(value: Literal, limit: Literal) -> int:
    """pySHACL's ``compare_literal``: 0 equal, 1 greater, -1 smaller (may raise TypeError)."""
    if value.eq(limit):
        return 0
    if isinstance(value.value, (dt.datetime, dt.time)):
        if value.value == limit.value:
            return 0
        if value.value > limit.value:
            return 1
    elif value > limit:
        return 1
    return -1


@lru_cache(maxsize=8192)
def in_range(term: str, bound: str, op: str) -> bool:
    """pySHACL's min/max inclusive/exclusive test of one value node against one bound."""
    if term[0] != '"':
        return False
    limit, value = to_rdflib(bound), to_rdflib(term)
    if not isinstance(limit, Literal) or not isinstance(value, Literal):
        return False
    if isinstance(limit.value, str) != isinstance(value.value, str):
        return False
    try:
        cmp = _order(value, limit)
    except (TypeError, NotImplementedError):
        return False
    return {"min>": cmp > 0, "min>=": cmp >= 0, "max<": cmp < 0, "max<=": cmp <= 0}[op]

"""N-Triples term strings: the engine's only term representation.

A term is the string N-Triples writes for it: ``<iri>``, ``_:id``, ``"lexical"``,
``"lexical"@lang`` or ``"lexical"^^<datatype>``. Equality of these strings is rdflib's term
equality (``"x"`` and ``"x"^^xsd:string`` differ, as they do in rdflib; language tags are kept in
lower case, as rdflib compares them).

Literals are seen the way pySHACL sees them: rdflib canonicalises a typed literal when it reads it
(``"01"^^xsd:integer`` is ``"1"``, an ``xsd:token`` loses its outer spaces), so
:func:`canonical` gives the term rdflib would hold, and :func:`canonical_triples` applies it to a
graph's triples (merging triples that become equal, as an rdflib graph does).

One defined difference: an *ill-typed* literal keeps its written form. rdflib rewrites a few of
them to a valid-looking lexical form while flagging them ill-typed (``"TRUE"^^xsd:boolean`` reads
as ``"true"``, ``"yes"`` as ``"false"``); the engine keeps ``"TRUE"`` so ``sh:datatype`` still
reports it, and :func:`text` gives rdflib's string (``true``), so findings match pySHACL's. Only
equality differs: rdflib holds ``"TRUE"`` equal to ``"true"``, the engine does not (``sh:in``,
``sh:hasValue``, ``sh:equals`` on such a value; the graph already fails ``sh:datatype`` if its
shapes check the datatype). An rdflib graph handed to the engine has lost the written form
already, so there such a literal is its rewritten, valid value (pySHACL would still flag it).

A second one: rdflib normalises the whitespace of an ``xsd:token`` / ``xsd:normalizedString``
lexical form but keeps the written form as the literal's Python *value*. The engine holds only
the normalised form (so equality, ``sh:pattern`` and lengths are rdflib's), hence ordering
comparisons (``sh:lessThan``, ``sh:minInclusive`` …) of such a value use the normalised string
where pySHACL uses the written one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from scholarkg.transform.emit import escape_literal

_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_SIMPLE_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'"}
_SIMPLE_ESCAPES["\\"] = "\\"


def _unescape_one(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _SIMPLE_ESCAPES.get(code, code)


def unescape(body: str) -> str:
    return _ESCAPE.sub(_unescape_one, body) if "\\" in body else body


def is_iri(term: str) -> bool:
    return term[0] == "<"


def is_literal(term: str) -> bool:
    return term[0] == '"'


def is_bnode(term: str) -> bool:
    return term[0] == "_"


def literal_parts(term: str) -> tuple[str, str | None, str | None]:
    """(lexical form, language, datatype IRI) of a literal term."""
    end = term.rfind('"')
    lexical = unescape(term[1:end])
    suffix = term[end + 1 :]
    if not suffix:
        return lexical, None, None
    if suffix[0] == "@":
        return lexical, suffix[1:], None
    return lexical, None, suffix[3:-1]


def text(term: str) -> str:
    """``str()`` of the rdflib term: the IRI, the blank node id or the lexical form."""
    first = term[0]
    if first == "<":
        return term[1:-1]
    if first == "_":
        return term[2:]
    if term[-1] == '"':  # a plain literal: its lexical form
        return unescape(term[1:-1])
    if term[-1] == ">" and not term.endswith(_STRING_SUFFIX):
        return _typed_text(term)  # rdflib may rewrite even an ill-typed lexical form ("TRUE")
    return literal_parts(term)[0]


_STRING_SUFFIX = '"^^<http://www.w3.org/2001/XMLSchema#string>'


@lru_cache(maxsize=8192)
def _typed_text(term: str) -> str:
    return str(to_rdflib(term))


def from_rdflib(node: Node) -> str:
    """The term string of an rdflib term."""
    if isinstance(node, Literal):
        body = '"' + escape_literal(str(node)) + '"'
        if node.language:
            return body + "@" + node.language.lower()
        if node.datatype is not None:
            return body + "^^<" + str(node.datatype) + ">"
        return body
    if isinstance(node, BNode):
        return "_:" + str(node)
    return "<" + str(node) + ">"


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
_CANONICAL_INTEGER = re.compile(r"(0|-?[1-9][0-9]*)\Z")
_ALREADY_CANONICAL = {
    "http://www.w3.org/2001/XMLSchema#integer": _CANONICAL_INTEGER.match,
    "http://www.w3.org/2001/XMLSchema#boolean": re.compile(r"(true|false)\Z").match,
    # valid or not, a date in this form is kept as written (an ill-typed one must stay so)
    "http://www.w3.org/2001/XMLSchema#date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z").match,
}
# a dateTime to the second, UTC written Z or as an offset: what rdflib makes of it, without rdflib
_PLAIN_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?\Z"
)


def canonical_datetime(lexical: str) -> str | None:
    """rdflib's canonical form of an ``xsd:dateTime`` to the second (``Z`` → ``+00:00``), or None
    when the lexical form is another or invalid (rdflib decides those)."""
    if not _PLAIN_DATETIME.match(lexical):
        return None
    try:
        return dt.datetime.fromisoformat(lexical).isoformat()
    except ValueError:
        return None


@lru_cache(maxsize=8192)  # repeated values (scores, years) hit; unique dates would only fill it
def _canonical_typed(term: str, lexical: str, datatype: str) -> str:
    literal = Literal(lexical, datatype=URIRef(datatype))
    if literal.ill_typed:  # keep what was written: it must stay ill-typed for sh:datatype
        return term
    return from_rdflib(literal)


def canonical(term: str) -> str:
    """The term as rdflib holds it after reading ``term`` (its canonical literal form)."""
    if term[0] != '"' or term[-1] == '"':
        return term
    lexical, lang, datatype = literal_parts(term)
    if lang is not None:
        return term if lang == lang.lower() else term[: term.rfind('"') + 1] + "@" + lang.lower()
    assert datatype is not None
    if datatype == XSD_STRING:
        return term
    fast = _ALREADY_CANONICAL.get(datatype)
    if fast is not None and fast(lexical):
        return term
    if datatype == XSD_DATETIME:
        known = canonical_datetime(lexical)
        if known is not None:
            return f'"{known}"^^<{XSD_DATETIME}>'
    return _canonical_typed(term, lexical, datatype)


def canonical_triples(triples: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The graph's triples as an rdflib graph holds them: literals canonical, no duplicates."""
    out: dict[tuple[str, str, str], None] = {}
    for s, p, o in triples:
        out[(s, p, canonical(o) if o[0] == '"' and o[-1] != '"' else o)] = None
    return list(out)


@lru_cache(maxsize=1024)
def to_rdflib(term: str) -> URIRef | BNode | Literal:
    """The rdflib term of a term string, where rdflib's own semantics decide. Its callers keep
    their own verdicts, so only a few terms (shapes' bounds, report vocabulary) are kept here:
    a large cache held ~65 000 rdflib literals per worker process, nearly never hit."""
    first = term[0]
    if first == "<":
        return URIRef(term[1:-1])
    if first == "_":
        return BNode(term[2:])
    lexical, lang, datatype = literal_parts(term)
    if lang is not None:
        return Literal(lexical, lang=lang)
    if datatype is not None:
        return Literal(lexical, datatype=URIRef(datatype))
    return Literal(lexical)


def rdflib_triples(graph: Graph) -> list[tuple[str, str, str]]:
    """An rdflib graph as term-string triples."""
    return [(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph]

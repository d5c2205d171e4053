"""N-Triples term strings: the bulk path's only term representation.

A term is the string N-Triples writes for it: ``<iri>``, ``_:id``, ``"lexical"``,
``"lexical"@lang`` or ``"lexical"^^<datatype>``. Equality of these strings is rdflib's term
equality (``"x"`` and ``"x"^^xsd:string`` differ, as they do in rdflib; language tags are kept in
lower case, as rdflib compares them).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import BNode, Literal, URIRef
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
    return literal_parts(term)[0]


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


@lru_cache(maxsize=65536)
def to_rdflib(term: str) -> URIRef | BNode | Literal:
    """The rdflib term of a term string (cached: used where rdflib's own semantics decide)."""
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

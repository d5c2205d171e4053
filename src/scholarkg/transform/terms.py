"""Small helpers shared by the transforms: typed literals and source IRIs."""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from scholarkg.transform.emit import datetime_lexical


def int_literal(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def date_literal(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def datetime_literal(value: dt.datetime) -> Literal:
    return Literal(datetime_lexical(value), datatype=XSD.dateTime)


def bool_literal(value: bool) -> Literal:
    return Literal(value, datatype=XSD.boolean)


def source_iri(source: str) -> URIRef:
    """IRI of a source location: URLs as they are, files as ``file:`` URIs.

    A URL as typed may hold characters an IRI cannot (a space, ``|``, ``"``: HTTP clients
    quote them when fetching); those are percent-encoded (:func:`iri_quoted`), a valid IRI is
    kept as it is."""
    if source.startswith(("http://", "https://", "file:")):
        return URIRef(iri_quoted(source))
    base = "" if source.startswith("/") else os.getcwd()  # a relative path follows the CWD
    return _file_iri(base, source)


@lru_cache(maxsize=1024)
def _file_iri(base: str, source: str) -> URIRef:
    """Resolving a path costs a system call per component: once per source, not per graph."""
    return URIRef(Path(base, source).resolve().as_uri())


# RFC 3987: what may stand unencoded in an IRI beside the reserved delimiters handled below.
_ASCII_KEPT = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/"
)
_SCHEME_AND_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?://[^/?#]*)?")
_HEX = frozenset("0123456789ABCDEFabcdef")


def _ucschar(code: int) -> bool:
    if code < 0x10000:
        return 0xA0 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF or 0xFDF0 <= code <= 0xFFEF
    if 0xE0000 <= code <= 0xE0FFF:
        return False
    return code <= 0xEFFFD and (code & 0xFFFF) <= 0xFFFD


def _iprivate(code: int) -> bool:
    return 0xE000 <= code <= 0xF8FF or (code >= 0xF0000 and (code & 0xFFFF) <= 0xFFFD)


def _encoded(char: str) -> str:
    return "".join(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass"))


def iri_quoted(location: str) -> str:
    """``location`` with every character an IRI may not hold where it stands percent-encoded
    (a space, ``<>"{}|\\^```, controls, a ``%`` not starting an escape, ``[`` ``]`` past the
    host, a second ``#``): a valid IRI comes back unchanged, letters of any script included,
    and an existing ``%XX`` is not encoded again."""
    head = _SCHEME_AND_AUTHORITY.match(location)
    start = head.end() if head else 0
    out = [_quoted_part(location[:start], authority=True)] if start else []
    out.append(_quoted_part(location[start:], authority=False))
    return "".join(out)


def _quoted_part(text: str, *, authority: bool) -> str:
    out: list[str] = []
    query = fragment = False
    for i, char in enumerate(text):
        code = ord(char)
        if char in _ASCII_KEPT:
            kept = True
        elif char == "%":
            kept = text[i + 1 : i + 2] in _HEX and text[i + 2 : i + 3] in _HEX
        elif char in "[]":
            kept = authority
        elif char == "?":
            kept, query = True, query or not fragment
        elif char == "#":
            kept, query, fragment = not fragment, False, True
        elif code < 0x80:
            kept = False
        else:
            kept = _ucschar(code) or (query and _iprivate(code))
        out.append(char if kept else _encoded(char))
    return "".join(out)

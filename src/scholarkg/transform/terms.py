"""Small helpers shared by the transforms: typed literals and source IRIs."""

from __future__ import annotations

import datetime as dt
import os
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
    """IRI of a source location: URLs as they are, files as ``file:`` URIs."""
    if source.startswith(("http://", "https://", "file:")):
        return URIRef(source)
    base = "" if source.startswith("/") else os.getcwd()  # a relative path follows the CWD
    return _file_iri(base, source)


@lru_cache(maxsize=1024)
def _file_iri(base: str, source: str) -> URIRef:
    """Resolving a path costs a system call per component: once per source, not per graph."""
    return URIRef(Path(base, source).resolve().as_uri())

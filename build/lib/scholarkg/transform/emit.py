"""One mapping, several outputs: transforms emit triples through an :class:`Emitter`.

The arXiv mapping (``transform/arxiv.py``) is written once against this interface. The same
calls build an rdflib :class:`~rdflib.Graph` (:class:`GraphEmitter`, used by the profile
pipeline and the tests) or N-Triples term strings (:class:`NTriplesEmitter`, the bulk path: no
rdflib objects on the hot path). Both produce the same RDF triples; ``tests/test_bulk_equivalence``
checks it record by record.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Generic, Protocol, TypeVar

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

T = TypeVar("T")

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
XSD_INTEGER = XSD_NS + "integer"
XSD_DATE = XSD_NS + "date"
XSD_DATETIME = XSD_NS + "dateTime"

# Characters that may not appear in an N-Triples IRIREF (unescaped).
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def datetime_lexical(value: dt.datetime) -> str:
    """``xsd:dateTime`` in its canonical lexical form (UTC written ``Z``, as stores write it
    back); a naive time is UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    text = value.isoformat()
    text, zone = (text[:-6], "Z") if text.endswith("+00:00") else (text[:-6], text[-6:])
    if "." in text:  # fractional seconds without trailing zeros
        text = text.rstrip("0").rstrip(".")
    return text + zone


def decimal_lexical(value: float, places: int = 4) -> str:
    """``xsd:decimal`` rounded to ``places``, in its canonical lexical form (``1``, ``0.85``),
    as stores write it back."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Emitter(Protocol[T]):
    """Where a mapping sends its terms and triples."""

    def vocab(self, iri: str) -> T:
        """A fixed vocabulary IRI (class, property, category): may be cached."""
        ...

    def iri(self, iri: str) -> T:
        """An instance IRI minted by :class:`scholarkg.iris.Minter` (always well formed)."""
        ...

    def external_iri(self, iri: str) -> T:
        """An IRI taken from source data (a licence URL): may not be writable as N-Triples."""
        ...

    def plain(self, text: str) -> T:
        """A simple literal (``xsd:string``)."""
        ...

    def typed(self, lexical: str, datatype: str) -> T:
        """A literal with a datatype IRI."""
        ...

    def add(self, subject: T, predicate: T, obj: T) -> None: ...


class GraphEmitter:
    """Emits into an rdflib graph."""

    def __init__(self, graph: Graph | None = None) -> None:
        self.graph = graph if graph is not None else Graph()
        self._vocab: dict[str, Identifier] = {}

    def vocab(self, iri: str) -> Identifier:
        term = self._vocab.get(iri)
        if term is None:
            term = self._vocab[iri] = URIRef(iri)
        return term

    def iri(self, iri: str) -> Identifier:
        return URIRef(iri)

    def external_iri(self, iri: str) -> Identifier:
        return URIRef(iri)

    def plain(self, text: str) -> Identifier:
        return Literal(text)

    def typed(self, lexical: str, datatype: str) -> Identifier:
        return Literal(lexical, datatype=URIRef(datatype))

    def add(self, subject: Identifier, predicate: Identifier, obj: Identifier) -> None:
        self.graph.add((subject, predicate, obj))


def escape_literal(text: str) -> str:
    """The body of an N-Triples string literal (quotes, backslashes and line breaks escaped)."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return text


class NTriplesEmitter:
    """Emits N-Triples term strings (``<iri>``, ``"lexical"^^<datatype>``) into a triple set.

    ``triples`` keeps the first-emission order and drops duplicates, as a graph would.
    ``unwritable`` names an IRI from the source that N-Triples cannot carry (the record cannot
    be written as it stands).
    """

    _VOCAB_LIMIT = 50_000

    def __init__(self) -> None:
        self.triples: dict[tuple[str, str, str], None] = {}
        self.unwritable: str | None = None
        self._vocab: dict[str, str] = {}

    def reset(self) -> None:
        """Start a new graph (the vocabulary cache is kept)."""
        self.triples = {}
        self.unwritable = None

    def vocab(self, iri: str) -> str:
        term = self._vocab.get(iri)
        if term is None:
            if len(self._vocab) > self._VOCAB_LIMIT:
                self._vocab.clear()
            term = self.external_iri(iri)
            if self.unwritable is None:
                self._vocab[iri] = term
        return term

    def iri(self, iri: str) -> str:
        return f"<{iri}>"  # an f-string, not "+": URIRef.__radd__ would make a URIRef

    def external_iri(self, iri: str) -> str:
        if _BAD_IRI.search(iri):
            self.unwritable = str(iri)
        return f"<{iri}>"

    def plain(self, text: str) -> str:
        return '"' + escape_literal(text) + '"'

    def typed(self, lexical: str, datatype: str) -> str:
        return '"' + escape_literal(lexical) + '"^^<' + datatype + ">"

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.triples[(subject, predicate, obj)] = None


class Terms(Generic[T]):
    """Typed-literal helpers over any emitter (same lexical forms as ``transform.terms``)."""

    def __init__(self, out: Emitter[T]) -> None:
        self.out = out

    def integer(self, value: int) -> T:
        return self.out.typed(str(value), XSD_INTEGER)

    def date(self, value: dt.date) -> T:
        return self.out.typed(value.isoformat(), XSD_DATE)

    def datetime(self, value: dt.datetime) -> T:
        return self.out.typed(datetime_lexical(value), XSD_DATETIME)

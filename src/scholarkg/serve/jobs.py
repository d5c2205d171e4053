"""The jobs a query worker answers, and how it shapes a query's result into its answer:
bytes in the format asked for, or terms for the server's pages, both held to the result size
limit as they are produced: serialization streams into a :class:`BoundedSink`, which stops it
(and the reading of the result) as soon as the limit is passed, so a result far over the limit
is never built whole (:mod:`scholarkg.serve.worker_process` runs them)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from scholarkg.iris import DEFAULT_BASE
from scholarkg.jsonld import write_compact
from scholarkg.serve.xml_output import (
    RDF_XML_INSTEAD,
    RESULTS_XML_INSTEAD,
    NotXmlError,
    XmlGuard,
    xml_named,
)

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = tuple[Term | None, ...]
Item = TypeVar("Item", ox.Triple, Row)
TERMS = "terms"  # ask for Python terms instead of serialized bytes


@dataclass(frozen=True)
class QueryJob:
    """One query: the dataset to run it over and the wanted result formats (media types for
    bytes, or :data:`TERMS`); a format left as None means the client accepts none."""

    sparql: str
    union: bool = True
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    results_format: str | None = TERMS
    graph_format: str | None = TERMS
    base: str = DEFAULT_BASE  # the instance IRI base JSON-LD compacts ``id:`` against
    max_rows: int | None = None  # terms only: read and send at most this many rows (triples)
    stream_rows: int | None = None  # terms only: send them in batches of this many as read


@dataclass(frozen=True)
class UpdateJob:
    """One SPARQL Update, applied in one transaction (all of it or nothing) and flushed."""

    sparql: str


@dataclass(frozen=True)
class SelectBatch:
    """Several trusted SELECT queries (pages) answered as rows in one round trip."""

    queries: tuple[str, ...]


@dataclass(frozen=True)
class QueryOutcome:
    """A finished query: ``form`` is solutions, boolean or triples."""

    form: str
    media_type: str | None = None
    body: bytes | None = None
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()


@dataclass(frozen=True)
class StreamHead:
    """The first answer to a streamed query (:attr:`QueryJob.stream_rows`): its form
    (solutions or triples) and variables; :class:`RowBatch` messages follow, then
    :class:`StreamEnd`, or a :class:`JobFailure` (a limit, the store failing) at any point."""

    form: str
    variables: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowBatch:
    """Up to ``stream_rows`` rows (or triples) of a streamed query, in the engine's order."""

    items: tuple[Row, ...] | tuple[ox.Triple, ...]


@dataclass(frozen=True)
class StreamEnd:
    """A streamed query's last message: every row was sent (``count`` of them)."""

    count: int


@dataclass(frozen=True)
class JobFailure:
    """A query the worker could not answer: ``kind`` is syntax, store, not-acceptable,
    unrepresentable (no form in the format asked for), size, memory, unavailable (a SPARQL
    server that cannot be reached) or upstream (a SPARQL server that failed to answer).
    ``detail``: the engine's or the store's own words after its error's type, for the
    server's log only (they may quote what a SERVICE endpoint or the SPARQL server answered);
    ``said``: those words alone, for ``scholarkg query``'s line."""

    kind: str
    message: str
    detail: str = ""
    said: str = ""


RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
RDF_XML = "application/rdf+xml"
XML_RESULTS = "application/sparql-results+xml"
JSON_LD = "application/ld+json"  # compacted with the project's context (scholarkg.jsonld)
NO_TRIPLE_TERMS = (
    "JSON-LD cannot carry RDF 1.2 triple terms, which this result holds; "
    "ask for Turtle, N-Triples or RDF/XML"
)
OUT_OF_MEMORY = JobFailure("memory", "the query ran out of memory")


class _TooLarge(Exception):
    """The terms collected so far are already past the result size limit."""


class BoundedSink(io.BytesIO):
    """A binary write target that keeps what is written while it stays within ``max_bytes``:
    the write that passes the limit raises :class:`_TooLarge` (as does any write after it) and
    is not kept, so at most ``max_bytes`` are ever held, and the serializer writing here stops
    at once (Oxigraph's serializers write 8 KiB chunks as they read the result)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.size = 0  # bytes offered so far, the refused chunk included
        self.over = False

    def write(self, data: ReadableBuffer, /) -> int:
        if self.over:
            raise _TooLarge
        self.size += memoryview(data).nbytes
        if self.size > self.max_bytes:
            self.over = True
            self.seek(0)
            self.truncate()
            raise _TooLarge
        return super().write(data)


def _serialized(
    write: Callable[[IO[bytes]], object], max_bytes: int, xml: tuple[str, str] | None = None
) -> bytes:
    """What ``write`` writes into a :class:`BoundedSink`; :class:`_TooLarge` once past
    ``max_bytes`` (however the serializer passes the sink's refusal on). For an ``xml``
    format (its name, what to ask for instead) it writes through an :class:`XmlGuard`:
    :class:`NotXmlError` for a character XML cannot carry."""
    sink = BoundedSink(max_bytes)
    guard = XmlGuard(sink, *xml) if xml is not None else None
    target = guard.target() if guard is not None else sink
    try:
        write(target)
    except Exception:
        if sink.over:
            raise _TooLarge from None
        if guard is not None and guard.refused is not None:
            raise guard.refused from None
        raise
    if sink.over:  # a serializer that swallowed the refusal
        raise _TooLarge
    if guard is not None and guard.refused is not None:
        raise guard.refused
    return sink.getvalue()


class _TripleTerm(Exception):
    """A triple term, which JSON-LD cannot carry, came up in the result."""


def _no_triple_terms(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    for triple in triples:
        if isinstance(triple.object, ox.Triple):
            raise _TripleTerm
        yield triple


def too_large(max_bytes: int) -> JobFailure:
    return JobFailure("size", f"result larger than the limit of {max_bytes} bytes; add LIMIT")


def _weight(item: Term | Row | None) -> int:
    """At most the bytes ``item`` takes pickled: its text (one byte when unbound)."""
    if item is None:
        return 1
    if isinstance(item, tuple):
        return sum(_weight(term) for term in item)
    if isinstance(item, ox.Triple):
        return _weight((item.subject, item.predicate, item.object))
    return len(item.value)


def _bounded(
    items: Iterable[Item], max_bytes: int, max_items: int | None = None
) -> tuple[Item, ...]:
    """``items`` collected, stopping with :class:`_TooLarge` as soon as they weigh more than
    ``max_bytes`` (the worker measures exactly what it sends: ``worker_replies.send``), and
    after ``max_items`` of them (the rest is never read from the engine)."""
    collected, weight = [], 0
    for item in items if max_items is None else islice(items, max_items):
        weight += _weight(item)
        if weight > max_bytes:
            raise _TooLarge
        collected.append(item)
    return tuple(collected)


def _graph(result: ox.QueryTriples, job: QueryJob, max_bytes: int) -> QueryOutcome | JobFailure:
    fmt = job.graph_format
    if fmt is None:
        return JobFailure("not-acceptable", "graph")
    if fmt == TERMS:
        return QueryOutcome("triples", triples=_bounded(result, max_bytes, job.max_rows))
    if fmt == JSON_LD:
        # Compaction groups by subject, so it sorts: the triples are gathered first, held to
        # the limit by their text (as the terms of a page), then written bounded too.
        try:
            triples = sorted(
                _bounded(_no_triple_terms(result), max_bytes),
                key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
            )
        except _TripleTerm:
            return JobFailure("unrepresentable", NO_TRIPLE_TERMS)
        body = _serialized(lambda sink: write_compact(triples, sink, job.base), max_bytes)
    elif fmt == RDF_XML:
        try:
            body = _serialized(
                lambda sink: ox.serialize(xml_named(result), sink, ox.RdfFormat.RDF_XML),
                max_bytes,
                ("RDF/XML", RDF_XML_INSTEAD),
            )
        except NotXmlError as exc:
            return JobFailure("unrepresentable", str(exc))
    else:
        rdf_format = GRAPH_FORMATS[fmt]
        body = _serialized(lambda sink: ox.serialize(result, sink, rdf_format), max_bytes)
    return QueryOutcome("triples", fmt, body)


def shape(result: Any, job: QueryJob, max_bytes: int) -> QueryOutcome | JobFailure:
    """A query's result read and shaped as ``job`` asks: serialized in the wanted format, or
    as terms (for pages), either held to ``max_bytes``."""
    if isinstance(result, ox.QueryTriples):
        try:
            return _graph(result, job, max_bytes)
        except _TooLarge:
            return too_large(max_bytes)
    fmt = job.results_format
    if fmt is None:
        return JobFailure("not-acceptable", "results")
    if isinstance(result, ox.QueryBoolean):
        if fmt == TERMS:
            return QueryOutcome("boolean", boolean=bool(result))
        body = result.serialize(format=RESULT_FORMATS[fmt]) or b""  # a few bytes
        return QueryOutcome("boolean", fmt, body, boolean=bool(result))
    variables = tuple(v.value for v in result.variables)
    if fmt == TERMS:
        try:
            solutions = (tuple(s[v] for v in variables) for s in result)
            rows = _bounded(solutions, max_bytes, job.max_rows)
        except _TooLarge:
            return too_large(max_bytes)
        return QueryOutcome("solutions", variables=variables, rows=rows)
    results_format = RESULT_FORMATS[fmt]
    xml = ("SPARQL XML results", RESULTS_XML_INSTEAD) if fmt == XML_RESULTS else None
    try:
        body = _serialized(lambda sink: result.serialize(sink, results_format), max_bytes, xml)
    except _TooLarge:
        return too_large(max_bytes)
    except NotXmlError as exc:
        return JobFailure("unrepresentable", str(exc))
    return QueryOutcome("solutions", fmt, body, variables)

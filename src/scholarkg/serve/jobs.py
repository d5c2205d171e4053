"""The jobs a query worker answers, and how it shapes a query's result into its answer:
bytes in the format asked for, or terms for the server's pages, both held to the result size
limit (:mod:`scholarkg.serve.worker_process` runs them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import pyoxigraph as ox

from scholarkg.iris import DEFAULT_BASE
from scholarkg.jsonld import compact_bytes

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
class JobFailure:
    """A query the worker could not answer: ``kind`` is syntax, store, not-acceptable,
    unrepresentable (no form in the format asked for), size or memory."""

    kind: str
    message: str


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
JSON_LD = "application/ld+json"  # compacted with the project's context (scholarkg.jsonld)
NO_TRIPLE_TERMS = (
    "JSON-LD cannot carry RDF 1.2 triple terms, which this result holds; "
    "ask for Turtle, N-Triples or RDF/XML"
)
OUT_OF_MEMORY = JobFailure("memory", "the query ran out of memory")


class _TooLarge(Exception):
    """The terms collected so far are already past the result size limit."""


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


def _bounded(items: Iterable[Item], max_bytes: int) -> tuple[Item, ...]:
    """``items`` collected, stopping with :class:`_TooLarge` as soon as they weigh more than
    ``max_bytes`` (the worker measures exactly what it sends: ``worker_process.send``)."""
    collected, weight = [], 0
    for item in items:
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
        return QueryOutcome("triples", triples=_bounded(result, max_bytes))
    if fmt == JSON_LD:
        triples = tuple(result)
        if any(isinstance(t.object, ox.Triple) for t in triples):
            return JobFailure("unrepresentable", NO_TRIPLE_TERMS)
        body = compact_bytes(triples, job.base)
    else:
        body = ox.serialize(result, format=GRAPH_FORMATS[fmt]) or b""
    if len(body) > max_bytes:
        return too_large(max_bytes)
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
        body = result.serialize(format=RESULT_FORMATS[fmt]) or b""
        return QueryOutcome("boolean", fmt, body, boolean=bool(result))
    variables = tuple(v.value for v in result.variables)
    if fmt == TERMS:
        try:
            rows = _bounded((tuple(s[v] for v in variables) for s in result), max_bytes)
        except _TooLarge:
            return too_large(max_bytes)
        return QueryOutcome("solutions", variables=variables, rows=rows)
    body = result.serialize(format=RESULT_FORMATS[fmt]) or b""
    if len(body) > max_bytes:
        return too_large(max_bytes)
    return QueryOutcome("solutions", fmt, body, variables)

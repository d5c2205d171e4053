"""The query worker: a child process that opens the store read-only and answers jobs (or, for
SPARQL Update, the one process that holds the store read-write).

It runs with a data-segment limit (``RLIMIT_DATA``), so a query that allocates without bound
makes the allocator fail inside the engine and the process stop, never the server. Its stderr
goes to a file the parent reads to explain a crash.
"""

from __future__ import annotations

import os
import resource
import sys
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from scholarkg.errors import ScholarKGError
from scholarkg.store import served

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = tuple[Term | None, ...]
TERMS = "terms"  # ask for Python terms instead of serialized bytes


@dataclass(frozen=True)
class StoreSpec:
    """How a worker opens the store: an on-disk Oxigraph store or a remote SPARQL endpoint."""

    kind: str  # "oxigraph" | "sparql"
    location: str  # the store directory or the query URL
    server: str = "oxigraph"  # for "sparql": the server kind
    credentials: tuple[str | None, str | None] = field(default=(None, None), repr=False)
    writable: bool = False  # the update worker: the only process that opens the store to write

    def open(self) -> tuple[Any, served.Lease | None]:
        """The open store, and the hold on the checkpoint a reader of an embedded store opened
        (kept as long as the store is open; None: the store itself, or a SPARQL endpoint)."""
        if self.kind == "oxigraph":
            if self.writable:
                return ox.Store(self.location), None
            held = served.lease(Path(self.location))
            if held is None:  # no checkpoint yet (a store no run of this version wrote)
                return ox.Store.read_only(self.location), None
            return ox.Store.read_only(str(held.checkpoint)), held
        from scholarkg.store.factory import open_store

        user, password = self.credentials
        store = open_store(
            "sparql",
            query_url=self.location,
            server=self.server,
            user=user,
            password=password,
            read_only=True,
        )
        return store, None


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
    """A query the worker could not answer: ``kind`` is syntax, store, not-acceptable, size or
    memory."""

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
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}


def _apply_limits(memory_limit_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_limit_mb > 0:
        limit = memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _dataset_kwargs(job: QueryJob) -> dict[str, Any]:
    """As the SPARQL 1.1 Protocol says: given either parameter, the dataset is exactly the
    default graphs and named graphs given (none of a kind left out)."""
    if job.default_graphs is None and job.named_graphs is None:
        return {"use_default_graph_as_union": job.union}
    return {
        "default_graph": [ox.NamedNode(g) for g in job.default_graphs or ()],
        "named_graphs": [ox.NamedNode(g) for g in job.named_graphs or ()],
    }


def _query(store: Any, job: QueryJob) -> Any:
    if isinstance(store, ox.Store):
        return store.query(job.sparql, **_dataset_kwargs(job))
    return store.query(  # a SPARQL server: the dataset goes on as protocol parameters
        job.sparql,
        union=job.union,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs,
    )


def _check_size(body: bytes, max_bytes: int) -> QueryOutcome | JobFailure | None:
    if len(body) > max_bytes:
        return JobFailure("size", f"result larger than the limit of {max_bytes} bytes; add LIMIT")
    return None


def run_job(store: Any, job: QueryJob, max_bytes: int) -> QueryOutcome | JobFailure:
    """Run one query job against an open store."""
    try:
        result = _query(store, job)
    except SyntaxError as exc:
        return JobFailure("syntax", str(exc))
    except Exception as exc:
        # The engine's text may quote what a SERVICE endpoint answered: it goes to the
        # worker's log, never to the client.
        print(f"query failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return JobFailure("store", f"the query could not be evaluated ({type(exc).__name__})")
    if isinstance(result, ox.QueryBoolean):
        fmt = job.results_format
        if fmt is None:
            return JobFailure("not-acceptable", "results")
        if fmt == TERMS:
            return QueryOutcome("boolean", boolean=bool(result))
        body = result.serialize(format=RESULT_FORMATS[fmt]) or b""
        return QueryOutcome("boolean", fmt, body, boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        fmt = job.graph_format
        if fmt is None:
            return JobFailure("not-acceptable", "graph")
        if fmt == TERMS:
            return QueryOutcome("triples", triples=tuple(result))
        body = ox.serialize(result, format=GRAPH_FORMATS[fmt]) or b""
        return _check_size(body, max_bytes) or QueryOutcome("triples", fmt, body)
    fmt = job.results_format
    variables = tuple(v.value for v in result.variables)
    if fmt is None:
        return JobFailure("not-acceptable", "results")
    if fmt == TERMS:
        rows = tuple(tuple(solution[v] for v in variables) for solution in result)
        return QueryOutcome("solutions", variables=variables, rows=rows)
    body = result.serialize(format=RESULT_FORMATS[fmt]) or b""
    return _check_size(body, max_bytes) or QueryOutcome("solutions", fmt, body, variables)


def run_update(store: Any, job: UpdateJob, spec: StoreSpec) -> str | JobFailure:
    """Apply one update to a store opened read-write; ``"done"`` once it is on disk and, for an
    embedded store, checkpointed for the query workers."""
    try:
        store.update(job.sparql)
        store.flush()
    except SyntaxError as exc:
        return JobFailure("syntax", f"SPARQL update failed: {exc}")
    except Exception as exc:
        print(f"update failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return JobFailure("store", f"the update could not be applied ({type(exc).__name__})")
    if spec.kind == "oxigraph":
        try:
            served.take(store, Path(spec.location))
        except ScholarKGError as exc:
            return JobFailure("store", f"the update was applied but not checkpointed: {exc}")
    return "done"


def run_batch(store: Any, batch: SelectBatch) -> tuple[QueryOutcome, ...] | JobFailure:
    outcomes = []
    for sparql in batch.queries:
        outcome = run_job(store, QueryJob(sparql), 1 << 62)
        if isinstance(outcome, JobFailure):
            return outcome
        outcomes.append(outcome)
    return tuple(outcomes)


def worker_main(
    conn: Connection, spec: StoreSpec, memory_limit_mb: int, max_bytes: int, stderr_path: str
) -> None:
    """Entry point of a worker process: open the store, then answer jobs until EOF."""
    with open(stderr_path, "wb", buffering=0) as err:
        os.dup2(err.fileno(), 2)
    _apply_limits(memory_limit_mb)
    try:
        store, _held = spec.open()  # the checkpoint's lease lives as long as this process
        if spec.writable:  # the query workers read this, never the store; and an update
            served.take(store, Path(spec.location))  # cut short before its checkpoint is in
    except Exception as exc:  # reported to the parent, which refuses to start
        conn.send(JobFailure("store", f"cannot open {spec.location}: {exc}"))
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if isinstance(job, SelectBatch):
                conn.send(run_batch(store, job))
            elif isinstance(job, UpdateJob):
                conn.send(run_update(store, job, spec))
            else:
                conn.send(run_job(store, job, max_bytes))
        except MemoryError:
            conn.send(JobFailure("memory", "the query ran out of memory"))

"""The query worker: a child process that opens the store read-only and answers jobs (or, for
SPARQL Update, the one process that holds the store read-write).

It runs with a data-segment limit (``RLIMIT_DATA``), so a query that allocates without bound
makes the allocator fail inside the engine and the process stop, never the server. Its stderr
goes to a file the parent reads to explain a crash.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from scholarkg.errors import LoadError, QueryError, ScholarKGError
from scholarkg.lifecycle import die_with_parent
from scholarkg.serve.jobs import (
    OUT_OF_MEMORY,
    JobFailure,
    QueryJob,
    QueryOutcome,
    RowBatch,
    SelectBatch,
    StreamEnd,
    StreamHead,
    UpdateJob,
    shape,
    too_large,
)
from scholarkg.store import served
from scholarkg.store.reading import open_read_only

if TYPE_CHECKING:
    from scholarkg.config import StoreConfig


@dataclass(frozen=True)
class StoreSpec:
    """How a worker opens the store: an on-disk Oxigraph store or a remote SPARQL endpoint."""

    kind: str  # "oxigraph" | "sparql"
    location: str  # the store directory or the query URL
    server: str = "oxigraph"  # for "sparql": the server kind
    credentials: tuple[str | None, str | None] = field(default=(None, None), repr=False)
    writable: bool = False  # the update worker: the only process that opens the store to write
    # for "sparql", the [store] connect, read and whole-request timeouts and the answer cap
    # (None: the store's defaults)
    timeouts: tuple[float, float, float] | None = None
    max_answer_bytes: int | None = None

    @classmethod
    def of_config(cls, config: StoreConfig) -> StoreSpec:
        """The spec of the ``[store]`` section: every setting that bears on reading reaches the
        worker (a SPARQL server's timeouts and answer cap, not the defaults)."""
        if config.kind == "oxigraph":
            return cls("oxigraph", str(config.path))
        if config.kind != "sparql" or config.query_url is None:
            raise QueryError(
                f"[store] kind {config.kind!r}: queries can only be served from an Oxigraph "
                "store or a SPARQL endpoint (kind sparql with a query_url)"
            )
        user, password = (
            None if s is None else s.get_secret_value() for s in (config.user, config.password)
        )
        return cls(
            "sparql",
            config.query_url,
            config.server,
            (user, password),
            timeouts=(config.connect_timeout, config.read_timeout, config.request_deadline),
            max_answer_bytes=config.max_answer_bytes,
        )

    def open(self) -> tuple[Any, served.Lease | None]:
        """The open store, and the hold on the checkpoint a reader of an embedded store opened
        (kept as long as the store is open; None: the store itself, or a SPARQL endpoint)."""
        if self.kind == "oxigraph":
            if self.writable:
                return ox.Store(self.location), None
            held = served.lease(Path(self.location))
            if held is None:  # no checkpoint yet (a store no run of this version wrote)
                return open_read_only(Path(self.location)), None
            try:
                return open_read_only(held.checkpoint), held
            except BaseException:
                held.release()
                raise
        from scholarkg.store.factory import open_store

        user, password = self.credentials
        store = open_store(
            "sparql",
            query_url=self.location,
            server=self.server,
            user=user,
            password=password,
            read_only=True,
            timeouts=self.timeouts,
            max_answer_bytes=self.max_answer_bytes,
        )
        return store, None


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


_DETAIL_CHARS = 2000  # of an error's text kept for the server's log


def _evaluation_failure(exc: Exception, store: Any = None) -> JobFailure:
    # The engine's text may quote what a SERVICE endpoint answered: it goes to the worker's
    # and the server's log, never to the client.
    detail = f"{type(exc).__name__}: {exc}"[:_DETAIL_CHARS]
    print(f"query failed: {detail}", file=sys.stderr, flush=True)
    return _store_failure(exc, store, f"the query could not be evaluated ({type(exc).__name__})")


def _store_failure(exc: Exception, store: Any, message: str) -> JobFailure:
    """The failure of a job ``store`` raised ``exc`` for: a SPARQL server that cannot be
    reached is kind unavailable (retrying makes sense), one that failed to answer (an error
    status, too slow, an answer that cannot be read) kind upstream; anything else, such as the
    embedded engine's own error, kind store."""
    detail = f"{type(exc).__name__}: {exc}"[:_DETAIL_CHARS]
    if store is None or isinstance(store, ox.Store):
        return JobFailure("store", message, detail)
    if store_unreachable(exc):
        return JobFailure("unavailable", "it cannot be reached", detail)
    return JobFailure("upstream", message, detail)


def store_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` comes of a connection to the store that could not be made (refused, no
    route, a name that does not resolve, a connect timeout): never of an answer the store
    began, nor of one cut off at a deadline (those are the store failing to answer)."""
    import requests
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    seen: BaseException | None = exc
    for _ in range(10):  # an exception's chain of causes, never a cycle for ever
        if seen is None:
            return False
        if isinstance(seen, requests.ConnectTimeout | NewConnectionError):
            return True
        if isinstance(seen, requests.ConnectionError):
            said = seen.args[0] if seen.args else None
            reason = said.reason if isinstance(said, MaxRetryError) else said
            return isinstance(reason, NewConnectionError)
        seen = seen.__cause__ or seen.__context__
    return False


def run_job(store: Any, job: QueryJob, max_bytes: int) -> QueryOutcome | JobFailure:
    """Run one query job against an open store. An error while the result is evaluated, read
    or serialized is a failure of kind store (a SERVICE endpoint may fail mid-stream); only
    the query text's own syntax error is kind syntax. MemoryError goes up to the worker loop."""
    try:
        result = _query(store, job)
    except SyntaxError as exc:
        return JobFailure("syntax", str(exc))
    except MemoryError:
        raise
    except Exception as exc:
        return _evaluation_failure(exc, store)
    try:
        return shape(result, job, max_bytes)
    except MemoryError:
        raise
    except Exception as exc:
        return _evaluation_failure(exc, store)


def run_update(store: Any, job: UpdateJob, spec: StoreSpec) -> str | JobFailure:
    """Apply one update to a store opened read-write; ``"done"`` once it is on disk and, for an
    embedded store, checkpointed for the query workers."""
    try:
        store.update(job.sparql)
        store.flush()
    except SyntaxError as exc:
        return JobFailure("syntax", f"SPARQL update failed: {exc}")
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}"[:_DETAIL_CHARS]
        print(f"update failed: {detail}", file=sys.stderr, flush=True)
        name = type(exc).__name__
        return _store_failure(exc, store, f"the update could not be applied ({name})")
    if spec.kind == "oxigraph":
        try:
            served.take(store, Path(spec.location))
        except ScholarKGError as exc:
            return JobFailure("store", f"the update was applied but not checkpointed: {exc}")
    return "done"


def run_batch(store: Any, batch: SelectBatch) -> tuple[QueryOutcome, ...] | JobFailure:
    """The server's own SELECT queries (its pages), each answer with the variables it asks, in
    the order it asks them (:func:`as_asked`: a SPARQL server's answer is checked)."""
    outcomes = []
    for sparql in batch.queries:
        outcome = run_job(store, QueryJob(sparql), 1 << 62)
        if not isinstance(outcome, JobFailure) and not isinstance(store, ox.Store):
            outcome = as_asked(sparql, outcome, getattr(store, "query_url", "the store"))
        if isinstance(outcome, JobFailure):
            return outcome
        outcomes.append(outcome)
    return tuple(outcomes)


_EMPTY: list[ox.Store] = []  # an empty in-memory store: what a query projects, read off it


def as_asked(sparql: str, outcome: QueryOutcome, where: str) -> QueryOutcome | JobFailure:
    """A SPARQL server's ``outcome`` of SELECT ``sparql`` with its columns in the order the
    query projects them (pages read some by position); answered with other variables (or
    not as solutions), a failure: the pages read them by name."""
    if not _EMPTY:
        _EMPTY.append(ox.Store())
    projected = _EMPTY[0].query(sparql)
    if not isinstance(projected, ox.QuerySolutions):
        return outcome  # the pages batch SELECT queries only
    asked = tuple(v.value for v in projected.variables)
    got = outcome.variables
    if outcome.form == "solutions" and got == asked:
        return outcome
    if outcome.form != "solutions" or sorted(got) != sorted(asked):
        said = " ".join(f"?{v}" for v in got) if outcome.form == "solutions" else outcome.form
        detail = f"{where} answered {said} to a query asking " + " ".join(f"?{v}" for v in asked)
        return JobFailure("upstream", "the store answered other variables than asked", detail)
    order = [got.index(v) for v in asked]
    rows = tuple(tuple(row[i] for i in order) for row in outcome.rows)
    return replace(outcome, variables=asked, rows=rows)


def _answer(store: Any, job: Any, spec: StoreSpec, max_bytes: int) -> Any:
    try:
        if isinstance(job, SelectBatch):
            return run_batch(store, job)
        if isinstance(job, UpdateJob):
            return run_update(store, job, spec)
        return run_job(store, job, max_bytes)
    except MemoryError:
        return OUT_OF_MEMORY
    except Exception as exc:  # nothing a job raises ends the worker
        return _evaluation_failure(exc, store)


def send(conn: Connection, answer: Any, max_bytes: int | None) -> None:
    """Send ``answer``, pickled here to know its size: a query's terms (for a page) that take
    more than ``max_bytes`` as sent are replaced by the size failure, so the parent never
    receives more than the result size limit."""
    try:
        payload = ForkingPickler.dumps(answer)
        terms = isinstance(answer, QueryOutcome) and answer.body is None
        if terms and max_bytes is not None and len(payload) > max_bytes:
            payload = ForkingPickler.dumps(too_large(max_bytes))
    except MemoryError:
        payload = ForkingPickler.dumps(OUT_OF_MEMORY)
    conn.send_bytes(payload)


def stream_job(conn: Connection, store: Any, job: QueryJob, max_bytes: int) -> None:
    """Answer a streamed query (:attr:`QueryJob.stream_rows`): a :class:`StreamHead`, then
    its rows (or triples) in :class:`RowBatch` messages of ``stream_rows`` as the engine reads
    them, then :class:`StreamEnd`; the process never holds more than one batch. The bytes sent
    are counted: once they pass ``max_bytes`` the size failure is sent instead of the batch
    and the result is read no further. A failure at any point (the store's, the memory limit)
    is the last message; an ASK answer is one :class:`QueryOutcome`."""
    try:
        result = _query(store, job)
    except SyntaxError as exc:
        send(conn, JobFailure("syntax", str(exc)), None)
        return
    except MemoryError:
        send(conn, OUT_OF_MEMORY, None)
        return
    except Exception as exc:
        send(conn, _evaluation_failure(exc, store), None)
        return
    if isinstance(result, ox.QueryBoolean):
        send(conn, shape(result, job, max_bytes), max_bytes)
        return
    size = batch_size = max(1, job.stream_rows or 1)
    try:
        if isinstance(result, ox.QueryTriples):
            head = StreamHead("triples")
            items: Iterator[Any] = iter(result)
        else:
            variables = tuple(v.value for v in result.variables)
            head = StreamHead("solutions", variables)
            items = (tuple(s[v] for v in variables) for s in result)
        if job.max_rows is not None:
            items = islice(items, job.max_rows)
        conn.send_bytes(ForkingPickler.dumps(head))
        sent = count = 0
        while size == batch_size:
            batch = tuple(islice(items, batch_size))
            size = len(batch)
            payload = ForkingPickler.dumps(RowBatch(batch) if batch else StreamEnd(count))
            sent += len(payload)
            if sent > max_bytes:
                send(conn, too_large(max_bytes), None)
                return
            conn.send_bytes(payload)
            count += size
        if batch:
            conn.send_bytes(ForkingPickler.dumps(StreamEnd(count)))
    except MemoryError:
        send(conn, OUT_OF_MEMORY, None)
    except (BrokenPipeError, ConnectionResetError):  # the parent closed the pipe: stopped
        return
    except Exception as exc:  # the store failing mid-answer: said after what was sent
        send(conn, _evaluation_failure(exc, store), None)


def _let_the_forkserver_end() -> None:
    """Close this worker's copy of the forkserver's "alive" pipe (multiprocessing hands every
    process it forks the write end, for processes that start their own): the forkserver ends
    when that pipe has no writer left, so with it held a worker running a long query kept its
    forkserver, and itself, alive after the server was killed (SIGKILL). A worker starts no
    process; without the copy the forkserver ends with the server and the kernel kills the
    worker (:func:`die_with_parent`)."""
    from multiprocessing import forkserver

    server = forkserver._forkserver
    alive = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(alive, int):
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None  # type: ignore[attr-defined]


def worker_main(
    conn: Connection, spec: StoreSpec, memory_limit_mb: int, max_bytes: int, stderr_path: str
) -> None:
    """Entry point of a worker process: open the store, then answer jobs until EOF. Signals to
    the server's process group (Ctrl-C, a supervisor's SIGTERM) are the server's to act on: it
    answers the running job and stops its workers itself; a worker whose server is gone (its
    forkserver exits with it) is killed by the kernel."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    die_with_parent(signal.SIGKILL)
    _let_the_forkserver_end()
    with open(stderr_path, "wb", buffering=0) as err:
        os.dup2(err.fileno(), 2)
    _apply_limits(memory_limit_mb)
    try:
        store, _held = spec.open()  # the checkpoint's lease lives as long as this process
        if spec.writable:  # the query workers read this, never the store; and an update
            served.take(store, Path(spec.location))  # cut short before its checkpoint is in
    except LoadError as exc:  # names the store already
        conn.send(JobFailure("store", str(exc)))
        return
    except Exception as exc:  # reported to the parent, which refuses to start
        conn.send(JobFailure("store", f"cannot open {spec.location}: {exc}"))
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if isinstance(job, QueryJob) and job.stream_rows:
            stream_job(conn, store, job, max_bytes)
            continue
        limit = max_bytes if isinstance(job, QueryJob) else None
        send(conn, _answer(store, job, spec, max_bytes), limit)

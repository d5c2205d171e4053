"""A pool of query worker processes with a time limit, a memory limit and crash recovery.

Every query runs in a worker (:mod:`scholarkg.serve.worker_process`), never in the caller's
process. A query past its time limit has its worker killed; a worker that dies (memory limit,
engine crash) is replaced; either way the caller gets a :class:`QueryLimitError` and the next
query is answered by a fresh worker. A query still running after :data:`DEPRIORITISE_AFTER`
seconds has its worker's CPU priority lowered and an extra worker is lent to the pool (up to
twice its size) until it ends, so cheap queries keep their latency beside a runaway. Closing
the pool (the server stopping) stops the running jobs' workers too: their callers, and any
caller still waiting for a worker, get a 503 at once instead of holding the server's shutdown
until the time limit.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Generator, Sequence
from dataclasses import replace
from typing import Any

from scholarkg.errors import QueryError, QueryLimitError
from scholarkg.serve.guard import QueryLimits, check_query
from scholarkg.serve.jobs import (
    JobFailure,
    QueryJob,
    QueryOutcome,
    RowBatch,
    SelectBatch,
    StreamEnd,
    StreamHead,
    UpdateJob,
)
from scholarkg.serve.middleware import loggable
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.worker_handle import WorkerHandle

log = logging.getLogger(__name__)
DEPRIORITISE_AFTER = 1.0
BUSY_RETRY_AFTER = 5  # seconds a client is told to wait when every worker was busy
STORE_DOWN_RETRY_AFTER = 5  # seconds a client is told to wait when the SPARQL server was down
_WAIT_SLICE = 0.25  # seconds between looks at whether the pool closed, waiting for a worker


class WorkerPool:
    """``size`` workers over one store; :meth:`run` blocks its calling thread until an answer."""

    def __init__(
        self, spec: StoreSpec, limits: QueryLimits, size: int = 2, *, lend: bool = True
    ) -> None:
        self.spec = spec
        self.lend = lend  # False for the update worker: one process may write
        self.limits = limits
        self.size = max(1, size)
        self.generation = 0
        self._idle: queue.Queue[WorkerHandle] = queue.Queue()
        self._running: set[WorkerHandle] = set()  # workers with a job, stopped on close
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0  # workers replaced after a limit or a crash (for logs and tests)
        self.answered = 0  # jobs sent to a worker and answered
        self._total = self.size  # live workers, extra ones lent while long queries run
        self._lending = 0  # long queries running that lent a worker: kept while they run
        self.open_failure: str | None = None  # why no worker could open the store, till one does
        for _ in range(self.size):
            self._idle.put(WorkerHandle(spec, limits, self.generation))

    def refresh(self) -> None:
        """Reopen the store in every worker (the store changed): idle workers are replaced now,
        in the background, so none keeps the old state (an embedded store's older checkpoint)
        open; running queries finish first, and their workers are replaced when they return."""
        with self._lock:
            self.generation += 1
        while not self._closed:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.stop()
            self._replace_later()

    def close(self) -> None:
        """Stop every worker, those running a job too (their callers get :meth:`_stopping`)."""
        self._closed = True
        with self._lock:
            running = list(self._running)
        for worker in running:
            worker.stop()
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.stop()

    def _stopping(self, job: QueryJob | SelectBatch | UpdateJob | None) -> QueryLimitError:
        """What a caller gets when the pool closed before or while its job ran."""
        if isinstance(job, UpdateJob):
            message = (
                "the server is stopping: the update was stopped (an update is applied whole "
                "or not at all: read the store to see which)"
            )
        else:
            message = "the server is stopping: the query was not answered"
        return QueryLimitError(message, status=503, retry_after=BUSY_RETRY_AFTER)

    def _release(self, worker: WorkerHandle, *, healthy: bool) -> None:
        if self._closed:
            worker.stop()
            return
        if not healthy:
            self.replaced += 1
        with self._lock:
            surplus = self._total > self.size + self._lending
            if surplus:
                self._total -= 1
        if surplus:  # the long query it was lent for has ended: back to the configured size
            worker.stop()
            return
        if healthy and worker.generation == self.generation and worker.restore_priority():
            self._idle.put(worker)
            return
        worker.stop()
        try:
            self._idle.put(self._spawn())
        except QueryError:
            self._replace_later()

    def _spawn(self) -> WorkerHandle:
        """A new worker; retried briefly (the store may be mid-compaction after a load)."""
        delay, failure = 0.05, None
        for _ in range(6):
            try:
                return WorkerHandle(self.spec, self.limits, self.generation)
            except QueryError as exc:
                failure = exc
                time.sleep(delay)
                delay *= 2
        assert failure is not None
        raise failure

    def _replace_later(self) -> None:
        """Keep trying to start a worker in the background, so the pool never shrinks."""

        def retry() -> None:
            while not self._closed:
                try:
                    worker = self._spawn()
                except QueryError as exc:
                    self._cannot_open(exc)
                    time.sleep(1.0)
                    continue
                if self.open_failure is not None:
                    self.open_failure = None
                    log.info("the store opened again: queries are answered")
                self._idle.put(worker)
                return

        threading.Thread(target=retry, name="scholarkg-worker-retry", daemon=True).start()

    def _cannot_open(self, exc: QueryError) -> None:
        """Note that a worker could not open the store (one log line until one can): callers
        waiting for a worker are told so at once (:meth:`_next_idle`), not at their limit."""
        if self.open_failure is None:
            log.warning(
                "the store cannot be opened for a query worker (retrying every second): %s",
                loggable(str(exc)),
            )
        self.open_failure = str(exc)

    def _lend(self) -> bool:
        """Start one extra worker (in the background) while a long query holds one; True when
        one is lent, kept until that query ends (:meth:`_end_lend`), however many other jobs it
        answers meanwhile."""
        with self._lock:
            if self._closed or not self.lend or self._total >= 2 * self.size:
                return False
            self._total += 1
            self._lending += 1

        def start() -> None:
            try:
                worker = self._spawn()
                if self._closed:
                    worker.stop()
                    return
                self._idle.put(worker)
            except QueryError:
                with self._lock:
                    self._total -= 1

        threading.Thread(target=start, name="scholarkg-extra-worker", daemon=True).start()
        return True

    def _end_lend(self) -> None:
        """The long query a worker was lent for has ended: an idle worker past the configured
        size is stopped now (one running a job is, when it returns: :meth:`_release`)."""
        with self._lock:
            self._lending -= 1
            if self._total <= self.size + self._lending:
                return
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            self._total -= 1
        worker.stop()

    def _acquire(self, wait: float, job: QueryJob | SelectBatch | UpdateJob) -> WorkerHandle:
        worker = self._next_idle(wait, job)
        if worker.generation != self.generation or not worker.process.is_alive():
            worker.stop()
            try:
                worker = self._spawn()
            except QueryError as exc:
                self._cannot_open(exc)
                self._replace_later()
                raise _unopened() from None
            self.open_failure = None
        return worker

    def _next_idle(self, wait: float, job: QueryJob | SelectBatch | UpdateJob) -> WorkerHandle:
        """An idle worker, waited for up to ``wait`` seconds in slices: a pool that closes
        meanwhile answers at once (:meth:`_stopping`)."""
        deadline = time.monotonic() + wait
        while not self._closed:
            try:
                slice_ = max(0.0, min(_WAIT_SLICE, deadline - time.monotonic()))
                return self._idle.get(timeout=slice_)
            except queue.Empty:
                if self.open_failure is not None:  # no worker comes while the store won't open
                    raise _unopened() from None
                if time.monotonic() >= deadline:
                    busy = "every query worker is" if self.lend else "the update worker is"
                    raise QueryLimitError(
                        f"{busy} busy; try again shortly",
                        status=503,
                        retry_after=BUSY_RETRY_AFTER,
                    ) from None
        raise self._stopping(job)

    def _exchange(self, job: QueryJob | SelectBatch | UpdateJob, time_limit: float) -> Any:
        worker = self._acquire(max(time_limit, 1.0), job)
        started = time.monotonic()
        lent = False
        with self._lock:
            self._running.add(worker)
        try:
            worker.conn.send(job)
            ready = worker.conn.poll(min(DEPRIORITISE_AFTER, time_limit))
            if not ready:
                worker.deprioritise()
                lent = self._lend()
                remaining = time_limit - (time.monotonic() - started)
                ready = remaining > 0 and worker.conn.poll(remaining)
            if not ready:
                self._release(worker, healthy=False)
                what = "update" if isinstance(job, UpdateJob) else "query"
                raise QueryLimitError(
                    f"{what} stopped: it ran longer than the time limit of {time_limit:g} s",
                    status=503,
                    limit="time",
                )
            answer = worker.conn.recv()
            self.answered += 1
        except (EOFError, OSError, BrokenPipeError):
            failure = self._stopping(job) if self._closed else worker.crash_error()
            self._release(worker, healthy=False)
            raise failure from None
        finally:
            with self._lock:
                self._running.discard(worker)
            if lent:
                self._end_lend()
        self._release(worker, healthy=True)
        return answer

    def run(self, job: QueryJob, *, time_limit: float | None = None) -> QueryOutcome:
        """Check ``job``'s text against the limits, run it, and return its outcome."""
        info = check_query(job.sparql, self.limits)
        if info.has_dataset and job.default_graphs is None and job.named_graphs is None:
            job = replace(job, union=False)  # the query's own FROM / FROM NAMED define its dataset
        answer = self._exchange(job, time_limit or self.limits.time_limit)
        if isinstance(answer, JobFailure):
            raise failure_error(answer)
        assert isinstance(answer, QueryOutcome)
        return answer

    def stream(
        self, job: QueryJob, *, time_limit: float | None = None
    ) -> Generator[StreamHead | RowBatch | QueryOutcome, None, None]:
        """Run ``job`` (its ``stream_rows`` set) and yield its answer as it comes: a
        :class:`StreamHead` and one :class:`RowBatch` at a time (an ASK answer: one
        :class:`QueryOutcome`), so the caller holds one batch at most. The time limit covers
        the whole stream, whether the worker keeps sending or the caller is slow to ask for the
        next batch (past it, no further batch is given; the answer's end still is); a limit or
        failure met midway is raised after the batches before it. A caller that stops early, or
        one stopped by the limit, has the worker replaced (it was still sending)."""
        info = check_query(job.sparql, self.limits)
        if info.has_dataset and job.default_graphs is None and job.named_graphs is None:
            job = replace(job, union=False)
        limit = time_limit or self.limits.time_limit
        worker = self._acquire(max(limit, 1.0), job)
        started, lent, slowed, healthy = time.monotonic(), False, False, False
        last: QueryOutcome | None = None
        with self._lock:
            self._running.add(worker)
        deadline = started + limit
        try:
            worker.conn.send(job)
            while True:
                now = time.monotonic()
                if not slowed and now - started >= DEPRIORITISE_AFTER:
                    worker.deprioritise()
                    lent, slowed = self._lend(), True
                until = deadline if slowed else min(started + DEPRIORITISE_AFTER, deadline)
                if not worker.conn.poll(max(0.0, until - now)):
                    if time.monotonic() >= deadline:
                        raise _over_time(limit)
                    continue
                message = worker.conn.recv()
                if isinstance(message, JobFailure | StreamEnd | QueryOutcome):
                    healthy = True
                    self.answered += 1
                    if isinstance(message, JobFailure):
                        raise failure_error(message)
                    last = message if isinstance(message, QueryOutcome) else None
                    break
                # Rows that keep coming, or a caller slow to ask for the next batch, never
                # leave the worker silent: the limit is looked at before each batch goes out.
                if time.monotonic() >= deadline:
                    raise _over_time(limit)
                yield message
        except (EOFError, OSError, BrokenPipeError):
            failure = self._stopping(job) if self._closed else worker.crash_error()
            raise failure from None
        finally:
            with self._lock:
                self._running.discard(worker)
            self._release(worker, healthy=healthy)
            if lent:
                self._end_lend()
        if last is not None:
            yield last

    def update(self, sparql: str, *, time_limit: float | None = None) -> None:
        """Apply one SPARQL Update in the pool's worker, which holds the store read-write. Past
        the time limit (or the memory limit) the worker is stopped: its transaction never
        commits, so the store keeps what it held before."""
        check_query(sparql, self.limits)
        answer = self._exchange(UpdateJob(sparql), time_limit or self.limits.time_limit)
        if isinstance(answer, JobFailure):
            raise failure_error(answer)

    def select_many(
        self, queries: Sequence[str], *, time_limit: float | None = None
    ) -> tuple[QueryOutcome, ...]:
        """Trusted SELECT queries (the server's own pages) in one worker round trip."""
        answer = self._exchange(SelectBatch(tuple(queries)), time_limit or self.limits.time_limit)
        if isinstance(answer, JobFailure):
            raise failure_error(answer)
        return tuple(answer)


class NotAcceptableError(QueryError):
    """The client accepts no format this kind of result comes in (``kind``: results | graph)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"no acceptable format for {kind} results")


def _over_time(limit: float) -> QueryLimitError:
    """What the caller of a streamed query gets once its stream passed the time limit."""
    return QueryLimitError(
        f"query stopped: it ran longer than the time limit of {limit:g} s",
        status=503,
        limit="time",
    )


def _unopened() -> QueryLimitError:
    """What a caller gets while no worker can open the store (moved, or being replaced)."""
    return QueryLimitError(
        "the store could not be opened for this query; try again shortly",
        status=503,
        retry_after=BUSY_RETRY_AFTER,
    )


def failure_error(failure: JobFailure) -> QueryError:
    """The error a failed job is raised as (its kind decides the class and status); the
    store's own words (``detail``) are one line of the server's log, never the client's."""
    if failure.detail:
        log.warning("the store could not answer: %s", loggable(failure.detail))
    if failure.kind == "not-acceptable":
        return NotAcceptableError(failure.message)
    if failure.kind == "syntax":
        return QueryError(failure.message)
    if failure.kind == "unrepresentable":  # the format asked for cannot carry this result
        return QueryLimitError(failure.message, status=406)
    if failure.kind == "size":
        return QueryLimitError(f"query stopped: {failure.message}", status=507)
    if failure.kind == "memory":  # the same limit as a worker the allocator stopped
        return QueryLimitError(f"query stopped: {failure.message}", status=503, limit="memory")
    said = f"the store could not answer: {failure.message}"
    if failure.kind == "unavailable":  # a SPARQL server down: worth asking again shortly
        return QueryLimitError(
            f"{said}; try again shortly", status=503, retry_after=STORE_DOWN_RETRY_AFTER
        )
    if failure.kind == "upstream":  # a SPARQL server's error, timeout or unreadable answer
        return QueryLimitError(said, status=502)
    return QueryLimitError(said, status=500)


def spec_for(store: object) -> StoreSpec:
    """The :class:`StoreSpec` of an open scholarkg store (embedded or remote SPARQL), or
    ``store`` itself when it is one (an embedded store given by its path, unopened)."""
    from scholarkg.store.embedded import EmbeddedStore
    from scholarkg.store.remote import SparqlStore

    if isinstance(store, StoreSpec):
        return store
    if isinstance(store, EmbeddedStore):
        return StoreSpec("oxigraph", str(store.path))
    if isinstance(store, SparqlStore):
        return StoreSpec(  # the store's own timeouts and answer cap, not the defaults
            "sparql",
            store.query_url,
            store.server,
            store.credentials,
            timeouts=store.timeouts,
            max_answer_bytes=store.max_answer_bytes,
        )
    raise QueryError(
        f"{type(store).__name__}: queries can only be served from an Oxigraph store "
        "or a SPARQL endpoint"
    )

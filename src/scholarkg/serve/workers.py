"""A pool of query worker processes with a time limit, a memory limit and crash recovery.

Every query runs in a worker (:mod:`scholarkg.serve.worker_process`), never in the caller's
process. A query past its time limit has its worker killed; a worker that dies (memory limit,
engine crash) is replaced; either way the caller gets a :class:`QueryLimitError` and the next
query is answered by a fresh worker. A query still running after :data:`DEPRIORITISE_AFTER`
seconds has its worker's CPU priority lowered and an extra worker is lent to the pool (up to
twice its size) until it ends, so cheap queries keep their latency beside a runaway; once
every worker holds one, a query that looks quick (:mod:`scholarkg.serve.quick`) takes one of
the ``quick`` reserve workers, under their short time limit. Closing
the pool (the server stopping) stops the running jobs' workers too: their callers, and any
caller still waiting for a worker, get a 503 at once instead of holding the server's shutdown
until the time limit. A query whose client has gone (:data:`CLIENT_GONE` set) is stopped the
same way within :data:`GONE_CHECK` seconds: no worker runs on for an answer nobody reads. The
server's own warm-up runs in a worker of its own (:meth:`WorkerPool.own_work`), outside the
clients' pool, so no client waits for a worker (nor is refused after ``queue_wait``) because
of it.
"""

from __future__ import annotations

import contextlib
import queue
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

from scholarkg.errors import QueryLimitError
from scholarkg.serve.guard import QueryInfo, check_query
from scholarkg.serve.job_errors import Gone, client_left, failure_error, over_time
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
from scholarkg.serve.quick import looks_quick
from scholarkg.serve.worker_handle import WorkerHandle
from scholarkg.serve.worker_supply import WorkerSupply

DEPRIORITISE_AFTER = 1.0
GONE_CHECK = 0.2
# True in the thread of the server's own warm-up (:meth:`WorkerPool.own_work`).
SERVER_OWN: ContextVar[bool] = ContextVar("server_own", default=False)
# Set (by the server's request handler, in the thread's context) once the client that asked for
# the query running in this thread has closed its connection.
CLIENT_GONE: ContextVar[Gone | None] = ContextVar("client_gone", default=None)


class WorkerPool(WorkerSupply):
    """``size`` workers over one store; :meth:`run` blocks its calling thread until an answer."""

    def _exchange(
        self, job: QueryJob | SelectBatch | UpdateJob, time_limit: float, *, quick: bool = False
    ) -> Any:
        """Send ``job`` to an idle worker and return its answer. A ``quick`` job may take a
        reserve worker (none of the pool's idle), under ``quick_limit``; stopped there, it
        waits for one of the pool's workers as any job does, under ``time_limit``."""
        gone = CLIENT_GONE.get()
        if SERVER_OWN.get():
            return self._answer(self._own_worker(), job, time_limit, None)
        worker = self._acquire(job, quick=quick, gone=gone)
        if worker.reserve:
            limit = min(time_limit, self.quick_limit)
            try:
                answer = self._answer(worker, job, limit, gone)
            except QueryLimitError as exc:
                if exc.limit != "time" or limit >= time_limit:
                    raise
                self.quick_too_slow += 1  # the text looked quick; the query was not
                worker = self._acquire(job, gone=gone)
            else:
                self.quick_answered += 1
                return answer
        return self._answer(worker, job, time_limit, gone)

    def _answer(
        self,
        worker: WorkerHandle,
        job: QueryJob | SelectBatch | UpdateJob,
        time_limit: float,
        gone: Gone | None,
    ) -> Any:
        """``job``'s answer from ``worker``, which is released (or stopped) after it. A job of
        the pool's running past :data:`DEPRIORITISE_AFTER` has a worker lent beside it."""
        if gone is not None and gone.is_set():
            self._release(worker, healthy=True)
            raise client_left()
        started = time.monotonic()
        lent = False
        with self._lock:
            self._running.add(worker)
            closed = self._closed  # closed before it was added: close() did not stop it
        try:
            if closed:
                raise EOFError
            worker.conn.send(job)
            first = time_limit if worker.reserve else min(DEPRIORITISE_AFTER, time_limit)
            ready = _answered(worker.conn, first, gone)
            if not ready and not worker.reserve and not (gone is not None and gone.is_set()):
                worker.deprioritise()
                lent = not worker.own and self._lend()
                remaining = time_limit - (time.monotonic() - started)
                ready = remaining > 0 and _answered(worker.conn, remaining, gone)
            if not ready and gone is not None and gone.is_set():
                self._release(worker, healthy=False, lent=lent)  # killed: it was still working
                lent = False
                raise client_left()
            if not ready:
                self._release(worker, healthy=False, lent=lent)
                lent = False
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
            self._release(worker, healthy=False, lent=lent)
            raise failure from None
        except BaseException:
            if lent:  # an unforeseen failure: the worker lent beside this job goes
                self._end_lend()
            raise
        finally:
            with self._lock:
                self._running.discard(worker)
        self._release(worker, healthy=True, lent=lent)
        return answer

    @contextlib.contextmanager
    def own_work(self) -> Iterator[None]:
        """Run the block's jobs (the server's own warm-up, in this thread) in a worker outside
        the clients' pool, started for it and stopped after it: clients never wait for a
        worker, nor are refused after ``queue_wait``, because of the warm-up."""
        token = SERVER_OWN.set(True)
        try:
            yield
        finally:
            SERVER_OWN.reset(token)
            while True:
                try:
                    worker = self._own_idle.get_nowait()
                except queue.Empty:
                    break
                worker.stop()

    def _own_worker(self) -> WorkerHandle:
        """An idle worker of the server's own, or a new one; a pool closed answers 503."""
        if self._closed:
            raise self._stopping(None)
        try:
            worker = self._own_idle.get_nowait()
        except queue.Empty:
            worker = self._spawn()
            worker.own = True
            return worker
        if worker.generation != self.generation or not worker.process.is_alive():
            worker.stop()
            return self._own_worker()
        return worker

    def run(
        self, job: QueryJob, *, time_limit: float | None = None, checked: QueryInfo | None = None
    ) -> QueryOutcome:
        """Check ``job``'s text against the limits (unless the caller did: ``checked``, what
        :func:`check_query` found), run it, and return its outcome."""
        info = checked if checked is not None else check_query(job.sparql, self.limits)
        if info.has_dataset and job.default_graphs is None and job.named_graphs is None:
            job = replace(job, union=False)  # the query's own FROM / FROM NAMED define its dataset
        quick = looks_quick(info, bounded=job.max_rows is not None)
        answer = self._exchange(job, time_limit or self.limits.time_limit, quick=quick)
        if isinstance(answer, JobFailure):
            raise failure_error(answer)
        assert isinstance(answer, QueryOutcome)
        return answer

    def stream(
        self,
        job: QueryJob,
        *,
        time_limit: float | None = None,
        on_start: Callable[[float], None] | None = None,
    ) -> Generator[StreamHead | RowBatch | QueryOutcome, None, None]:
        """Run ``job`` (its ``stream_rows`` set) and yield its answer as it comes: a
        :class:`StreamHead` and one :class:`RowBatch` at a time (an ASK answer: one
        :class:`QueryOutcome`), so the caller holds one batch at most. The time limit covers
        the whole stream, whether the worker keeps sending or the caller is slow to ask for the
        next batch (past it, no further batch is given; the answer's end still is); a limit or
        failure met midway is raised after the batches before it. A caller that stops early, or
        one stopped by the limit, has the worker replaced (it was still sending). ``on_start``
        is told when the time limit starts (``time.monotonic()``), its worker taken."""
        info = check_query(job.sparql, self.limits)
        if info.has_dataset and job.default_graphs is None and job.named_graphs is None:
            job = replace(job, union=False)
        limit = time_limit or self.limits.time_limit
        worker = self._acquire(job, gone=CLIENT_GONE.get())
        started, lent, slowed, healthy = time.monotonic(), False, False, False
        if on_start is not None:
            on_start(started)
        last: QueryOutcome | None = None
        with self._lock:
            self._running.add(worker)
            closed = self._closed  # as in _answer
        deadline = started + limit
        try:
            if closed:
                raise EOFError
            worker.conn.send(job)
            while True:
                now = time.monotonic()
                if not slowed and now - started >= DEPRIORITISE_AFTER:
                    worker.deprioritise()
                    lent, slowed = self._lend(), True
                until = deadline if slowed else min(started + DEPRIORITISE_AFTER, deadline)
                if not worker.conn.poll(max(0.0, until - now)):
                    if time.monotonic() >= deadline:
                        raise over_time(limit)
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
                    raise over_time(limit)
                yield message
        except (EOFError, OSError, BrokenPipeError):
            failure = self._stopping(job) if self._closed else worker.crash_error()
            raise failure from None
        finally:
            with self._lock:
                self._running.discard(worker)
            self._release(worker, healthy=healthy, lent=lent)
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
        """Trusted SELECT queries (the server's own pages) in one worker round trip; under the
        query time limit (a page, not an aggregate), they may take a reserve worker."""
        batch = SelectBatch(tuple(queries))
        answer = self._exchange(batch, time_limit or self.limits.time_limit, quick=not time_limit)
        if isinstance(answer, JobFailure):
            raise failure_error(answer)
        return tuple(answer)


def _answered(conn: Any, wait: float, gone: Gone | None) -> bool:
    """Whether ``conn`` has the answer within ``wait`` seconds; False early once ``gone`` is set."""
    if gone is None:
        return bool(conn.poll(wait))
    deadline = time.monotonic() + wait
    while not gone.is_set():
        if conn.poll(max(0.0, min(GONE_CHECK, deadline - time.monotonic()))):
            return True
        if time.monotonic() >= deadline:
            return False
    return False

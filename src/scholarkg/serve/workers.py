"""A pool of query worker processes with a time limit, a memory limit and crash recovery.

Every query runs in a worker (:mod:`scholarkg.serve.worker_process`), never in the caller's
process. A query past its time limit has its worker killed; a worker that dies (memory limit,
engine crash) is replaced; either way the caller gets a :class:`QueryLimitError` and the next
query is answered by a fresh worker. A query still running after :data:`DEPRIORITISE_AFTER`
seconds has its worker's CPU priority lowered and an extra worker is lent to the pool (up to
twice its size) while it runs, so cheap queries keep their latency beside a runaway.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import tempfile
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from scholarkg.errors import QueryError, QueryLimitError
from scholarkg.serve.guard import QueryLimits, check_query
from scholarkg.serve.worker_process import (
    JobFailure,
    QueryJob,
    QueryOutcome,
    SelectBatch,
    StoreSpec,
    UpdateJob,
    worker_main,
)

START_TIMEOUT = 60.0
DEPRIORITISE_AFTER = 1.0
LOW_PRIORITY = 10
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["scholarkg.serve.worker_process"])


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, spec: StoreSpec, limits: QueryLimits, generation: int) -> None:
        self.generation = generation
        self.limits = limits
        handle, name = tempfile.mkstemp(prefix="scholarkg-worker-", suffix=".log")
        os.close(handle)
        self.stderr_path = Path(name)
        parent, child = _context.Pipe()
        self.conn: Connection = parent
        self.process: BaseProcess = _context.Process(
            target=worker_main,
            args=(child, spec, limits.memory_limit_mb, limits.max_result_bytes, name),
            daemon=True,
        )
        self.process.start()
        child.close()
        self.niced = False
        if not self.conn.poll(START_TIMEOUT):
            self.stop()
            raise QueryError(f"{spec.location}: the query worker did not start")
        try:
            hello = self.conn.recv()
        except EOFError:
            hello = JobFailure("store", self._death_note())
        if hello != "ready":
            self.stop()
            message = hello.message if isinstance(hello, JobFailure) else repr(hello)
            raise QueryError(message)

    def _death_note(self) -> str:
        self.process.join(5)
        code = self.process.exitcode
        if code is not None and code < 0:
            return f"signal {signal.Signals(-code).name}"
        return f"exit code {code}"

    def crash_error(self) -> QueryLimitError:
        """Why the process stopped, as the error the client gets (the memory limit when the
        allocator says so, marked ``limit="memory"``)."""
        note = self._death_note()
        try:
            tail = self.stderr_path.read_bytes()[:65536].decode("utf-8", "replace")
        except OSError:
            tail = ""
        if "memory allocation" in tail or "MemoryError" in tail or "out of memory" in tail:
            return QueryLimitError(
                f"the query exceeded the memory limit of {self.limits.memory_limit_mb} MiB "
                f"and its worker was stopped ({note})",
                status=503,
                limit="memory",
            )
        return QueryLimitError(
            f"the query worker crashed ({note}); the query was not answered", status=500
        )

    def deprioritise(self) -> None:
        pid = self.process.pid
        if pid is not None and not self.niced:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, pid, LOW_PRIORITY)
                self.niced = True

    def restore_priority(self) -> bool:
        """Back to normal priority; False when not allowed (then the worker is replaced)."""
        pid = self.process.pid
        if not self.niced or pid is None:
            return True
        try:
            os.setpriority(os.PRIO_PROCESS, pid, 0)
        except OSError:
            return False
        self.niced = False
        return True

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        with contextlib.suppress(OSError):
            self.stderr_path.unlink()


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
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0  # workers replaced after a limit or a crash (for logs and tests)
        self.answered = 0  # jobs sent to a worker and answered
        self._total = self.size  # live workers, extra ones lent while long queries run
        for _ in range(self.size):
            self._idle.put(_Worker(spec, limits, self.generation))

    def refresh(self) -> None:
        """Reopen the store in every worker (the store changed); running queries finish first."""
        with self._lock:
            self.generation += 1

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.stop()

    def _release(self, worker: _Worker, *, healthy: bool) -> None:
        if self._closed:
            worker.stop()
            return
        if not healthy:
            self.replaced += 1
        with self._lock:
            surplus = self._total > self.size
            if surplus:
                self._total -= 1
        if surplus:  # a lent worker's job is done: back to the configured size
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

    def _spawn(self) -> _Worker:
        """A new worker; retried briefly (the store may be mid-compaction after a load)."""
        delay, failure = 0.05, None
        for _ in range(6):
            try:
                return _Worker(self.spec, self.limits, self.generation)
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
                    self._idle.put(self._spawn())
                    return
                except QueryError:
                    time.sleep(1.0)

        threading.Thread(target=retry, name="scholarkg-worker-retry", daemon=True).start()

    def _lend(self) -> None:
        """Start one extra worker (in the background) while a long query holds one."""
        with self._lock:
            if self._closed or not self.lend or self._total >= 2 * self.size:
                return
            self._total += 1

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

    def _acquire(self, wait: float) -> _Worker:
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            busy = "every query worker is" if self.lend else "the update worker is"
            raise QueryLimitError(f"{busy} busy; try again shortly", status=503) from None
        if worker.generation != self.generation or not worker.process.is_alive():
            worker.stop()
            try:
                worker = self._spawn()
            except QueryError:
                self._replace_later()
                raise QueryLimitError(
                    "the store could not be opened for this query; try again shortly", status=503
                ) from None
        return worker

    def _exchange(self, job: QueryJob | SelectBatch | UpdateJob, time_limit: float) -> Any:
        worker = self._acquire(max(time_limit, 1.0))
        started = time.monotonic()
        try:
            worker.conn.send(job)
            ready = worker.conn.poll(min(DEPRIORITISE_AFTER, time_limit))
            if not ready:
                worker.deprioritise()
                self._lend()
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
            failure = worker.crash_error()
            self._release(worker, healthy=False)
            raise failure from None
        self._release(worker, healthy=True)
        return answer

    def run(self, job: QueryJob, *, time_limit: float | None = None) -> QueryOutcome:
        """Check ``job``'s text against the limits, run it, and return its outcome."""
        info = check_query(job.sparql, self.limits)
        if info.has_dataset and job.default_graphs is None and job.named_graphs is None:
            job = QueryJob(
                job.sparql, False, None, None, job.results_format, job.graph_format
            )  # the query's own FROM / FROM NAMED define its dataset
        answer = self._exchange(job, time_limit or self.limits.time_limit)
        if isinstance(answer, JobFailure):
            raise _failure_error(answer)
        assert isinstance(answer, QueryOutcome)
        return answer

    def update(self, sparql: str, *, time_limit: float | None = None) -> None:
        """Apply one SPARQL Update in the pool's worker, which holds the store read-write. Past
        the time limit (or the memory limit) the worker is stopped: its transaction never
        commits, so the store keeps what it held before."""
        check_query(sparql, self.limits)
        answer = self._exchange(UpdateJob(sparql), time_limit or self.limits.time_limit)
        if isinstance(answer, JobFailure):
            raise _failure_error(answer)

    def select_many(
        self, queries: Sequence[str], *, time_limit: float | None = None
    ) -> tuple[QueryOutcome, ...]:
        """Trusted SELECT queries (the server's own pages) in one worker round trip."""
        answer = self._exchange(SelectBatch(tuple(queries)), time_limit or self.limits.time_limit)
        if isinstance(answer, JobFailure):
            raise _failure_error(answer)
        return tuple(answer)


class NotAcceptableError(QueryError):
    """The client accepts no format this kind of result comes in (``kind``: results | graph)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"no acceptable format for {kind} results")


def _failure_error(failure: JobFailure) -> QueryError:
    if failure.kind == "not-acceptable":
        return NotAcceptableError(failure.message)
    if failure.kind == "syntax":
        return QueryError(failure.message)
    if failure.kind == "size":
        return QueryLimitError(f"query stopped: {failure.message}", status=507)
    if failure.kind == "memory":  # the same limit as a worker the allocator stopped
        return QueryLimitError(f"query stopped: {failure.message}", status=503, limit="memory")
    return QueryLimitError(f"the store could not answer: {failure.message}", status=500)


def spec_for(store: object) -> StoreSpec:
    """The :class:`StoreSpec` of an open scholarkg store (embedded or remote SPARQL)."""
    from scholarkg.store.embedded import EmbeddedStore
    from scholarkg.store.remote import SparqlStore

    if isinstance(store, EmbeddedStore):
        return StoreSpec("oxigraph", str(store.path))
    if isinstance(store, SparqlStore):
        return StoreSpec("sparql", store.query_url, store.server, store.credentials)
    raise QueryError(
        f"{type(store).__name__}: queries can only be served from an Oxigraph store "
        "or a SPARQL endpoint"
    )

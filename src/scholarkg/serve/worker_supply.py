"""A pool's supply of workers: lent beside long queries, replaced, stopped on close."""

from __future__ import annotations

import contextlib
import queue
import threading
import time

from scholarkg.errors import QueryError, QueryLimitError
from scholarkg.serve.guard import QueryLimits
from scholarkg.serve.job_errors import (
    BUSY_RETRY_AFTER,
    Gone,
    client_left,
    queue_full,
    unopened,
)
from scholarkg.serve.jobs import QueryJob, SelectBatch, UpdateJob
from scholarkg.serve.open_failure import OpenFailure
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.worker_handle import WorkerHandle

_WAIT_SLICE = 0.25  # seconds between looks at whether the pool closed, waiting for a worker
_QUICK_SLICE = 0.05  # seconds between looks at both kinds of worker, for a quick job


class WorkerSupply:
    """``size`` idle workers over one store, lent up to twice as many while long queries run
    (:meth:`_lend`), and ``quick`` more kept for quick jobs (reserve workers, which take no
    other job), each replaced when it crashed, passed a limit or the store changed, all
    stopped on :meth:`close`; the pool (:class:`~scholarkg.serve.workers.WorkerPool`) sends
    them jobs."""

    def __init__(
        self,
        spec: StoreSpec,
        limits: QueryLimits,
        size: int = 2,
        *,
        lend: bool = True,
        one_job: bool = False,
        quick: int = 0,
        quick_limit: float = 2.0,
    ) -> None:
        self.spec = spec
        self.lend = lend and not one_job  # False for the update worker: one process may write
        # a pool for one job (``scholarkg query``): nothing is lent or replaced, nothing would
        # use it (before: a worker lent after a second and one started after a limit, both
        # stopped unused when the command closed its pool)
        self.one_job = one_job
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
        self.open_failure = OpenFailure()  # callers waiting for a worker are told at once
        self.quick = 0 if one_job else max(0, quick)
        self.quick_limit = quick_limit  # a reserve worker's time limit
        self._quick_idle: queue.Queue[WorkerHandle] = queue.Queue()
        self._own_idle: queue.Queue[WorkerHandle] = queue.Queue()  # the warm-up's, while it runs
        self.quick_answered = 0  # jobs answered by a reserve worker (for logs and tests)
        self.quick_too_slow = 0  # jobs a reserve worker's limit stopped, then run again
        self.queue_timeouts = 0  # jobs refused after waiting queue_wait for a worker
        for _ in range(self.size):
            self._idle.put(self._new(reserve=False))
        for _ in range(self.quick):
            self._quick_idle.put(self._new(reserve=True))

    def _new(self, *, reserve: bool) -> WorkerHandle:
        worker = WorkerHandle(self.spec, self.limits, self.generation)
        worker.reserve = reserve
        return worker

    def _home(self, worker: WorkerHandle) -> queue.Queue[WorkerHandle]:
        """The queue ``worker`` waits in while idle."""
        if worker.own:
            return self._own_idle
        return self._quick_idle if worker.reserve else self._idle

    def refresh(self) -> None:
        """Reopen the store in every worker (the store changed): idle workers are replaced now,
        in the background, so none keeps the old state (an embedded store's older checkpoint)
        open; running queries finish first, and their workers are replaced when they return."""
        with self._lock:
            self.generation += 1
        for idle in (self._idle, self._quick_idle, self._own_idle):
            while not self._closed:
                try:
                    worker = idle.get_nowait()
                except queue.Empty:
                    break
                worker.stop()
                if not worker.own:  # the warm-up's is started when it asks again
                    self._replace_later(reserve=worker.reserve)

    def close(self) -> None:
        """Stop every worker, those running a job too (their callers get :meth:`_stopping`)."""
        self._closed = True
        with self._lock:
            running = list(self._running)
        for worker in running:
            worker.stop()
        for idle in (self._idle, self._quick_idle, self._own_idle):
            while True:
                try:
                    worker = idle.get_nowait()
                except queue.Empty:
                    break
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

    def _release(self, worker: WorkerHandle, *, healthy: bool, lent: bool = False) -> None:
        """Put ``worker`` back after its job, or stop it (replacing it when the pool would
        shrink). ``lent``: a worker was lent beside this job, which has ended: the pool is one
        worker over its size, so this one is stopped, never replaced (before: one killed at its
        limit was replaced at once, and then an idle worker stopped as the lent one went)."""
        if lent:
            with self._lock:
                self._lending -= 1
        if self._closed:
            worker.stop()
            return
        if not healthy and not self.one_job:
            self.replaced += 1
        with self._lock:
            surplus = (
                not worker.reserve
                and not worker.own
                and (self._total > self.size + self._lending or (self.one_job and not healthy))
            )
            if surplus:
                self._total -= 1
        if surplus:  # the long query it was lent for has ended: back to the configured size
            worker.stop()
            return
        if healthy and worker.generation == self.generation and worker.restore_priority():
            self._home(worker).put(worker)
            return
        worker.stop()
        if worker.own:  # the warm-up's next job starts another
            return
        try:
            self._home(worker).put(self._spawn(reserve=worker.reserve))
        except QueryError:
            self._replace_later(reserve=worker.reserve)

    def _spawn(self, *, reserve: bool = False) -> WorkerHandle:
        """A new worker; retried briefly (the store may be mid-compaction after a load)."""
        delay, failure = 0.05, None
        for _ in range(6):
            try:
                return self._new(reserve=reserve)
            except QueryError as exc:
                failure = exc
                time.sleep(delay)
                delay *= 2
        assert failure is not None
        raise failure

    def _replace_later(self, *, reserve: bool = False) -> None:
        """Keep trying to start a worker in the background, so the pool never shrinks."""

        def retry() -> None:
            while not self._closed:
                try:
                    worker = self._spawn(reserve=reserve)
                except QueryError as exc:
                    self.open_failure.failed(exc)
                    time.sleep(1.0)
                    continue
                self.open_failure.ended()
                self._home(worker).put(worker)
                return

        threading.Thread(target=retry, name="scholarkg-worker-retry", daemon=True).start()

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

    def _acquire(
        self,
        job: QueryJob | SelectBatch | UpdateJob,
        *,
        quick: bool = False,
        gone: Gone | None = None,
    ) -> WorkerHandle:
        """An idle worker (for a ``quick`` job, a reserve worker when no other is idle), waited
        for up to the ``queue_wait`` limit; a caller whose client has gone (``gone`` set) stops
        waiting within a slice."""
        worker = self._next_idle(job, quick=quick and self.quick > 0, gone=gone)
        if worker.generation != self.generation or not worker.process.is_alive():
            worker.stop()
            try:
                worker = self._spawn(reserve=worker.reserve)
            except QueryError as exc:
                self.open_failure.failed(exc)
                self._replace_later(reserve=worker.reserve)
                raise unopened() from None
            self.open_failure.ended()
        return worker

    def _next_idle(
        self,
        job: QueryJob | SelectBatch | UpdateJob,
        *,
        quick: bool,
        gone: Gone | None,
    ) -> WorkerHandle:
        """An idle worker, waited for up to ``queue_wait`` seconds in slices (past it,
        :func:`queue_full`, counted in ``queue_timeouts``): a pool that closes meanwhile answers
        at once (:meth:`_stopping`), as does a caller whose client has gone. A ``quick`` job
        takes whichever idles first, a worker of the pool's or a reserve worker."""
        wait = self.limits.queue_wait
        deadline = time.monotonic() + wait
        while not self._closed:
            if gone is not None and gone.is_set():
                raise client_left()
            try:
                if quick:
                    with contextlib.suppress(queue.Empty):
                        return self._idle.get_nowait()
                slice_ = max(0.0, min(_WAIT_SLICE, deadline - time.monotonic()))
                if quick:
                    return self._quick_idle.get(timeout=min(slice_, _QUICK_SLICE))
                return self._idle.get(timeout=slice_)
            except queue.Empty:
                if self.open_failure.why is not None:  # no worker comes while the store won't open
                    raise unopened() from None
                if time.monotonic() >= deadline:
                    self.queue_timeouts += 1
                    raise queue_full(wait, update=isinstance(job, UpdateJob)) from None
        raise self._stopping(job)

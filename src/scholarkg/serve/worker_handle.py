"""The parent's end of one query worker process: start it, ask why it died, lower its
priority, stop it (the pool of them: :mod:`scholarkg.serve.workers`)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import tempfile
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from scholarkg.errors import QueryError, QueryLimitError
from scholarkg.serve.guard import QueryLimits
from scholarkg.serve.jobs import JobFailure
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.worker_process import worker_main

START_TIMEOUT = 60.0
LOW_PRIORITY = 10
_context = multiprocessing.get_context("forkserver")
# the forkserver ignores SIGTERM (forkserver_signals) as it ignores SIGINT: a signal to the
# server's process group must not end it, and every worker with it, before the server answers
# their running jobs and stops them itself (it ends when the server does)
_context.set_forkserver_preload(
    ["scholarkg.serve.forkserver_signals", "scholarkg.serve.worker_process"]
)


_OUT_OF_MEMORY = ("memory allocation", "MemoryError", "out of memory")  # in a worker's stderr


class WorkerHandle:
    """One worker process and the parent's end of its pipe (``reserve``: kept for quick jobs)."""

    reserve = False
    own = False  # the server's own (warm-up) worker, outside the clients' pool

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
            hello = JobFailure("store", self._start_failure(spec.location))
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

    def _start_failure(self, location: str) -> str:
        """Why the worker stopped before it was ready, in one line, with the setting to raise:
        a memory limit too low to start in (its threads, the store's caches) is the usual cause,
        said for sure where its stderr tells."""
        note = self._death_note()
        tail = self._stderr_tail()
        last = tail.strip().splitlines()[-1].strip() if tail.strip() else ""
        said = f"{note}: {last}" if last else note
        if any(marker in tail for marker in (*_OUT_OF_MEMORY, "Resource temporarily unavailable")):
            return (
                f"{location}: the query worker could not start within [serve] memory_limit_mb = "
                f"{self.limits.memory_limit_mb} MiB ({said}); raise it"
            )
        return (
            f"{location}: the query worker stopped as it started ({said}); if [serve] "
            f"memory_limit_mb = {self.limits.memory_limit_mb} MiB is too low to start in, raise it"
        )

    def _stderr_tail(self) -> str:
        try:
            return self.stderr_path.read_bytes()[-65536:].decode("utf-8", "replace")
        except OSError:
            return ""

    def crash_error(self) -> QueryLimitError:
        """Why the process stopped, as the error the client gets (the memory limit when the
        allocator says so, marked ``limit="memory"``)."""
        note = self._death_note()
        tail = self._stderr_tail()
        if any(marker in tail for marker in _OUT_OF_MEMORY):
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

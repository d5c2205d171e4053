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
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from scholarkg.errors import LoadError
from scholarkg.lifecycle import die_with_parent
from scholarkg.serve.job_runs import run_batch, run_job, run_update
from scholarkg.serve.jobs import OUT_OF_MEMORY, JobFailure, QueryJob, SelectBatch, UpdateJob
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.worker_failures import evaluation_failure
from scholarkg.serve.worker_replies import send, stream_job
from scholarkg.store import served


def _apply_limits(memory_limit_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_limit_mb > 0:
        limit = memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


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
        return evaluation_failure(exc, store)


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

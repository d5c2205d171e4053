"""A job that takes its worker just as the pool closes (the server stopping) is answered 503 at
once and its worker stopped: close() stops only the workers it sees running or idle, and one
taken between the two was neither (before: its job ran on, a runaway up to its time limit,
after the server had stopped). The pool's own path: a worker taken, the pool closed, then the
job sent, with real worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.errors import QueryLimitError
from scholarkg.serve.guard import QueryLimits
from scholarkg.serve.jobs import QueryJob
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.workers import WorkerPool
from serve_fixtures import build_v2_store
from served_queries import slow


def test_a_job_whose_worker_was_taken_as_the_pool_closed_is_not_run(tmp_path: Path) -> None:
    store = build_v2_store(tmp_path / "store")
    pool = WorkerPool(StoreSpec("oxigraph", str(store)), QueryLimits(time_limit=600), size=1)
    job = QueryJob(slow(1))
    worker = pool._acquire(job)  # taken: neither idle nor running yet
    pool.close()
    with pytest.raises(QueryLimitError, match="the server is stopping") as stopped:
        pool._answer(worker, job, 600, None)
    assert stopped.value.status == 503
    worker.process.join(60)
    assert not worker.process.is_alive() and pool.answered == 0

"""The Prefect task runner a configuration asks for (``[runner]``).

Flows pick their runner at run time, from the loaded config: each public flow loads its config
and runs its body as a subflow ``with_options(task_runner=task_runner_for(config))``, so the
CLI, ``scholarkg schedule serve`` and work-pool workers all honour ``[runner]`` alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from scholarkg.config import Config
from scholarkg.config.fields import WORKERS_MAX
from scholarkg.errors import ConfigError

if TYPE_CHECKING:
    from distributed import Client

DASK_MISSING = (
    "[runner] kind = \"dask\" needs the optional Dask extra: pip install 'scholarkg[dask]' "
    "(prefect-dask and dask.distributed)"
)


def task_runner_for(config: Config) -> TaskRunner[Any]:
    """Threads (``max_workers``) by default; Dask for ``kind = "dask"``.

    Dask connects to ``dask_address`` when set, else starts a temporary local cluster of
    ``max_workers`` single-threaded worker processes (loopback only, no dashboard) for the run.
    """
    runner = config.runner
    if runner.kind == "threads":
        return ThreadPoolTaskRunner(max_workers=runner.max_workers)
    if runner.kind != "dask":
        raise ConfigError(f"[runner] kind must be 'threads' or 'dask', got {runner.kind!r}")
    try:
        from prefect_dask.task_runners import DaskTaskRunner
    except ImportError:
        raise ConfigError(DASK_MISSING) from None
    if runner.dask_address:
        return DaskTaskRunner(address=runner.dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": runner.max_workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,  # no dashboard; its HTTP server (health, metrics) still
            # runs: on a free loopback port (before: 8787, taken by the first run or any other
            # cluster, a warning for the next one)
            "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
        }
    )


def runner_label(config: Config) -> str:
    """The runner in a few words, for logs and run names: ``threads(2)``, ``dask(tcp://…)``."""
    runner = config.runner
    if runner.kind == "dask" and runner.dask_address:
        return f"dask({runner.dask_address})"
    return f"{runner.kind}({runner.max_workers})"


def dask_client(task_runner: TaskRunner[Any]) -> Client | None:
    """The client of a Dask task runner (entered: its cluster started or reached), else None."""
    try:
        from prefect_dask.task_runners import DaskTaskRunner
    except ImportError:
        return None
    if not isinstance(task_runner, DaskTaskRunner):
        return None
    client: Client = task_runner.client
    return client


def workers_of(config: Config, task_runner: TaskRunner[Any]) -> int:
    """How many tasks the run's ``task_runner`` works on at once: ``max_workers`` threads or
    local Dask workers; for a Dask cluster reached at ``dask_address``, the threads of its
    workers as the run starts (``max_workers`` while it has none yet), at most
    :data:`~scholarkg.config.fields.WORKERS_MAX` (before: ``max_workers`` there too, which
    says nothing of that cluster)."""
    runner = config.runner
    client = dask_client(task_runner) if runner.kind == "dask" and runner.dask_address else None
    if client is None:
        return runner.max_workers
    threads = sum(client.nthreads().values())  # type: ignore[no-untyped-call]
    return min(threads or runner.max_workers, WORKERS_MAX)

"""``load_snapshot``: the snapshot job (``scholarkg.runs.arxiv_snapshot.load_snapshot``) as a flow.

One task: the job batches internally (chunks over worker processes, a loader thread), for any
configured store kind, and a re-run skips the chunks the store already holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import Task, flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from scholarkg_flows.build_kg import final_state, load_run_config
from scholarkg_flows.reporting import publish_artifacts, stop_cleanly
from scholarkg_flows.run_end import refused

from scholarkg.config import Config
from scholarkg.errors import LoadError, ScholarKGError
from scholarkg.runs.arxiv_snapshot import load_snapshot as load_snapshot_job
from scholarkg.runs.report import RunReport


def worth_retrying(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry what another attempt may cure (the store, the machine), not a snapshot that is
    missing or unreadable: that error stays the same 30 s later."""
    error = state.data
    return not isinstance(error, ScholarKGError) or isinstance(error, LoadError)


@task(retries=1, retry_delay_seconds=30, retry_condition_fn=worth_retrying, cache_policy=NO_CACHE)
def ingest(path: str, config: Config, chunk_records: int) -> RunReport:
    """I/O + CPU (in worker processes): stream, validate and load the snapshot."""
    return load_snapshot_job(config, Path(path), chunk_records=chunk_records).report


@flow(name="load_snapshot")
def load_snapshot(
    path: str,
    config_path: str | None = None,
    store_path: str | None = None,
    chunk_records: int = 1000,
    settings: list[str] | None = None,
) -> State[Any]:
    """Load (or top up) the store from a snapshot file; chunks already loaded are skipped. A
    refusal (a bad setting, a snapshot missing or unreadable) ends the run Failed on its one
    line (:func:`~scholarkg_flows.run_end.refused`). ``settings``: ``--set``'s
    ``SECTION.KEY=VALUE`` over the config."""
    try:
        config = load_run_config(config_path, store_path, settings)
        with stop_cleanly():  # a Cancel (SIGTERM) stops the job at its next check, reported
            report = ingest(path, config, chunk_records)
    except ScholarKGError as exc:
        refusal: State[Any] = refused(exc)
        return refusal
    publish_artifacts(report, key="load-snapshot")
    state: State[Any] = final_state(report)
    return state

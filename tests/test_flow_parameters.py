"""A deployment's run given a parameter it cannot use ends Failed in one line naming the
parameter, before the run opens anything, and is not retried.

Before, ``load_snapshot`` with ``chunk_records=0`` opened the store (its unfinished mark
written, the store's description noted as invalidated), failed in its first chunk with
``ValueError: batch size must be at least 1``, was retried 30 s later (the task retries what
is no scholarkg error) and failed again, a traceback in the log each time."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from conftest import write_config
from samples import ROOT
from scholarkg.config import load_config
from scholarkg.errors import ConfigError
from scholarkg.runs.arxiv_snapshot import load_snapshot as load_snapshot_job

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
SAYS = "chunk_records: 0 is not a number of records (a whole number of at least 1)"


def test_the_snapshot_job_refuses_chunks_of_no_records(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    with pytest.raises(ConfigError, match=r"^chunk_records: -3 is not a number of records"):
        load_snapshot_job(config, SNAPSHOT, chunk_records=-3, workers=0)
    assert not (tmp_path / "data").exists() and not (tmp_path / "store").exists()


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_load_snapshot_run_with_chunks_of_no_records_fails_once_in_one_line(
    tmp_path: Path,
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from scholarkg_flows.load_snapshot import load_snapshot

    config = write_config(tmp_path, [])
    state = load_snapshot(
        path=str(SNAPSHOT), config_path=str(config), chunk_records=0, return_state=True
    )
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, ConfigError) and str(error) == SAYS
    assert not (tmp_path / "data").exists() and not (tmp_path / "store").exists()

    async def attempts() -> list[int]:
        async with get_client() as client:
            flow_run = await client.read_flow_run(state.state_details.flow_run_id)
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id]))
            )
        return [run.run_count for run in runs]

    assert asyncio.run(attempts()) == [1]  # the ingest task, not retried

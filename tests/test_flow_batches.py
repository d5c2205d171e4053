"""``build_kg`` runs many sources in a bounded number of Prefect tasks (``[runner]
sources_per_task`` a task, two batches a worker in flight), with the same report as one task a
source: failures, duplicates and unchanged sources alike. Before: one ``fetch`` and one
``prepare_profile`` task run per source, all submitted at once (5 000 one-line profile files:
10 000 task runs, ~3 sources a second, the temporary Prefect API grown to 1.6 GB)."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from conftest import write_config
from constructed import profile_page
from polls import until
from scholarkg import lifecycle
from scholarkg.errors import RunFailed
from scholarkg.runs.report import RunReport

SOURCES = 30
PER_TASK = 10


def pages(folder: Path) -> list[Path]:
    """SOURCES pages: CONSTRUCTED people of no papers, one of them twice (the same bytes at
    another path) and one that is no profile page."""
    folder.mkdir()
    written = []
    for n in range(SOURCES - 2):
        page = folder / f"p{n:02d}.txt"
        page.write_bytes(profile_page(f"Batch Person{n:02d}", [], h_index=n))
        written.append(page)
    twin = folder / "twin.txt"
    twin.write_bytes(written[3].read_bytes())
    broken = folder / "broken.txt"
    broken.write_text("not a profile\n", encoding="utf-8")
    return [*written[:10], twin, *written[10:20], broken, *written[20:]]


def task_runs(flow_run_id: UUID) -> int:
    """The task runs of a flow run and of its subflow runs (the API records them from the
    events it is sent, so a moment after the flow returns)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        FlowRunFilterParentFlowRunId,
    )

    async def count() -> int:
        async with get_client() as client:
            subflows = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run_id])
                )
            )
            ids = [flow_run_id, *(run.id for run in subflows)]
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids))
            )
        return len(runs)

    return asyncio.run(count())


def build(config: Path, at_least: int) -> tuple[RunReport, int]:
    """A build_kg run's report and the task runs it made, once ``at_least`` are recorded."""
    from prefect.events.worker import EventsWorker
    from scholarkg_flows.build_kg import build_kg

    state = build_kg(config_path=str(config), return_state=True)
    result = state.result(raise_on_failure=False)  # a run of none built and one failed: failed
    report = result.report if isinstance(result, RunFailed) else result
    EventsWorker.drain_all(timeout=30)
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    counted: list[int] = []
    until(
        lambda: bool(counted.append(task_runs(flow_run_id)) or counted[-1] >= at_least),
        lambda: f"task runs recorded: {counted[-1:]}, not {at_least}",
    )
    return report, counted[-1]


def same_outcome(report: RunReport) -> dict[str, Any]:
    return {
        "outcome": report.outcome,
        "built": report.sources_built,
        "unchanged": report.sources_unchanged,
        "failures": report.failures,
        "notes": [note for note in report.notes if "same page as" in note],
    }


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_many_sources_run_in_batches_with_the_report_of_one_task_a_source(tmp_path: Path) -> None:
    given = pages(tmp_path / "pages")
    batched = tmp_path / "batched"
    batched.mkdir()
    config = write_config(batched, given, runner={"sources_per_task": PER_TASK})

    report, runs = build(config, 7)
    # fetch: 3 batches of 10; prepare: 29 (the twin left; the broken page fails parsing), 3
    # batches; the subflow's own task run in build_kg (before: 30 + 29 + 1 = 60)
    assert runs <= math.ceil(SOURCES / PER_TASK) * 2 + 1, runs
    assert report.outcome == "partial" and len(report.sources_built) == SOURCES - 2
    [(failed, message)] = report.failures
    assert failed == str(given[21]) and message.startswith(f"{given[21]}:1: ")
    assert f"{given[10]}: same page as {given[3]} (built once)" in report.notes

    again, runs_again = build(config, 5)  # every page unchanged: only the broken one prepared
    assert runs_again <= math.ceil(SOURCES / PER_TASK) + 1 + 1, runs_again
    assert len(again.sources_unchanged) == SOURCES - 2 and not again.sources_built
    assert again.failures == report.failures

    one_each = tmp_path / "one_each"
    one_each.mkdir()
    config = write_config(one_each, given, runner={"sources_per_task": 1})
    single, runs_single = build(config, SOURCES + SOURCES - 1 + 1)
    assert runs_single == SOURCES + SOURCES - 1 + 1
    assert same_outcome(single) == same_outcome(report)
    assert same_outcome(build(config, SOURCES + 1 + 1)[0]) == same_outcome(again)


def test_a_batch_stops_between_its_sources() -> None:
    """A stop asked for while a batch works ends it before its next source: the sources left
    are that stop, one result each, which the flow raises again (before: a task a source,
    each checked by the flow)."""
    from scholarkg_flows.build_kg import TaskStopped, one_by_one

    done: list[int] = []

    def each(n: int) -> int:
        done.append(n)
        if n == 1:
            lifecycle.request_stop()
        return n

    try:
        results = one_by_one([0, 1, 2, 3], each)
    finally:
        lifecycle.STOP.clear()
    stopped = TaskStopped("stop requested (SIGTERM/SIGINT)")
    assert done == [0, 1] and results == [0, 1, stopped, stopped]
    inner = one_by_one([0, 1, 2], lambda n: stopped if n == 1 else n)  # stopped within one
    assert inner == [0, stopped, stopped]


def test_batches_keep_the_order_and_a_bounded_window() -> None:
    """At most ``window`` batches are submitted and not yet settled; results come in the
    items' order."""
    from concurrent.futures import ThreadPoolExecutor

    from scholarkg_flows.batches import batch_size, batched_results, in_batches

    assert batch_size(10, 25, 2) == 5 and batch_size(1000, 25, 2) == 25
    assert batch_size(1, 25, 4) == 1 and batch_size(0, 25, 2) == 1
    assert in_batches(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    in_flight: list[int] = []
    outstanding = [0]
    with ThreadPoolExecutor(2) as pool:

        def submit(batch: list[int]) -> Any:
            outstanding[0] += 1
            in_flight.append(outstanding[0])
            return pool.submit(lambda: [n * n for n in batch])

        def settle(future: Any, batch: list[int]) -> list[int]:
            outstanding[0] -= 1
            return list(future.result())

        got = list(batched_results(in_batches(list(range(50)), 4), submit, settle, window=3))
    assert got == [(n, n * n) for n in range(50)]
    assert max(in_flight) == 3 and len(in_flight) == 13


def test_sources_per_task_is_a_positive_count(tmp_path: Path) -> None:
    from scholarkg.config import load_config
    from scholarkg.errors import ConfigError

    assert load_config(write_config(tmp_path, [])).runner.sources_per_task == 25
    with pytest.raises(ConfigError, match=r"scholarkg\.toml:\d+: \[runner\] sources_per_task"):
        load_config(write_config(tmp_path, [], runner={"sources_per_task": 0}))

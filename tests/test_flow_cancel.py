"""A flow run cancelled in Prefect (the UI's Cancel, ``prefect flow-run cancel``) or stopped by
SIGTERM ends Cancelled, with the run's one-line reason, not Failed: a served deployment's run is
cancelled through a real Prefect API (the session's test harness server) while a source is still
arriving, and its final state is read back from the API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from conftest import write_config
from loopback import Drip
from polls import until
from processes import children
from samples import ROOT, SAMPLE_PROFILE
from served_deployments import BOUND_SECONDS, FAULTS, hung, read_final_state, serving
from stopped_runs import COPIES, THIRD_CHUNK, copies, still_running
from store_contents import held_quads

if TYPE_CHECKING:
    from prefect.client.schemas.objects import State

AT_START = Path(__file__).parent / "helpers" / "at_start"
SLOW_SOURCE = {"read_timeout": 30.0, "min_interval": 0.0}
# a deployment of each case's own: the session's Prefect API keeps every test's deployments,
# and one named as another test's would be run there with that test's parameters
SCHEDULE = """
[schedules.test-{name}]
flow = "build_kg"
cron = "15 2 * * 1-5"
parameters = {{}}
"""


def test_a_stopped_run_s_state_is_cancelled_with_its_reason_and_report() -> None:
    """In-process too (``scholarkg run`` sent SIGTERM): Cancelled, its result a RunStopped of
    that line holding the report."""
    from scholarkg_flows.build_kg import final_state

    from scholarkg.errors import RunStopped
    from scholarkg.runs.report import RunReport

    report = RunReport(job="build", interrupted="stop requested (SIGTERM/SIGINT)")
    state = final_state(report)
    assert state.is_cancelled() and not state.is_failed()
    assert state.message == "build: interrupted: stop requested (SIGTERM/SIGINT)"
    stopped = state.result(raise_on_failure=False)
    assert isinstance(stopped, RunStopped) and stopped.report is report
    assert str(stopped) == state.message


def waiting_at(point: str) -> dict[str, str]:
    """The environment in which a served deployment's flow run waits at ``point`` (a
    ``helpers/killed_at.py`` point) until it is asked to stop (helpers/at_start)."""
    paths = [str(AT_START), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {
        "PYTHONPATH": os.pathsep.join(paths),
        "KILLED_AT": point,
        "KILLED_BY": "WAIT",
        **FAULTS,
    }


def the_run(serve: subprocess.Popen[bytes], log: Path) -> int:
    """The flow run's process: the runner starts one process per flow run."""
    runs = children(serve.pid)
    assert len(runs) == 1, (runs, log.read_text(errors="replace")[-4000:])
    return runs.pop()


def wait_for_line(log: Path, line: str, serve: subprocess.Popen[bytes]) -> None:
    """Until the served flow run's ``log`` holds ``line``; fails if the serving ends first."""

    def logged() -> bool:
        if line in log.read_text(errors="replace").splitlines():
            return True
        assert serve.poll() is None, log.read_text(errors="replace")[-4000:]
        return False

    # a poll, not a wait for time to pass; the bound only catches a hang
    until(logged, lambda: str(hung(f"no {line!r} in the log", serve, log)), BOUND_SECONDS, 0.05)


def stopped(
    stop_it: Callable[[UUID, subprocess.Popen[bytes]], None],
    flow_run_id: UUID,
    serve: subprocess.Popen[bytes],
    log: Path,
) -> State[Any]:
    """The flow run's final state once ``stop_it`` stopped it and its process ended (all it
    logged is in the log then)."""
    run = the_run(serve, log)
    stop_it(flow_run_id, serve)
    state = read_final_state(flow_run_id, serve, log)
    if still_running({run}):
        raise hung("the stopped flow run's process did not end", serve, log)
    return state


def said_once_that_it_stopped(logged: str, job: str) -> None:
    """A stopped run's log says so once, as the run's end (the Cancelled state and its reason),
    and nothing of Prefect's engine after it: before, the engine raised the Cancelled state's
    result once the run had ended and logged "Engine execution exited with unexpected
    exception" with a TypeError traceback (Prefect could not make a RunReport an exception),
    and a harvest's page cut short by the stop was a failed task, an ERROR line."""
    shown = logged[-4000:]
    assert "unexpected exception" not in logged and "Traceback" not in logged, shown
    assert not [line for line in logged.splitlines() if "| ERROR" in line], shown
    ended = [line for line in logged.splitlines() if "Finished in state Cancelled(" in line]
    assert len(ended) == 1 and f"Cancelled('{job}: interrupted: stop requested" in ended[0], shown


def cancel_in_prefect(flow_run_id: UUID, serve: subprocess.Popen[bytes]) -> None:
    """What the UI's Cancel button does: the runner then signals the run's process."""
    from prefect.client.orchestration import get_client
    from prefect.states import Cancelling

    with get_client(sync_client=True) as client:
        client.set_flow_run_state(flow_run_id, Cancelling(), force=True)


def sigterm_the_run(flow_run_id: UUID, serve: subprocess.Popen[bytes]) -> None:
    """An operator's ``kill`` of the flow run's process (Prefect asked nothing of it)."""
    [run] = children(serve.pid)  # the runner starts one process per flow run
    os.kill(run, signal.SIGTERM)


@pytest.mark.flow
@pytest.mark.server
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("stop_it", [cancel_in_prefect, sigterm_the_run], ids=["cancel", "sigterm"])
def test_a_stopped_deployment_run_ends_cancelled_and_the_next_run_completes(
    tmp_path: Path, stop_it: Callable[[UUID, subprocess.Popen[bytes]], None]
) -> None:
    from prefect.deployments import run_deployment

    drip = Drip((ROOT / "examples" / "profiles" / "leonard-hussenot.txt").read_bytes(), 0.5)
    config = write_config(tmp_path, [SAMPLE_PROFILE, drip.url], http=SLOW_SOURCE)
    with config.open("a", encoding="utf-8") as handle:
        handle.write(SCHEDULE.format(name=stop_it.__name__.replace("_", "-")))
    deployment = f"build_kg/test-{stop_it.__name__.replace('_', '-')}"
    try:
        with serving(config, tmp_path, deployment, extra=FAULTS) as (process, log):
            flow_run = run_deployment(deployment, timeout=0)
            assert drip.asked.wait(BOUND_SECONDS), log.read_text(errors="replace")[-4000:]
            state = stopped(stop_it, flow_run.id, process, log)
    finally:
        drip.stop()
    logged = log.read_text(errors="replace")
    shown = logged[-4000:]
    assert "Process exited with status code: 1" not in logged, shown  # before: UnfinishedRun
    assert "Task run failed" not in logged, shown  # before: the fetch cut short, a traceback
    assert state.is_cancelled(), (state, shown)
    said_once_that_it_stopped(logged, "build")
    [saved] = (tmp_path / "data" / "reports").glob("build-*.json")
    report = json.loads(saved.read_text(encoding="utf-8"))
    assert report["interrupted"].startswith("stop requested"), report  # while reading, or after
    assert state.message == f"build: interrupted: {report['interrupted']}", shown
    wrote = [report[k] for k in ("triples_added", "provenance_triples", "report_triples")]
    assert sum(wrote) + sum(report["run_graphs"].values()) == held_quads(tmp_path / "store")
    from scholarkg.config import load_config
    from scholarkg.runs.build import build

    done = build(load_config(write_config(tmp_path, [SAMPLE_PROFILE]))).report
    assert done.outcome in ("ok", "degraded") and done.papers == 25, done.summary_lines()


@pytest.mark.flow
@pytest.mark.server
@pytest.mark.usefixtures("prefect_harness")
def test_a_cancelled_snapshot_load_stops_cleanly_and_ends_cancelled(tmp_path: Path) -> None:
    """load_snapshot cancelled in Prefect while it loads: the job's clean stop (the report
    written, saying interrupted), not Prefect's SIGTERM exception thrown through the load."""
    from prefect.deployments import run_deployment

    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    config = write_config(tmp_path, [])
    with config.open("a", encoding="utf-8") as handle:
        handle.write(
            '[schedules.test-cancelled-snapshot]\nflow = "load_snapshot"\ncron = "0 5 * * 0"\n'
            f"parameters = {{ path = {json.dumps(str(snapshot))}, chunk_records = 50 }}\n"
        )
    deployment = "load_snapshot/test-cancelled-snapshot"
    waiting = f"killed_at: waiting for a stop at {THIRD_CHUNK}"
    # the run waits at its third chunk until the cancel's SIGTERM: a load under way, for sure
    with serving(config, tmp_path, deployment, extra=waiting_at(THIRD_CHUNK)) as (process, log):
        flow_run = run_deployment(deployment, timeout=0)
        wait_for_line(log, waiting, process)
        state = stopped(cancel_in_prefect, flow_run.id, process, log)
    logged = log.read_text(errors="replace")
    shown = logged[-4000:]
    assert logged.splitlines().count(waiting) == 1, shown  # the run's own process only
    assert state.is_cancelled(), (state, shown)
    said_once_that_it_stopped(logged, "snapshot")
    [saved] = (tmp_path / "data" / "reports").glob("snapshot-*.json")  # before: none written
    report = json.loads(saved.read_text(encoding="utf-8"))
    assert report["interrupted"].startswith("stop requested"), report
    assert report["records_loaded"] < COPIES * 100, report  # stopped before the load's end
    assert state.message == f"snapshot: interrupted: {report['interrupted']}", shown


@pytest.mark.flow
@pytest.mark.server
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("stop_it", [cancel_in_prefect, sigterm_the_run], ids=["cancel", "sigterm"])
def test_a_stopped_harvest_stops_cleanly_without_retrying_its_page(
    tmp_path: Path, stop_it: Callable[[UUID, subprocess.Popen[bytes]], None]
) -> None:
    """harvest_arxiv cancelled in Prefect (or its process sent SIGTERM) while an OAI-PMH page is
    arriving: the job's clean stop (the report written, saying interrupted), the run Cancelled
    with its reason, and the page's task not retried after the stop (its retries are for
    arXiv's failures)."""
    from prefect.deployments import run_deployment

    from arxiv_replay import Fault, ReplayServer

    server = ReplayServer().start()
    server.add_fault(Fault("drip", body=b"<" * 10_000, seconds=0.5), path="/oai", times=-1)
    arxiv = {"enabled": True, "oai_url": server.oai_url, "min_interval": 0.0}
    config = write_config(tmp_path, [], arxiv=arxiv, http=SLOW_SOURCE)
    name = stop_it.__name__.replace("_", "-")
    with config.open("a", encoding="utf-8") as handle:
        handle.write(
            f"[schedules.test-harvest-{name}]\n"
            'flow = "harvest_arxiv"\ncron = "0 5 * * 0"\n'
            'parameters = { set_spec = "cs", metadata_prefix = "oai_dc", '
            'from_date = "2024-01-25" }\n'
        )
    deployment = f"harvest_arxiv/test-harvest-{name}"
    try:
        with serving(config, tmp_path, deployment, extra=FAULTS) as (process, log):
            flow_run = run_deployment(deployment, timeout=0)
            until(
                lambda: bool(server.requests_to("/oai")),
                lambda: log.read_text(errors="replace")[-4000:],
                BOUND_SECONDS,
                every=0.05,
            )
            state = stopped(stop_it, flow_run.id, process, log)
    finally:
        server.stop()
    logged = log.read_text(errors="replace")
    shown = logged[-4000:]
    assert state.is_cancelled(), (state, shown)
    said_once_that_it_stopped(logged, "harvest")
    assert "Retry" not in logged, shown  # before: retried after the stop
    assert len(server.requests_to("/oai")) == 1
    [saved] = (tmp_path / "data" / "reports").glob("harvest-*.json")  # before: none written
    report = json.loads(saved.read_text(encoding="utf-8"))
    assert report["interrupted"].startswith("stop requested"), report
    assert state.message == f"harvest: interrupted: {report['interrupted']}", shown

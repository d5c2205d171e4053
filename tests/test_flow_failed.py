"""A served deployment's run that fails (every source failed) ends Failed with the run's
one-line reason in its log, not on Prefect's engine error after it: a real served deployment on
the session's Prefect API, its final state read back from the API."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer
from conftest import write_config
from harvest_pages import HEP_EX
from processes import children
from samples import SAMPLE_PROFILE
from served_deployments import FAULTS, read_final_state, serving
from stopped_runs import still_running


def ended_on_its_failure(logged: str, message: str) -> None:
    """The run's log ends on its Failed state and reason, then that reason once as an ERROR (it
    failed) with no traceback: before, Prefect's engine asked the Failed state for its result
    once the run had ended and logged "Engine execution exited with unexpected exception" with
    a TypeError traceback and the whole report (Prefect could not make a RunReport an
    exception)."""
    shown = logged[-4000:]
    assert "unexpected exception" not in logged and "Traceback" not in logged, shown
    assert "TypeError" not in logged and "RunReport(" not in logged, shown
    ended = [line for line in logged.splitlines() if "Finished in state Failed(" in line]
    assert len(ended) == 1 and f"Failed('{message}')" in ended[0], shown
    errors = [line for line in logged.splitlines() if "| ERROR" in line]
    assert len(errors) == 1 and errors[0].endswith(f" - {message}"), shown


@pytest.mark.flow
@pytest.mark.server
@pytest.mark.usefixtures("prefect_harness")
def test_a_failed_deployment_run_ends_on_its_failure_reason(tmp_path: Path) -> None:
    from prefect.deployments import run_deployment

    missing = tmp_path / "missing-profile.txt"
    config = write_config(tmp_path, [missing])
    with config.open("a", encoding="utf-8") as handle:
        handle.write('[schedules.test-failed]\nflow = "build_kg"\ncron = "15 2 * * 1-5"\n')
        handle.write("parameters = {}\n")
    deployment = "build_kg/test-failed"
    with serving(config, tmp_path, deployment, extra=FAULTS) as (process, log):
        flow_run = run_deployment(deployment, timeout=0)
        state = read_final_state(flow_run.id, process, log)
        assert not still_running(children(process.pid)), "the run's process did not end"
    logged = log.read_text(errors="replace")
    assert state.is_failed(), (state, logged[-4000:])
    [saved] = (tmp_path / "data" / "reports").glob("build-*.json")
    report = json.loads(saved.read_text(encoding="utf-8"))
    assert [location for location, _ in report["failures"]] == [str(missing)], report
    first = f"{missing}: cannot read profile file: No such file or directory"
    assert state.message == f"build: failed: {first}", logged[-4000:]  # before: "build: failed"
    ended_on_its_failure(logged, state.message)


def test_a_failed_run_s_state_says_why_and_holds_its_report() -> None:
    """In-process too (``scholarkg run``): Failed, the reason one line naming what failed, its
    result a RunFailed of that line holding the report (pickled too: result storage, Dask)."""
    from scholarkg_flows.build_kg import final_state

    from scholarkg.errors import RunFailed
    from scholarkg.runs.report import RunReport

    down = RunReport(job="snapshot", store_error="http://127.0.0.1:9/query: connection refused")
    state = final_state(down)
    failed = state.result(raise_on_failure=False)
    assert state.is_failed() and isinstance(failed, RunFailed) and failed.report is down
    assert str(failed) == state.message
    copied = pickle.loads(pickle.dumps(failed))
    assert isinstance(copied, RunFailed) and str(copied) == state.message
    assert copied.report.store_error == down.store_error
    assert state.message == "snapshot: failed: store: http://127.0.0.1:9/query: connection refused"
    failures = [("a.txt", "a.txt: cannot read profile file"), ("b.txt", "404 Not Found")]
    every = final_state(RunReport(job="build", failures=failures))
    assert every.message == "build: failed: a.txt: cannot read profile file (and 1 more failed)"
    one = final_state(RunReport(job="build", failures=failures[1:]))
    assert one.message == "build: failed: b.txt: 404 Not Found"


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_failed_build_kg_called_from_python_raises_its_failure_with_the_report(
    tmp_path: Path,
) -> None:
    """``build_kg(...)`` called as a function (or as a subflow of a user's flow) raises
    :class:`RunFailed`, its message the state's one line and its report attached: before,
    Prefect raised its own TypeError (a Failed state whose result is a RunReport)."""
    from prefect import flow
    from scholarkg_flows.build_kg import build_kg

    from scholarkg.errors import RunFailed, ScholarKGError

    missing = tmp_path / "missing-profile.txt"
    config = str(write_config(tmp_path, [missing]))
    first = f"build: failed: {missing}: cannot read profile file: No such file or directory"
    with pytest.raises(RunFailed) as raised:
        build_kg(config_path=config)
    assert str(raised.value) == first and isinstance(raised.value, ScholarKGError)
    assert [location for location, _ in raised.value.report.failures] == [str(missing)]
    state = build_kg(config_path=config, return_state=True)
    assert state.is_failed() and state.message == first
    again = state.result(raise_on_failure=False)
    assert isinstance(again, RunFailed) and str(again) == first
    assert again.report.outcome == "failed" and again.report.job == "build"

    @flow
    def nightly() -> str:
        try:
            build_kg(config_path=config)
        except RunFailed as exc:
            return f"caught: {exc} ({len(exc.report.failures)} failed)"
        return "not raised"

    assert nightly() == f"caught: {first} (1 failed)"


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_stopped_build_kg_called_from_python_raises_run_stopped_with_the_report(
    tmp_path: Path,
) -> None:
    """A run stopped (SIGTERM's handler asked for the stop before it read anything) raises
    :class:`RunStopped` with the stop's one line and the report; ``return_state=True`` gives
    it back as the Cancelled state's result."""
    from scholarkg_flows.build_kg import build_kg

    from scholarkg import lifecycle
    from scholarkg.errors import RunStopped

    config = str(write_config(tmp_path, [SAMPLE_PROFILE]))
    try:
        lifecycle.request_stop()
        with pytest.raises(RunStopped) as raised:
            build_kg(config_path=config)
        state = build_kg(config_path=config, return_state=True)
    finally:
        lifecycle.STOP.clear()
    said = "build: interrupted: stop requested (SIGTERM/SIGINT)"
    assert str(raised.value) == said
    assert raised.value.report.interrupted == "stop requested (SIGTERM/SIGINT)"
    assert state.is_cancelled() and state.message == said
    again = state.result(raise_on_failure=False)
    assert isinstance(again, RunStopped) and again.report.job == "build"


@pytest.mark.flow
@pytest.mark.server
@pytest.mark.usefixtures("prefect_harness")
def test_a_failed_harvest_deployment_run_ends_on_its_failure_reason(tmp_path: Path) -> None:
    """harvest_arxiv served, its first page an empty list with a resumption token and
    ``[limits] harvest_max_pages = 1``: nothing read, the harvest failed (not retried: its page
    arrived), the run Failed with that one line, and its log ends on it (the same
    ``final_state`` as build_kg's)."""
    from prefect.deployments import run_deployment

    server, config = harvest_past_its_page_cap(tmp_path)
    with config.open("a", encoding="utf-8") as handle:
        handle.write(
            '[schedules.test-failed-harvest]\nflow = "harvest_arxiv"\ncron = "0 5 * * 0"\n'
            'parameters = { set_spec = "cs", metadata_prefix = "arXiv", '
            'from_date = "2017-12-14" }\n'
        )
    deployment = "harvest_arxiv/test-failed-harvest"
    try:
        with serving(config, tmp_path, deployment, extra=FAULTS) as (process, log):
            flow_run = run_deployment(deployment, timeout=0)
            state = read_final_state(flow_run.id, process, log)
            assert not still_running(children(process.pid)), "the run's process did not end"
    finally:
        server.stop()
    logged = log.read_text(errors="replace")
    assert state.is_failed(), (state, logged[-4000:])
    assert len(server.requests_to("/oai")) == 1, logged[-4000:]
    [saved] = (tmp_path / "data" / "reports").glob("harvest-*.json")
    report = json.loads(saved.read_text(encoding="utf-8"))
    [(source, error)] = report["failures"]
    assert "over [limits] harvest_max_pages = 1" in error and report["records_read"] == 0
    assert state.message == f"harvest: failed: {source}: {error}", logged[-4000:]
    ended_on_its_failure(logged, state.message)


def harvest_past_its_page_cap(directory: Path) -> tuple[ReplayServer, Path]:
    """A replay server whose OAI-PMH pages are an empty list with a resumption token, and a
    config harvesting from it with ``[limits] harvest_max_pages = 1``: a harvest that reads
    nothing and fails in one line, its page not retried (it arrived)."""

    server = ReplayServer().start()
    empty = HEP_EX[: HEP_EX.index(b"<ListRecords>")] + (
        b"<ListRecords><resumptionToken>A</resumptionToken></ListRecords></OAI-PMH>"
    )
    server.add_fault(Fault("status", status=200, body=empty), path="/oai", times=-1)
    arxiv = {"enabled": True, "oai_url": server.oai_url, "min_interval": 0.0}
    return server, write_config(directory, [], arxiv=arxiv, limits={"harvest_max_pages": 1})


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_failed_harvest_arxiv_called_from_python_raises_run_failed(tmp_path: Path) -> None:
    """harvest_arxiv shares build_kg's final state: called as a function, a harvest that
    failed raises :class:`RunFailed` with its report (before: Prefect's TypeError)."""
    from scholarkg_flows.harvest_arxiv import harvest_arxiv

    from scholarkg.errors import RunFailed

    server, config = harvest_past_its_page_cap(tmp_path)
    try:
        with pytest.raises(RunFailed) as raised:
            harvest_arxiv(
                config_path=str(config),
                set_spec="cs",
                metadata_prefix="arXiv",
                from_date="2017-12-14",
            )
    finally:
        server.stop()
    report = raised.value.report
    assert report.job == "harvest" and report.records_read == 0
    assert str(raised.value).startswith("harvest: failed: OAI-PMH arXiv set=cs: ")
    assert str(raised.value).endswith(
        "over [limits] harvest_max_pages = 1; raise it in your "
        "config if the list is genuinely that long"
    )

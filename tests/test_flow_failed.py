"""A served deployment's run that fails (every source failed) ends Failed with the run's
one-line reason in its log, not on Prefect's engine error after it: a real served deployment on
the session's Prefect API, its final state read back from the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_config
from test_flow_cancel import _final_state
from test_schedules import serving
from test_stop import children, still_running


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
    with serving(config, tmp_path, deployment) as (process, log):
        flow_run = run_deployment(deployment, timeout=0)
        state = _final_state(flow_run.id)
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
    """In-process too (``scholarkg run``): Failed, the reason one line naming what failed, the
    report as its result."""
    from scholarkg_flows.build_kg import final_state

    from scholarkg.runs.report import RunReport

    down = RunReport(job="snapshot", store_error="http://127.0.0.1:9/query: connection refused")
    state = final_state(down)
    assert state.is_failed() and state.result(raise_on_failure=False) is down
    assert state.message == "snapshot: failed: store: http://127.0.0.1:9/query: connection refused"
    failures = [("a.txt", "a.txt: cannot read profile file"), ("b.txt", "404 Not Found")]
    every = final_state(RunReport(job="build", failures=failures))
    assert every.message == "build: failed: a.txt: cannot read profile file (and 1 more failed)"
    one = final_state(RunReport(job="build", failures=failures[1:]))
    assert one.message == "build: failed: b.txt: 404 Not Found"

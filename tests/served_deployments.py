"""Deployments served on the session's Prefect API (its test harness server) and the flow runs
they start: the schedules of a config served by a child process (:func:`serving`), a flow
run's final state read back from the API (:func:`read_final_state`) and, should a run hang,
where its process was (:func:`hung`). Shared by test_schedules.py, test_flow_cancel.py and
test_flow_failed.py."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from polls import until
from processes import children, where_pid

if TYPE_CHECKING:
    from prefect.client.schemas.objects import State

SERVE = (
    "import sys; from scholarkg_flows.deployments import serve_schedules; "
    "serve_schedules(sys.argv[1])"
)
BOUND_SECONDS = 180.0


def _wait_for_deployment(name: str, process: subprocess.Popen[bytes]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    def unserved() -> str:
        return f"deployment {name} was not served (serve exited: {process.poll()})"

    with get_client(sync_client=True) as client:

        def served() -> bool:
            assert process.poll() is None, unserved()
            try:
                client.read_deployment_by_name(name)
            except ObjectNotFound:
                return False
            return True

        until(served, unserved, BOUND_SECONDS, every=0.5)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # serve() shuts down and pauses its schedules
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def serving(
    config: Path, home: Path, deployment: str, extra: Mapping[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """The schedules of ``config`` served by a child process on the session's Prefect API
    (its home under ``home``; ``extra`` added to its environment), once ``deployment`` is
    there: the process and its log; the process is stopped on leaving."""
    from prefect.settings import PREFECT_API_URL

    env = {
        **os.environ,
        **(extra or {}),
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_HOME": str(home / "prefect-home"),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    }
    log = home / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(config)], env=env, stdout=out, stderr=out
        )
    try:
        _wait_for_deployment(deployment, process)
        yield process, log
    finally:
        _stop(process)


# faulthandler in the served runs: a hang's failure shows the run's Python stacks (hung)
FAULTS = {"PYTHONFAULTHANDLER": "1"}


def hung(what: str, serve: subprocess.Popen[bytes], log: Path) -> AssertionError:
    """A failure saying ``what`` did not happen in its bound, and where the flow run was: the
    threads and Python stacks of each run's process the ``serve`` runner started
    (:func:`processes.where_pid`; the runner passes a run's stderr on to its ``log``). Before,
    a hang said only ``what``."""
    runs = sorted(children(serve.pid))
    shown = [where_pid(run, lambda: log.read_text(errors="replace")) for run in runs]
    shown = shown or ["none running:\n" + log.read_text(errors="replace")[-20000:]]
    return AssertionError(f"{what}; the flow run's process, " + "\n".join(shown))


def read_final_state(flow_run_id: UUID, serve: subprocess.Popen[bytes], log: Path) -> State[Any]:
    """The flow run's final state, read from the API; one not final in the bound fails as
    :func:`hung`, with the last state read."""
    from prefect.client.orchestration import get_client

    last: list[State[Any] | None] = [None]  # the last state read
    with get_client(sync_client=True) as client:

        def final() -> bool:
            state = last[0] = client.read_flow_run(flow_run_id).state
            return state is not None and state.is_final()

        def never() -> str:
            what = f"the flow run never reached a final state (last: {last[0]!r})"
            return str(hung(what, serve, log))

        until(final, never, BOUND_SECONDS, every=0.5)
    state = last[0]
    assert state is not None  # final() held
    return state

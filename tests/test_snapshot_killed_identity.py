"""A snapshot load cut in its identity step, then run again: the store holds the quads a clean
load leaves (the same person IRIs), the registry the same decisions, and the last report the
clean load's counts.

The identity step runs in the run's main process (it reads the registry's persons, loads their
graphs and keeps its decisions once the store holds them), its worker processes emitting and
gating the person graphs batch by batch. Cut: the main process SIGKILLed as the step begins
(slugs settled, before any person graph), once the person graphs are given to the loader
(the last segment not written), and once the store holds them but before the registry keeps
its decisions (helpers/killed_at.py); a worker process SIGKILLed
while the main process is held (SIGSTOP) at the step's beginning, then let go. Input as in
test_snapshot_killed_parts.py."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from killed_snapshot import (
    BOUND,
    Clean,
    check_run_again,
    clean_load,
    command,
    load,
    make_input,
)
from registry_tables import decisions
from store_contents import reports
from worker_killed import kill_a_worker

STEP = "scholarkg.runs.identity_step:_live_batches"  # the step's persons read: it begins
HANDED = "scholarkg.runs.loading:Loading.close"  # the person graphs given to the loader
KEPT = "scholarkg.runs.identity_step:_commit"  # the store holds the person graphs


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Clean, dict[str, list[object]]]:
    found = clean_load(tmp_path_factory.mktemp("clean"))
    assert found.report["persons_new"] > 0, found.report  # type: ignore[operator]
    return found, decisions(found.directory)  # type: ignore[return-value]


@pytest.mark.parametrize("point", [STEP, HANDED, KEPT])
def test_a_run_killed_in_its_identity_step_is_completed_by_the_next(
    tmp_path: Path, clean: tuple[Clean, dict[str, list[object]]], point: str
) -> None:
    make_input(tmp_path)
    done = load(tmp_path, point)
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    check_run_again(tmp_path, clean[0], killed=True)
    assert decisions(tmp_path) == clean[1]


def test_a_worker_killed_in_the_identity_step_fails_the_run_and_the_next_completes_it(
    tmp_path: Path, clean: tuple[Clean, dict[str, list[object]]]
) -> None:
    make_input(tmp_path)
    code, shown = kill_a_worker(command(tmp_path, STEP), tmp_path / "output.txt", BOUND)
    assert code == 1, shown
    assert "outcome: failed" in shown and "Traceback" not in shown, shown
    assert "worker process ended abruptly" in shown, shown
    [report] = reports(tmp_path)
    assert report["outcome"] == "failed", report
    check_run_again(tmp_path, clean[0])
    assert decisions(tmp_path) == clean[1]

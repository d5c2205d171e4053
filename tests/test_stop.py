"""Snapshot loads stop cleanly on SIGTERM and leave nothing running behind, even after SIGKILL.

The input is CONSTRUCTED (tests/stopped_runs.py: the 100 real snapshot lines copied under new
ids). A load to be stopped midway holds itself at a chosen chunk for the test to signal it.
Stops of ``scholarkg run``: test_stop_run.py; of a back-off wait: test_stop_backoff.py.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from building import content
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from stopped_runs import (
    BOUND,
    COPIES,
    THIRD_CHUNK,
    Run,
    copies,
    still_running,
    stopped_counts_what_the_store_holds,
)

pytest_plugins = ("stopped_runs_fixtures",)


@pytest.mark.parametrize("loader", ["bulk", "transactional"])
def test_sigterm_stops_a_snapshot_load_cleanly_and_the_next_run_completes_it(
    tmp_path: Path, loader: str, uninterrupted: dict[str, set[tuple[str, str, str]]]
) -> None:
    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    run = tmp_path / "run"
    run.mkdir()
    job = Run(run, snapshot, loader=loader, held_at=THIRD_CHUNK)
    workers = job.hold()
    process = job.process
    assert workers, "the load runs worker processes"
    process.send_signal(signal.SIGTERM)
    job.go_on()
    out, err = job.finish()
    assert process.returncode == 128 + signal.SIGTERM  # as the shell reports a SIGTERM'd process
    assert b"stopping (SIGTERM)" in err
    assert b"outcome: failed" in out and b"failed: interrupted" in out
    assert not still_running(workers)
    [path] = (run / "data" / "reports").glob("snapshot-*.json")
    report = json.loads(path.read_text())
    assert report["interrupted"]
    stopped_counts_what_the_store_holds(run, report)
    assert f"store: holds {report['store_quads']} quads".encode() in out.splitlines(), out
    # The next run finishes the job: the store ends as one uninterrupted load makes it.
    config = load_config(run / "scholarkg.toml")
    bulk = loader == "bulk"
    again = load_snapshot(config, snapshot, chunk_records=50, workers=0, bulk=bulk).report
    assert again.outcome == "ok", again.summary_lines()
    assert content(config) == uninterrupted


def test_sigkill_takes_the_worker_processes_with_it(tmp_path: Path) -> None:
    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    job = Run(tmp_path, snapshot, held_at=THIRD_CHUNK)
    workers = job.hold()
    process = job.process
    assert workers
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=BOUND)
    assert not still_running(workers)

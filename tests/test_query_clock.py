"""``scholarkg query``'s time limit starts when its query does: a command held (SIGSTOP, by
tests/helpers/killed_at.py) as its pool takes its worker, until the limit has passed on the
clock the command reads, then let go, prints its rows and ends 0 (before: the clock that bounds
the writes to stdout started before, so the command ended "ran longer than the time limit of
3 s" with no row, though its query had run for milliseconds). CLOCK_MONOTONIC is one clock for
every process here, so the hold is known to pass the limit, however busy the machine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import write_config
from processes import communicate_all, wait_held
from serve_fixtures import build_v2_store

HELPER = Path(__file__).parent / "helpers" / "killed_at.py"
LIMIT = 3.0
QUERY = "SELECT ?s WHERE { ?s a <https://w3id.org/scholarkg/ontology#Person> } ORDER BY ?s"


@pytest.mark.parametrize(
    "held_at",
    ["scholarkg.serve.worker_supply:WorkerSupply._acquire", "scholarkg.serve.workers:check_query"],
    ids=["taking its worker", "checking the text"],
)
def test_the_time_limit_starts_when_the_query_does(tmp_path: Path, held_at: str) -> None:
    store = build_v2_store(tmp_path / "store")
    config = write_config(tmp_path, [], store={"path": str(store)}, serve={"time_limit": LIMIT})
    command = subprocess.Popen(
        [sys.executable, str(HELPER), held_at, "query", "--config", str(config),
         "--sparql", QUERY, "--format", "csv"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "KILLED_BY": "STOP", "PYTHONFAULTHANDLER": "1"},  # a hang shows stacks
    )  # fmt: skip
    try:
        wait_held(command, lambda: command.communicate(timeout=60))
        passed = time.monotonic() + LIMIT
        while time.monotonic() <= passed:  # until the limit has passed for the held command
            time.sleep(0.1)
        command.send_signal(signal.SIGCONT)
        [(out, err)] = communicate_all([command], 60)  # a hang shows where it was
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()
    assert (command.returncode, err) == (0, ""), err
    rows = out.splitlines()
    assert rows[0] == "s" and len(rows) == 9, out  # the fixture's 8 persons

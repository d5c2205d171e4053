"""Ctrl-C in a terminal stops ``scholarkg run`` and ``arxiv load-snapshot`` as a signal to the
run alone would.

A terminal sends SIGINT to its whole foreground process group, and ``kill -TERM -<pgid>`` sends
SIGTERM the same way: every process the run started gets it, not only the run. The run here
leads a process group of its own (``start_new_session``), as a shell's job does, and the signal
goes to that group (:func:`os.killpg`), or to each process the run started, as systemd stops a
service. The temporary Prefect API must still answer while the run records its end: the run
says it is stopping once, prints its summary, exits 128 + the signal, and nothing of Prefect's
shows (no traceback, no log line, no lost connection). A snapshot load's worker processes
leave the SIGINT to the run, which stops them.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from conftest import write_config
from processes import children
from samples import ROOT
from stopped_runs import (
    BOUND,
    COPIES,
    STARTUP_BOUND,
    THIRD_CHUNK,
    Run,
    copies,
    dripping_profile,
    still_running,
)

PREFECT_LINE = re.compile(rb"^\d\d:\d\d:\d\d\.\d{3} \| ", re.MULTILINE)  # Prefect's console
PREFECT_NOISE = (b"Traceback", b"ERROR", b"EventsWorker", b"Error logging to API", b"prefect.")


def start_run_in_own_group(config: Path, home: Path) -> subprocess.Popen[bytes]:
    """``scholarkg run`` leading a new process group, with its own Prefect home (database)."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "scholarkg.cli", "run", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env | {"PREFECT_HOME": str(home)},
        start_new_session=True,
    )


def flow_run_states(home: Path) -> dict[str, str]:
    """Each flow run's name and state type, as the temporary Prefect API recorded them."""
    with closing(sqlite3.connect(home / "prefect.db")) as db:
        rows = db.execute(
            "SELECT flow.name, state_type FROM flow_run JOIN flow ON flow.id = flow_id"
        )
        return {name: state for name, state in rows}


@pytest.mark.parametrize(
    ("sig", "everyone"),
    [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGTERM, True)],
    ids=["SIGINT to its group", "SIGTERM to its group", "SIGTERM to each of its processes"],
)
def test_a_signal_to_all_of_a_run_stops_it_cleanly_and_quietly(
    tmp_path: Path, sig: signal.Signals, everyone: bool
) -> None:
    drip = dripping_profile()
    sample = ROOT / "examples" / "profiles" / "leonard-hussenot.txt"
    config = write_config(
        tmp_path, [sample, drip.url], http={"read_timeout": 30.0, "min_interval": 0.0}
    )
    home = tmp_path / "prefect-home"
    process = start_run_in_own_group(config, home)
    try:
        # (a new Prefect home: the API creates its database first, hence the longer bound)
        assert drip.asked.wait(STARTUP_BOUND), "the run never fetched the page"
        spawned = children(process.pid)
        if everyone:  # as systemd stops a service: each process in its control group
            for pid in [process.pid, *spawned]:
                os.kill(pid, sig)
        else:  # as Ctrl-C (SIGINT) does to a terminal's foreground job
            os.killpg(process.pid, sig)
        out, err = process.communicate(timeout=BOUND)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        drip.stop()
    shown = out + err
    assert [line for line in err.splitlines() if line.startswith(b"stopping")] == [
        f"stopping ({sig.name}): finishing the current step".encode()
    ], err
    assert b"failed: interrupted" in out, out
    assert not [word for word in PREFECT_NOISE if word in shown], shown.decode()
    assert not PREFECT_LINE.search(shown), shown.decode()
    assert process.returncode == 128 + sig, shown.decode()  # 130 for SIGINT, 143 for SIGTERM
    assert not still_running(spawned)
    # The API answered to the end: the body returned its report, and build_kg ended Cancelled
    # (a stopped run; before the flows said so, Failed).
    assert flow_run_states(home) == {"build_kg": "CANCELLED", "build_kg-tasks": "COMPLETED"}


def test_ctrl_c_stops_a_snapshot_load_and_its_workers_without_a_traceback(tmp_path: Path) -> None:
    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    job = Run(tmp_path, snapshot, own_group=True, held_at=THIRD_CHUNK)
    try:
        workers = job.hold()
        assert workers, "the load runs worker processes"
        os.killpg(job.process.pid, signal.SIGINT)  # its workers leave it to the run
        job.go_on()
        out, err = job.finish()
    finally:
        if job.process.poll() is None:
            os.killpg(job.process.pid, signal.SIGKILL)
            job.process.wait()
    assert b"stopping (SIGINT)" in err, err
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err.decode()
    assert b"failed: interrupted" in out, out
    assert job.process.returncode == 128 + signal.SIGINT
    assert not still_running(workers)
    [report] = (tmp_path / "data" / "reports").glob("snapshot-*.json")
    assert json.loads(report.read_text())["interrupted"]

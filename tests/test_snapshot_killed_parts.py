"""A bulk snapshot load killed in one of its parts, then run again: the store holds exactly the
quads a clean load leaves, the manifest what a clean load notes and the store holds, the last
report's counts are what the store holds (a SPARQL count) and what a clean load reports, and
each bad line is quarantined once.

The parts: one worker process of the run's pool (SIGKILL from outside, found among the run's
children while the run holds itself as it takes its twelfth chunk); the whole run while
Oxigraph's ``bulk_load`` writes a segment (SIGKILL once its ``bulk-*.sst`` files appear in the
store directory); the whole run at fixed points of a segment (``helpers/killed_at.py``): its
``bulk_load`` still reading, its new graphs in the store with its manifest not yet committed,
and (a second load, of revised titles) its changed graphs patched in the store with its
manifest not yet committed. Input: the 100 real Kaggle lines three times under new ids (300
records) with a broken line and a duplicate among them; segments of ~1000 quads, chunks of 10
records, two worker processes (the default).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from file_events import appearing
from killed_snapshot import (
    BOUND,
    Clean,
    check_run_again,
    command,
    counted_in_store,
    load,
    make_input,
    manifest_rows,
)
from store_contents import quads, reports
from worker_killed import kill_a_worker

pytest_plugins = ("killed_snapshot_fixtures",)

ATTEMPTS = 5  # loads started until a kill lands where the test means it to
# Where a load is held for one of its workers to be killed (helpers/killed_at.py, KILLED_BY=STOP):
# as it takes its twelfth chunk, eleven in (a segment of them committed), 19 to come.
TWELFTH_CHUNK = "scholarkg.runs.records:Ingest.absorb@12"


# -- one worker process killed -------------------------------------------------------------------


def committed_chunks(directory: Path) -> int:
    """Chunks the manifest holds as loaded (committed segments)."""
    path = directory / "store" / "scholarkg-manifest.sqlite"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
            return int(db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])
    except sqlite3.OperationalError:  # not made yet
        return 0


def test_a_worker_killed_mid_load_fails_the_run_and_the_next_run_completes_it(
    tmp_path: Path, clean: Clean
) -> None:
    """The load held as it takes its twelfth chunk (a segment committed), one of its workers
    SIGKILLed, then let go on."""

    def committed() -> None:
        assert committed_chunks(tmp_path) >= 1

    make_input(tmp_path)
    _, shown = kill_a_worker(
        command(tmp_path, TWELFTH_CHUNK), tmp_path / "output.txt", BOUND, committed
    )
    assert "outcome: failed" in shown, shown
    assert "Traceback" not in shown
    said = [line for line in shown.splitlines() if line.startswith(("error:", "failed:"))]
    assert said and "worker process ended abruptly" in said[0], shown
    [report] = reports(tmp_path)
    assert report["outcome"] == "failed", report
    assert report["store_quads"] == counted_in_store(tmp_path)
    assert report["records_loaded"] < clean.report["records_loaded"]  # type: ignore[operator]
    check_run_again(tmp_path, clean)


# -- the whole run killed in a segment -----------------------------------------------------------


def killed_while_bulk_loading(directory: Path) -> bool:
    """Start the load; SIGKILL it (and its workers) once ``bulk_load`` writes a segment's files
    into the store directory. False if the load ended before that could be seen."""
    store = directory / "store"
    process = subprocess.Popen(
        command(directory), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        # as the kernel saw them made: a segment's files, there for moments, are not missed
        for name in appearing(store, lambda: process.poll() is not None):
            if name.startswith("bulk-"):
                os.killpg(process.pid, signal.SIGKILL)
                break
        process.wait(timeout=BOUND)
    finally:
        if process.poll() is None:  # only when the test itself failed
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
    return process.returncode == -signal.SIGKILL


def test_a_run_killed_while_a_segment_is_bulk_loaded_is_completed_by_the_next(
    tmp_path: Path, clean: Clean
) -> None:
    for attempt in range(ATTEMPTS):
        directory = make_input(tmp_path / f"attempt-{attempt}").parent
        if killed_while_bulk_loading(directory):
            break
    else:
        pytest.fail(f"no load was seen bulk loading in {ATTEMPTS} attempts")
    assert reports(directory) == []  # killed: no report, no record
    check_run_again(directory, clean, killed=True)


@pytest.mark.parametrize(
    "point",
    [
        # the segment's bulk_load runs, reading what the loader hands it
        "scholarkg.load.oxigraph_stream:OxigraphStream.close",
        # the segment's graphs are in the store, its manifest rows not committed
        "scholarkg.load.new_graphs:NewGraphs.send_requests",
    ],
)
def test_a_run_killed_at_a_point_of_a_segment_is_completed_by_the_next(
    tmp_path: Path, clean: Clean, point: str
) -> None:
    make_input(tmp_path)
    done = load(tmp_path, point)
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    assert reports(tmp_path) == []
    check_run_again(tmp_path, clean, killed=True)


# -- the whole run killed with a segment's changed graphs patched, its manifest not committed -----


def revise(directory: Path) -> None:
    """Every other line of the input gets a new title (a graph of as many quads as before)."""
    path = directory / "s.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        if n % 2 == 0 and line.endswith("}"):
            data = json.loads(line)
            data["title"] += " (revised)"
            lines[n] = json.dumps(data, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Clean:
    """A clean load of the input, then a clean load of it revised."""
    directory = tmp_path_factory.mktemp("revised")
    make_input(directory)
    assert load(directory).returncode == 1
    revise(directory)
    assert load(directory).returncode == 1
    *_, report = reports(directory)
    assert report["graphs_written"] == 150, report
    return Clean(directory, quads(directory), report, manifest_rows(directory))


def test_a_run_killed_with_changed_graphs_in_the_store_is_completed_by_the_next(
    tmp_path: Path, revised: Clean
) -> None:
    make_input(tmp_path)
    assert load(tmp_path).returncode == 1
    revise(tmp_path)
    done = load(tmp_path, "scholarkg.load.segment_tally:SegmentTally.changed")
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    # before: each graph the killed run had patched named it and the next run (300 quads more)
    check_run_again(tmp_path, revised, killed=True)


def test_the_input_loaded_before_a_killed_run_loads_again_over_what_it_patched(
    tmp_path: Path, clean: Clean
) -> None:
    make_input(tmp_path)
    before = (tmp_path / "s.jsonl").read_bytes()
    assert load(tmp_path).returncode == 1
    revise(tmp_path)
    done = load(tmp_path, "scholarkg.load.segment_tally:SegmentTally.changed")
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    (tmp_path / "s.jsonl").write_bytes(before)
    # before: the graphs the killed run patched were taken as unchanged (the manifest's digest
    # and quad count), and kept its titles
    check_run_again(tmp_path, clean, killed=True, gated=False)

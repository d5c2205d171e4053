"""A change set that a full disk refuses while ``scholarkg run`` loads: the run fails with one
line naming the change-set file, and its report counts what the store holds (before: the
flush of the change set in ``Loading.close`` raised before the load's counts were added, so a
report left out every graph the store took).

The full disk is a small tmpfs mounted on the data directory's ``changes`` folder: the only
file system that fills is the change set's (the store, the registry and the report are
elsewhere). Mounting needs root (CAP_SYS_ADMIN): skipped without it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_config
from limited_runs import LOAD_SNAPSHOT, run
from samples import SAMPLE_PROFILE
from store_contents import held_quads, reports

# a clean run's change set holds ~390 kB (its triples), a snapshot load's ~25 kB (a bulk
# loader lists its graphs only): each fills part-way through the load
SIZES = {"run": "96k", "load-snapshot": "8k"}


@pytest.fixture
def full_changes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    size = SIZES["load-snapshot" if "bulk" in request.node.name else "run"]
    folder = tmp_path / "data" / "changes"
    folder.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.flow
def test_a_change_set_the_disk_refuses_still_counts_what_the_store_holds(
    tmp_path: Path, full_changes: Path, prefect_harness: None
) -> None:
    write_config(tmp_path, [SAMPLE_PROFILE])
    check_counted(tmp_path, full_changes, ("run",))


def test_a_bulk_load_whose_change_set_the_disk_refuses_counts_what_the_store_holds(
    tmp_path: Path, full_changes: Path
) -> None:
    write_config(tmp_path, [])
    check_counted(tmp_path, full_changes, LOAD_SNAPSHOT)


def check_counted(tmp_path: Path, full_changes: Path, command: tuple[str, ...]) -> None:
    done = run(tmp_path, command=command)
    shown = done.stdout + done.stderr
    assert done.returncode == 1, shown
    assert "Traceback" not in shown
    said = [line for line in shown.splitlines() if line.startswith(("error:", "failed:"))]
    assert said, shown
    for line in said:  # one line, naming the change-set file and why
        assert str(full_changes) in line and "change set" in line, line
        assert "No space left on device" in line, line
    [report] = reports(tmp_path)
    assert report["outcome"] == "failed"
    held = held_quads(tmp_path / "store")
    assert held  # the store took graphs before the change set filled up
    assert report["store_quads"] == held
    wrote = [report[k] for k in ("triples_added", "provenance_triples", "report_triples")]
    assert sum(wrote) + sum(report["run_graphs"].values()) == held, (wrote, report)
    assert report["graphs_written"]

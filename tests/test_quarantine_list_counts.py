"""What ``scholarkg quarantine list`` counts of a run is what the run's report counts: its
records, not the lines of its files. A line that is no whole record (cut short by a kill, or
not written by scholarkg) is counted apart and named on stderr.

Before: every line of a run's records file counted as a record, so a run whose report said 2
quarantined was listed with 4 records once its file held two lines that are none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import write_config

BOUND = 300  # only catches a hang
RECORD = {
    "id": "0704.0001",
    "title": "A title",
    "authors": "A. Author",
    "categories": "cs.AI",
    "abstract": "An abstract.",
    "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
    "update_date": "2007-04-02",
}


def scholarkg(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": os.pathsep.join(str(Path(p).resolve()) for p in sys.path)}
    return subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", *args],
        capture_output=True,
        text=True,
        timeout=BOUND,
        env=env,
        check=False,
    )


def test_lines_that_are_no_record_are_not_counted_as_records(tmp_path: Path) -> None:
    config = str(write_config(tmp_path, []))
    snapshot = tmp_path / "snap.jsonl"
    snapshot.write_text(f"{{not json 1\n{{not json 2\n{json.dumps(RECORD)}\n", encoding="utf-8")
    loaded = scholarkg("arxiv", "load-snapshot", str(snapshot), "--config", config)
    assert loaded.returncode == 1, loaded.stderr  # partial: two lines quarantined
    [report] = (tmp_path / "data" / "reports").glob("*.json")
    counted = json.loads(report.read_text("utf-8"))["quarantined_count"]
    assert counted == 2
    [kept] = (tmp_path / "data" / "quarantine" / "records").glob("*/*.jsonl")
    with kept.open("a", encoding="utf-8") as out:  # a stray line, then one a kill cut short
        out.write('not a record\n{"source": "snap.jsonl", "line": 9, "rea')

    listed = scholarkg("quarantine", "list", "--json", "--config", config)
    assert listed.returncode == 0, listed.stderr
    [run] = json.loads(listed.stdout)["runs"]
    assert run["records"] == counted  # before: 4
    assert (run["unreadable"], run["referred"]) == (2, 0)
    assert json.loads(listed.stdout)["distinct"]["records"] == counted
    assert listed.stderr.splitlines() == [
        f"note: {kept}:{n}: not a whole record (a write cut short?): skipped" for n in (3, 4)
    ]

    shown = scholarkg("quarantine", "list", "--config", config)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0] == (
        f"{run['run']}: 2 records, 0 graphs (0 kept by an earlier run), {run['size']} bytes; "
        "2 lines no whole entry (noted on stderr)"
    )

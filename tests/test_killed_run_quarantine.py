"""A run killed outright: the report the next run writes for it says what the quarantine keeps
of it, as ``scholarkg quarantine list`` counts it (before: 0 quarantined and 0 rejected, while
the quarantine listed its records and graphs)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from conftest import write_config
from test_quarantine_graphs import bad_snapshot, scholarkg

# at its first segment's commit (noted after its start): its graphs in the store name it, and the
# quarantine keeps its bad lines and rejected graphs
KILLED_AT = "scholarkg.load.commit_mark:note_commit@2"


def test_a_killed_runs_report_counts_what_the_quarantine_keeps_of_it(tmp_path: Path) -> None:
    config = str(write_config(tmp_path, [], arxiv={"enabled": False}))
    snapshot = bad_snapshot(tmp_path / "bad.jsonl")
    lines = snapshot.read_text("utf-8").splitlines()
    snapshot.write_text("\n".join(["{not json a", "{not json b", *lines]) + "\n", "utf-8")
    args = ("arxiv", "load-snapshot", str(snapshot), "--batch-size", "10", "--config", config)
    killed = scholarkg(*args, killed_at=KILLED_AT)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    again = scholarkg(*args)
    assert again.returncode == 1, again.stderr  # partial: its own bad lines and graphs

    reports = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "data" / "reports").glob("*")]
    [report] = [r for r in reports if (r.get("interrupted") or "").startswith("killed")]
    listed = scholarkg("quarantine", "list", "--json", "--config", config)
    assert listed.returncode == 0, listed.stderr
    runs = {run["run"]: run for run in json.loads(listed.stdout)["runs"]}
    kept = runs[report["run_iri"].rsplit("/", 1)[-1]]
    assert kept["records"] == 2 and kept["graphs"] >= 1
    assert report["quarantined_count"] == kept["records"]  # before: 0
    assert len(report["rejected"]) == kept["graphs"]
    assert report["quarantined"] == [
        f"{snapshot}:{n}: not JSON: Expecting property name enclosed in double quotes: line 1 "
        "column 2 (char 1)"
        for n in (1, 2)
    ]

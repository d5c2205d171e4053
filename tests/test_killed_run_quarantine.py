"""A run killed outright: the report the next run writes for it says what the quarantine keeps
of it, as ``scholarkg quarantine list`` counts it (before: 0 quarantined and 0 rejected, while
the quarantine listed its records and graphs)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from conftest import write_config
from refused_categories import bad_snapshot, scholarkg
from samples import SAMPLE_PROFILE
from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine import LISTED, quarantine_records
from scholarkg.runs.killed_quarantine import kept_of_killed
from scholarkg.runs.report import RunReport

# at its first segment's commit (noted after its start): its graphs in the store name it, and the
# quarantine keeps its bad lines and rejected graphs
KILLED_AT = "scholarkg.load.commit_mark:note_commit@2"
# a build at its second profile's commit: its first profile's graphs and quarantined paper kept
KILLED_BUILD_AT = "scholarkg.load.commit_mark:note_commit@3"


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


def test_a_killed_builds_report_counts_its_quarantined_papers_as_listed_not_loaded(
    tmp_path: Path,
) -> None:
    """Its commit noted the papers it loaded; its report adds the listed papers the quarantine
    keeps of it (their kind noted) to its papers listed, so its papers loaded stay those
    (before: a killed build's report left its quarantined papers out: 0 quarantined)."""
    bad = tmp_path / "p.txt"
    bad.write_text(SAMPLE_PROFILE.read_text("utf-8").replace("LGJul 19, 2024\n", "LG\n", 1))
    other = SAMPLE_PROFILE.parent / "robert-dadashi.txt"
    config = str(write_config(tmp_path, [bad, other]))
    killed = scholarkg("run", "--config", config, killed_at=KILLED_BUILD_AT)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    again = scholarkg("run", "--config", config)
    assert again.returncode == 1, again.stdout + again.stderr  # partial: the paper again

    reports = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "data" / "reports").glob("*")]
    [report] = [r for r in reports if (r.get("interrupted") or "").startswith("killed")]
    listed = scholarkg("quarantine", "list", "--json", "--config", config)
    assert listed.returncode == 0, listed.stderr
    runs = {run["run"]: run for run in json.loads(listed.stdout)["runs"]}
    assert runs[report["run_iri"].rsplit("/", 1)[-1]]["records"] == 1
    assert report["quarantined"] == [
        f"{bad}:19: paper has no date: its line is the subject code 'LG' alone"
    ]  # before: []
    assert (report["papers"], report["entries_quarantined"]) == (25, 0)  # 24 loaded, 1 not


def test_a_killed_builds_arxiv_entries_are_told_apart_from_its_listed_papers(
    tmp_path: Path,
) -> None:
    """Its listed papers are kept with their kind, its arXiv entries without: the entries are
    counted as quarantined, not as papers listed (before: a build's records were left out, as
    the two could not be told apart in the quarantine)."""
    run = "20261206T050000Z-0123abcd"
    paper = QuarantinedRecord("p.txt", 19, "paper has no date", "BOND")
    entry = QuarantinedRecord("http://127.0.0.1:1/api/query?id_list=x", 3, "bad id", "<entry/>")
    quarantine_records([paper], tmp_path, run, kind=LISTED)
    quarantine_records([entry], tmp_path, run)
    report = RunReport("build", f"https://w3id.org/scholarkg/id/run/{run}", papers=24)
    kept_of_killed(tmp_path, report)
    assert sorted(report.quarantined) == sorted([paper.describe(), entry.describe()])
    assert (report.papers, report.entries_quarantined, report.papers_loaded) == (25, 1, 24)

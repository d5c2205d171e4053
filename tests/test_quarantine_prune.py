"""``scholarkg quarantine list|prune``: each run's entries, and removing older runs' (never the
latest's) without losing what a kept run refers to. Before, nothing removed a run's folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config
from quarantined_runs import FINDING, GRAPH, OLD, RUNS, SHARED, three_runs
from scholarkg.config import load_config
from scholarkg.quarantine import read_quarantined
from scholarkg.quarantine_graphs import read_rejected
from scholarkg.quarantine_runs import PruneRefused, chosen, entries, prune, runs

BOUND = 120  # only catches a hang


def scholarkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", "quarantine", *args],
        capture_output=True,
        text=True,
        timeout=BOUND,
    )


def test_keeping_the_newest_run_copies_what_it_refers_to_then_removes_the_others(
    tmp_path: Path,
) -> None:
    three_runs(tmp_path)
    listed = entries(tmp_path)
    assert [(e.run, e.records, e.graphs, e.referred) for e in listed] == [
        (RUNS[0], 2, 1, 0),
        (RUNS[1], 1, 1, 2),
        (RUNS[2], 1, 1, 2),
    ]
    prune(tmp_path, chosen(tmp_path, keep=1))
    assert runs(tmp_path) == [RUNS[2]]
    assert sorted(p.name for p in (tmp_path / "records").iterdir()) == [RUNS[2]]
    assert read_quarantined(tmp_path).records == [SHARED]  # the text, now in the kept run
    [graph] = read_rejected(tmp_path).graphs
    assert graph.graph == GRAPH and graph.ntriples == "<a:s> <a:p> <a:o> .\n"
    [kept] = entries(tmp_path)
    assert (kept.records, kept.graphs, kept.referred) == (1, 1, 0)


def test_the_oldest_kept_run_takes_the_entry_and_the_later_ones_refer_to_it(
    tmp_path: Path,
) -> None:
    three_runs(tmp_path)
    prune(tmp_path, chosen(tmp_path, before=RUNS[1]))
    assert runs(tmp_path) == RUNS[1:]
    [middle, last] = entries(tmp_path)
    assert (middle.referred, last.referred) == (0, 2)
    [later] = (tmp_path / "records" / RUNS[2]).glob("*.jsonl")
    assert json.loads(later.read_text("utf-8"))["kept_in"] == RUNS[1]
    assert read_quarantined(tmp_path).records == [SHARED]
    assert read_quarantined(tmp_path).notes == read_rejected(tmp_path).notes == []


def test_the_latest_run_is_never_pruned(tmp_path: Path) -> None:
    three_runs(tmp_path)
    assert chosen(tmp_path, keep=1) == RUNS[:2]
    assert chosen(tmp_path, keep=5) == []
    assert chosen(tmp_path, before="2099-01-01") == RUNS[:2]
    assert chosen(tmp_path, before="2024-02-02") == RUNS[:1]  # runs started that day stay
    assert chosen(tmp_path, before=RUNS[0]) == []
    with pytest.raises(PruneRefused, match="no such run"):
        chosen(tmp_path, before="20240202")
    with pytest.raises(PruneRefused, match="no such date"):
        chosen(tmp_path, before="2024-02-30")


def test_the_command_lists_and_prunes_the_runs_of_the_configured_quarantine(
    tmp_path: Path,
) -> None:
    config_path = str(write_config(tmp_path, []))
    three_runs(load_config(config_path).quarantine_dir)
    listed = scholarkg("list", "--json", "--config", config_path)
    assert listed.returncode == 0 and listed.stderr == ""
    data = json.loads(listed.stdout)
    assert [r["run"] for r in data["runs"]] == RUNS
    assert data["distinct"] == {"records": 2, "graphs": 1}
    text = scholarkg("list", "--config", config_path).stdout.splitlines()
    assert text[1].startswith(f"{RUNS[1]}: 1 records, 1 graphs (2 kept by an earlier run), ")

    refused = scholarkg("prune", "--before", "nosuch", "--config", config_path)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith("error: --before nosuch: the quarantine keeps no such run")
    assert refused.stderr.count("\n") == 1
    assert scholarkg("prune", "--keep", "0", "--config", config_path).returncode == 2

    pruned = scholarkg("prune", "--keep", "2", "--config", config_path)
    assert pruned.returncode == 0 and pruned.stderr == ""
    assert pruned.stdout.splitlines()[0] == f"pruned {RUNS[0]}"
    assert [
        r["run"]
        for r in json.loads(scholarkg("list", "--json", "--config", config_path).stdout)["runs"]
    ] == RUNS[1:]


HELPER = Path(__file__).parent / "helpers" / "killed_at.py"


@pytest.mark.parametrize("where", ["os:replace:.jsonl", "shutil:rmtree"])
def test_a_prune_killed_midway_loses_nothing_and_the_next_one_finishes(
    tmp_path: Path, where: str
) -> None:
    """SIGKILL as a kept run's file is replaced, or as the first pruned folder is removed:
    every entry still reads back, with no note, and the next prune ends where it was to (only
    what the first run alone kept is gone)."""
    config_path = str(write_config(tmp_path, []))
    root = load_config(config_path).quarantine_dir
    three_runs(root)
    before = (read_quarantined(root).records, read_rejected(root).graphs)
    args = ["quarantine", "prune", "--keep", "1", "--config", config_path]
    killed = subprocess.run(
        [sys.executable, str(HELPER), where, *args], capture_output=True, timeout=BOUND
    )
    assert killed.returncode == -9, killed.stderr
    assert (read_quarantined(root).records, read_rejected(root).graphs) == before
    assert read_quarantined(root).notes == read_rejected(root).notes == []
    assert scholarkg(*args[1:]).returncode == 0
    assert runs(root) == RUNS[2:]
    assert (read_quarantined(root).records, read_rejected(root).graphs) == ([SHARED], before[1])


def test_a_prune_with_nothing_to_prune_writes_nothing(tmp_path: Path) -> None:
    """No run.lock (nor data folder) made where there is nothing to prune (before: made)."""
    config_path = str(write_config(tmp_path, []))
    data = load_config(config_path).data_dir
    for args in (["--keep", "1"], ["--before", "2099-01-01"]):
        done = scholarkg("prune", *args, "--config", config_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.endswith(": 0 runs pruned\n")
        assert not data.exists()
    three_runs(load_config(config_path).quarantine_dir)
    assert scholarkg("prune", "--keep", "5", "--config", config_path).returncode == 0
    assert not (data / "run.lock").exists()
    assert scholarkg("prune", "--keep", "2", "--config", config_path).returncode == 0
    assert (data / "run.lock").exists()  # taken when it prunes


def old_layout_entries(root: Path) -> None:
    """A record file and a graph folder as stores written before runs had folders keep them."""
    (root / "records").mkdir(parents=True, exist_ok=True)
    record = {"source": "old.jsonl", "line": 7, "reason": "not JSON", "text": "{older"}
    (root / "records" / "old_jsonl-0123456789ab-L7.json").write_text(json.dumps(record))
    folder = root / "graphs" / "0704.0009-0123456789ab"
    folder.mkdir(parents=True)
    (folder / "graph.nt").write_text("<a:s> <a:p> <a:old> .\n")
    summary = {"graph": GRAPH + "9", "source": "s", "findings": [FINDING.__dict__]}
    (folder / "findings.json").write_text(json.dumps(summary))


def test_the_layout_before_run_folders_is_listed_and_pruned_as_older_than_every_run(
    tmp_path: Path,
) -> None:
    """Before: listed with no run, never pruned (it belongs to no run)."""
    config_path = str(write_config(tmp_path, []))
    root = load_config(config_path).quarantine_dir
    three_runs(root)
    old_layout_entries(root)
    assert len(read_quarantined(root).records) == 3 and len(read_rejected(root).graphs) == 2
    listed = scholarkg("list", "--json", "--config", config_path)
    assert json.loads(listed.stdout)["old_layout"] == {"records": 1, "graphs": 1}
    text = scholarkg("list", "--config", config_path).stdout.splitlines()
    assert text[0] == (
        "before runs had folders: 1 records, 1 graphs (older than every run: pruned with them)"
    )
    kept = scholarkg("prune", "--before", "2000-01-01", "--config", config_path)
    assert kept.returncode == 0 and "layout before" not in kept.stdout  # written since
    pruned = scholarkg("prune", "--keep", "3", "--config", config_path)  # no run pruned
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.splitlines()[0] == (
        "pruned the layout before runs had folders (1 records, 1 graphs)"
    )
    assert runs(root) == RUNS
    assert read_quarantined(root).records == [OLD, SHARED]
    assert [g.graph for g in read_rejected(root).graphs] == [GRAPH]
    assert "old_layout" in listed.stdout and list((root / "records").glob("*.json")) == []


def test_files_not_written_by_scholarkg_are_listed_apart_and_counted_nowhere(
    tmp_path: Path,
) -> None:
    """Files in ``records/`` no run wrote (another name, not JSON, empty, a folder where a
    file goes) are named on a line of their own, never counted as records, and never stop
    the listing or a prune (before: not-JSON and empty ``*.json`` files counted as records of
    the old layout, the others not shown, and a folder named ``*.json`` or ``*.jsonl`` made the
    listing fail)."""
    config_path = str(write_config(tmp_path, []))
    root = load_config(config_path).quarantine_dir
    three_runs(root)
    records = root / "records"
    (records / "notes.txt").write_text("mine\n")
    (records / "broken.json").write_text("{not json")
    (records / "empty.json").write_text("")
    (records / "folder.json").mkdir()
    (records / RUNS[0] / "README.md").write_text("kept by hand\n")
    (records / RUNS[1] / "mine.jsonl").mkdir()
    junk = {"notes.txt", "broken.json", "empty.json", f"{RUNS[0]}/README.md"}
    junk |= {f"{RUNS[1]}/mine.jsonl"}
    listed = scholarkg("list", "--json", "--config", config_path)
    assert listed.returncode == 0 and listed.stderr == "", listed.stderr
    data = json.loads(listed.stdout)
    assert sorted(data["not_records"]) == sorted(f"records/{name}" for name in junk)
    assert data["old_layout"] == {"records": 0, "graphs": 0}
    assert data["distinct"] == {"records": 2, "graphs": 1}
    assert [(r["run"], r["records"]) for r in data["runs"]] == list(
        zip(RUNS, [2, 1, 1], strict=True)
    )
    text = scholarkg("list", "--config", config_path)
    assert text.returncode == 0 and text.stderr == "", text.stderr
    [line] = [line for line in text.stdout.splitlines() if "not quarantine records" in line]
    assert line.startswith("5 files here are not quarantine records (not written by ")
    assert all(f"records/{name}" in line for name in junk), line
    assert not text.stdout.startswith("before runs had folders")
    pruned = scholarkg("prune", "--keep", "1", "--config", config_path)
    assert pruned.returncode == 0, pruned.stderr
    assert runs(root) == RUNS[2:] and read_quarantined(root).records == [SHARED]
    assert (records / "notes.txt").exists() and (records / "broken.json").exists()

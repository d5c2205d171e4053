"""The bulk loader counts a changed graph's triples as a diff, as the transactional loader does:
re-loading a record whose title changed adds one triple and removes one (it counted the whole
graph twice: +N / -N). A first load adds every triple; a graph changed behind the manifest's
back is compared with what the store holds. The change set files say the same.

Inputs are real snapshot lines (tests/constructed.py ``snapshot_line``), one retitled.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_config
from constructed import snapshot_line
from scholarkg.config import Config, load_config
from scholarkg.iris import Minter
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport
from scholarkg.store.embedded import EmbeddedStore

IDS = ["0704.0002", "0704.0003", "0704.0004", "0704.0005"]
GRAPH = Minter().base + "graph/arxiv/0704.0003"
PAPER = Minter().base + "paper/arxiv/0704.0003"
TITLE = "<http://purl.org/dc/terms/title>"


def snapshot(directory: Path, title: str | None = None) -> Path:
    lines = [snapshot_line(i) for i in IDS]
    if title is not None:
        data = json.loads(lines[1])
        data["title"] = title
        lines[1] = json.dumps(data)
    path = directory / "snapshot.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def loaded(directory: Path, bulk: bool) -> tuple[Config, RunReport]:
    directory.mkdir(parents=True, exist_ok=True)
    config = load_config(write_config(directory, []))
    return config, load_snapshot(config, snapshot(directory), workers=0, bulk=bulk).report


def changes(report: RunReport) -> tuple[int, int, int]:
    return report.graphs_written, report.triples_added, report.triples_removed


def change_set(report: RunReport) -> dict[str, str]:
    """The change set files of a run, by name."""
    assert report.changes_dir is not None
    return {p.name: p.read_text(encoding="utf-8") for p in Path(report.changes_dir).iterdir()}


def test_a_first_bulk_load_adds_every_triple_gated(tmp_path: Path) -> None:
    _, report = loaded(tmp_path, bulk=True)
    assert report.triples_added == report.triples_gated > 0
    assert report.triples_removed == 0


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "transactional"])
def test_a_retitled_record_adds_one_triple_and_removes_one(tmp_path: Path, bulk: bool) -> None:
    config, _ = loaded(tmp_path, bulk)
    report = load_snapshot(config, snapshot(tmp_path, "A new title"), workers=0, bulk=bulk).report
    assert changes(report) == (1, 1, 1)
    line = report.change_line()  # the graph's provenance: run, time, digest, source
    assert "changes: 1 data graphs written (+1 / -1 triples; 4 triples of provenance), 3 " in line
    files = change_set(report)
    assert files["graphs.tsv"] == f"{GRAPH}\t+1\t-1\n"
    assert files["added.nq"] == f'<{PAPER}> {TITLE} "A new title" <{GRAPH}> .\n'
    assert files["removed.nq"].count("\n") == 1 and TITLE in files["removed.nq"]


def test_bulk_and_transactional_count_the_same_change(tmp_path: Path) -> None:
    reports = {}
    for bulk in (True, False):
        config, _ = loaded(tmp_path / str(bulk), bulk)
        again = snapshot(tmp_path / str(bulk), "Another title")
        reports[bulk] = load_snapshot(config, again, workers=0, bulk=bulk).report
        assert change_set(reports[bulk])["graphs.tsv"] == f"{GRAPH}\t+1\t-1\n"
    assert changes(reports[True]) == changes(reports[False]) == (1, 1, 1)


def test_a_graph_changed_behind_the_manifest_is_compared_with_the_store(tmp_path: Path) -> None:
    """The manifest's contents row no longer says what the store holds: the store decides."""
    config, _ = loaded(tmp_path, bulk=True)
    with EmbeddedStore(config.store.path) as store:
        store.update(f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:s> <urn:x:p> "stray" }} }}')
    report = load_snapshot(config, snapshot(tmp_path, "A new title"), workers=0).report
    assert changes(report) == (1, 1, 2)  # the title, and the stray triple the store held
    assert "stray" in change_set(report)["removed.nq"]

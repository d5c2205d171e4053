"""A graph a run drops is counted: a person left with no authorship (their one paper now lists
another author) loses their graph, and the report says one graph removed and counts its
triples as removed, with either loader (the bulk loader counted neither; the transactional one
counted the triples only). The change set names the graph and its triples.

Inputs are real snapshot lines (tests/constructed.py ``snapshot_line``) with authors changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from building import graphs
from conftest import write_config
from dropped_person import PERSON, person_graph, snapshot
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport


def reauthored(tmp_path: Path, bulk: bool) -> tuple[RunReport, str, int]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = load_config(write_config(tmp_path, []))
    load_snapshot(config, snapshot(tmp_path, "Zed Zulu"), workers=0, bulk=bulk)
    iri, held = person_graph(config)
    report = load_snapshot(config, snapshot(tmp_path, "Quentin Quarrel"), workers=0, bulk=bulk)
    assert not [g for g in graphs(config) if PERSON in g]
    return report.report, iri, held


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "transactional"])
def test_a_dropped_graph_is_counted_removed(tmp_path: Path, bulk: bool) -> None:
    report, iri, held = reauthored(tmp_path, bulk)
    assert report.changes_dir is not None
    tsv = (Path(report.changes_dir) / "graphs.tsv").read_text(encoding="utf-8")
    assert f"{iri}\t+0\t-{held}\n" in tsv
    removed = (Path(report.changes_dir) / "removed.nq").read_text(encoding="utf-8")
    assert removed.count(f"<{iri}> .\n") == held
    assert report.graphs_removed == 1
    assert report.graphs_written == 2  # the paper's graph and Quentin Quarrel's
    assert ", 1 removed (+" in report.change_line()


def test_both_loaders_report_the_same_counts(tmp_path: Path) -> None:
    bulk, _, _ = reauthored(tmp_path / "bulk", True)
    one, _, _ = reauthored(tmp_path / "one", False)
    fields = ("graphs_written", "triples_added", "triples_removed", "graphs_removed")
    assert [getattr(bulk, f) for f in fields] == [getattr(one, f) for f in fields]
    assert bulk.change_line().split(";")[0] == one.change_line().split(";")[0]

"""The report the next run writes for a run killed after it dropped graphs says how many the
store lost: a person left with no authorship (their one paper now lists another author) loses
their graph, the run is killed once the store has it dropped (before the identity step keeps
its decisions), and the next run's report of it says one graph removed, with either loader
(before: 0). A run of a version that noted no commit (its mark gone) is said to have removed
an unknown number of graphs, not 0.

Oracles: the person graphs a SPARQL query finds before and after the killed run, and the
killed run's change set; never the run's own counters. Input as in test_report_counts_dropped.py.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from dropped_person import PERSON, person_graph, snapshot
from killed_snapshot import BOUND, KILLED_AT
from scholarkg.config import Config, load_config
from scholarkg.load.manifest import FILE_NAME, store_state_dir
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport
from store_contents import reports

PERSONS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '%s')) }"
# once the store holds the run's graphs (and has dropped those it drops), before the identity
# step keeps its decisions
AFTER_LOAD = "scholarkg.runs.identity_step:_commit"


def persons(config: Config) -> set[str]:
    rows = ox.Store.read_only(str(config.store.path)).query(PERSONS % PERSON)
    assert isinstance(rows, ox.QuerySolutions)
    return {row[0].value for row in rows}  # type: ignore[union-attr]


def killed_reauthoring(tmp_path: Path, loader: str) -> tuple[Config, str, int]:
    """Zed Zulu's graph loaded, then a load that drops it killed after the drop; the config,
    the graph and its triples but its provenance."""
    path = write_config(tmp_path, [])
    config = load_config(path)
    load_snapshot(config, snapshot(tmp_path, "Zed Zulu"), workers=0, bulk=loader == "bulk")
    iri, held = person_graph(config)
    assert persons(config) == {iri}
    snapshot(tmp_path, "Quentin Quarrel")
    killed = subprocess.run(
        [sys.executable, str(KILLED_AT), AFTER_LOAD, "arxiv", "load-snapshot",
         str(tmp_path / "snapshot.jsonl"), "--loader", loader, "--config", str(path)],
        capture_output=True, text=True, timeout=BOUND, check=False,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    assert iri not in persons(config)  # the store lost it
    return config, iri, held


def killed_report(config: Config, tmp_path: Path) -> RunReport:
    load_snapshot(config, tmp_path / "snapshot.jsonl", workers=0)
    (data,) = [r for r in reports(tmp_path) if str(r["interrupted"] or "").startswith("killed")]
    names = RunReport.__dataclass_fields__
    return RunReport(**{k: v for k, v in data.items() if k in names and k != "quarantined"})


@pytest.mark.parametrize("loader", ["bulk", "transactional"])
def test_a_killed_run_that_dropped_a_graph_is_reported_to_have_removed_it(
    tmp_path: Path, loader: str
) -> None:
    config, iri, held = killed_reauthoring(tmp_path, loader)
    report = killed_report(config, tmp_path)
    assert report.changes_dir is not None
    tsv = (Path(report.changes_dir) / "graphs.tsv").read_text(encoding="utf-8")
    assert f"{iri}\t+0\t-{held}\n" in tsv
    assert report.graphs_removed == 1  # before: 0
    assert report.triples_removed is not None and report.triples_removed >= held
    assert ", 1 removed (+" in report.change_line()


def test_a_killed_run_that_noted_no_commit_removed_an_unknown_number_of_graphs(
    tmp_path: Path,
) -> None:
    config, _, _ = killed_reauthoring(tmp_path, "bulk")
    with sqlite3.connect(
        store_state_dir(config) / FILE_NAME
    ) as db:  # as a version before commit marks left
        db.execute("DELETE FROM meta WHERE key = 'last_commit'")
    report = killed_report(config, tmp_path)
    assert report.graphs_removed is None  # before: 0
    assert (report.triples_added, report.triples_removed) == (None, None)
    assert "unknown removed (+unknown / -unknown triples" in report.change_line()  # before: "?"

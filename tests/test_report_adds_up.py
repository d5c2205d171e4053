"""The summary's `changes:` line adds up to the store: a first load into an empty store holds
the triples added, the provenance the data graphs state about themselves, their SHACL report
graphs and the run's own graphs, and nothing else. The change counts leave each graph's
provenance aside (it changes on every write), so the line says how many provenance triples the
graphs written hold (3841 quads in the store, 3699 in the line, before).

The store is read with pyoxigraph, the figures from the printed line. Inputs: the sample
profile, the Kaggle snapshot sample (tests/fixtures/arxiv/kaggle/snapshot_sample_100.jsonl) and
real snapshot lines (tests/constructed.py ``snapshot_line``) with fields changed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from constructed import KAGGLE, snapshot_line
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from scholarkg.runs.report import RunReport

CHANGES = re.compile(
    r"data graphs written(?:, (\d+) removed)? \(\+(\d+) / -(\d+) triples"
    r"(?:; (\d+) triples of provenance(?:, (\d+) in SHACL reports)?)?\)"
)
OWN = re.compile(r"\((\d+) triples\)")  # the run's own graphs
GENERATED_BY = "http://www.w3.org/ns/prov#wasGeneratedBy"


def figures(report: RunReport) -> dict[str, int]:
    """The figures the printed `changes:` line gives."""
    line = report.change_line()
    match = CHANGES.search(line)
    assert match is not None, line
    removed, added, lost, provenance, reports = (int(g or 0) for g in match.groups())
    own = sum(int(n) for n in OWN.findall(line.split("run's own written:")[1]))
    return {
        "added": added,
        "removed": lost,
        "provenance": provenance,
        "reports": reports,
        "own": own,
        "graphs removed": removed,
    }


def quads(config: Config) -> int:
    store = ox.Store.read_only(str(config.store.path))
    return len(store)


def held_provenance(config: Config, run_iri: str) -> tuple[int, int]:
    """(graphs, triples about themselves) of the data graphs this run wrote, from the store."""
    store = ox.Store.read_only(str(config.store.path))
    graphs = triples = 0
    for graph in store.named_graphs():
        own = list(store.quads_for_pattern(graph, None, None, graph))
        if ox.Quad(graph, ox.NamedNode(GENERATED_BY), ox.NamedNode(run_iri), graph) in own:
            graphs += 1
            triples += len(own)
    return graphs, triples


def assert_adds_up(config: Config, report: RunReport) -> None:
    got = figures(report)
    assert got["removed"] == 0 and got["provenance"] > 0
    parts = got["added"] + got["provenance"] + got["reports"] + got["own"]
    assert parts == quads(config) == report.store_quads
    assert (report.provenance_triples, report.report_triples) == (
        got["provenance"],
        got["reports"],
    )
    graphs, provenance = held_provenance(config, report.run_iri)
    assert (graphs, provenance) == (report.graphs_written, report.provenance_triples)


def snapshot(directory: Path, lines: list[str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "snapshot.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def changed(arxiv_id: str, **fields: str) -> str:
    data = json.loads(snapshot_line(arxiv_id))
    data.update(fields)
    return json.dumps(data)


def test_a_first_build_adds_up_to_the_store(tmp_path: Path) -> None:
    """`scholarkg run` with the sample profile (the transactional loader)."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    report = build(config).report
    assert_adds_up(config, report)
    assert figures(report)["reports"] == 0
    data = json.loads(report.write_json(tmp_path / "reports").read_text(encoding="utf-8"))
    assert data["provenance_triples"] == report.provenance_triples > 0


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "transactional"])
def test_a_first_snapshot_load_adds_up_to_the_store(tmp_path: Path, bulk: bool) -> None:
    config = load_config(write_config(tmp_path, []))
    report = load_snapshot(config, KAGGLE, workers=0, bulk=bulk).report
    assert report.records_loaded == 100
    assert_adds_up(config, report)


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "transactional"])
def test_shacl_report_graphs_are_counted(tmp_path: Path, bulk: bool) -> None:
    """A record without an abstract (an info) and one with a short DOI registrant (a
    warning): their graphs have SHACL report graphs, and the line counts their triples."""
    config = load_config(write_config(tmp_path, []))
    lines = [
        snapshot_line("0704.0002"),
        changed("0704.0003", abstract=""),
        changed("0704.0004", doi="10.12/abc"),
    ]
    report = load_snapshot(config, snapshot(tmp_path, lines), workers=0, bulk=bulk).report
    assert figures(report)["reports"] > 0
    assert_adds_up(config, report)


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "transactional"])
def test_a_second_run_counts_the_provenance_of_the_graph_it_rewrote(
    tmp_path: Path, bulk: bool
) -> None:
    config = load_config(write_config(tmp_path, []))
    ids = ["0704.0002", "0704.0003", "0704.0004"]
    load_snapshot(config, snapshot(tmp_path, [snapshot_line(i) for i in ids]), workers=0, bulk=bulk)
    lines = [snapshot_line(ids[0]), changed(ids[1], title="A new title"), snapshot_line(ids[2])]
    report = load_snapshot(config, snapshot(tmp_path, lines), workers=0, bulk=bulk).report
    got = figures(report)
    assert (report.graphs_written, got["added"], got["removed"]) == (1, 1, 1)
    graphs, provenance = held_provenance(config, report.run_iri)
    assert graphs == 1 and got["provenance"] == provenance > 0
    assert "(+1 / -1 triples; " in report.change_line()
    assert f"; {provenance} triples of provenance), 2 unchanged" in report.change_line()


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "transactional"])
def test_a_removed_graph_is_no_graph_written(tmp_path: Path, bulk: bool) -> None:
    """A person left without authorship loses their graph (its provenance with it): the line
    counts the provenance of the graphs written, the paper's and its new author's."""
    config = load_config(write_config(tmp_path, []))
    first = [snapshot_line("0704.0002", authors=["Zed Zulu"]), snapshot_line("0704.0003")]
    load_snapshot(config, snapshot(tmp_path, first), workers=0, bulk=bulk)
    again = [snapshot_line("0704.0002", authors=["Quentin Quarrel"]), snapshot_line("0704.0003")]
    report = load_snapshot(config, snapshot(tmp_path, again), workers=0, bulk=bulk).report
    got = figures(report)
    assert (report.graphs_removed, report.graphs_written) == (got["graphs removed"], 2) == (1, 2)
    assert held_provenance(config, report.run_iri) == (2, got["provenance"])

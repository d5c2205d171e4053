"""Snapshot loads stop cleanly on SIGTERM and leave nothing running behind, even after SIGKILL.

The input is CONSTRUCTED (tests/stopped_runs.py: the 100 real snapshot lines copied under new
ids). A load to be stopped midway holds itself at a chosen chunk for the test to signal it.
Stops of ``scholarkg run``: test_stop_run.py; of a back-off wait: test_stop_backoff.py.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from building import content
from conftest import write_config
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from stopped_runs import BOUND, COPIES, THIRD_CHUNK, Run, copies, still_running


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[tuple[str, str, str]]]:
    """What one uninterrupted load of ``copies(…, COPIES)`` holds: built once, only read (the
    same for both loaders' stopped-then-completed runs)."""
    directory = tmp_path_factory.mktemp("uninterrupted")
    snapshot = copies(directory / "snapshot.jsonl", COPIES)
    clean = load_config(write_config(directory, []))
    load_snapshot(clean, snapshot, chunk_records=50, workers=0)
    return content(clean)


@pytest.mark.parametrize("loader", ["bulk", "transactional"])
def test_sigterm_stops_a_snapshot_load_cleanly_and_the_next_run_completes_it(
    tmp_path: Path, loader: str, uninterrupted: dict[str, set[tuple[str, str, str]]]
) -> None:
    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    run = tmp_path / "run"
    run.mkdir()
    job = Run(run, snapshot, loader=loader, held_at=THIRD_CHUNK)
    workers = job.hold()
    process = job.process
    assert workers, "the load runs worker processes"
    process.send_signal(signal.SIGTERM)
    job.go_on()
    out, err = job.finish()
    assert process.returncode == 128 + signal.SIGTERM  # as the shell reports a SIGTERM'd process
    assert b"stopping (SIGTERM)" in err
    assert b"outcome: failed" in out and b"failed: interrupted" in out
    assert not still_running(workers)
    [path] = (run / "data" / "reports").glob("snapshot-*.json")
    report = json.loads(path.read_text())
    assert report["interrupted"]
    stopped_counts_what_the_store_holds(run, report)
    assert f"store: holds {report['store_quads']} quads".encode() in out.splitlines(), out
    # The next run finishes the job: the store ends as one uninterrupted load makes it.
    config = load_config(run / "scholarkg.toml")
    bulk = loader == "bulk"
    again = load_snapshot(config, snapshot, chunk_records=50, workers=0, bulk=bulk).report
    assert again.outcome == "ok", again.summary_lines()
    assert content(config) == uninterrupted


ORIGINS = (
    "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT ?run (COUNT(DISTINCT ?g) AS ?n) (SAMPLE(?outcome) AS ?how) "
    "WHERE { GRAPH ?g { ?g prov:wasGeneratedBy ?run } "
    "OPTIONAL { GRAPH ?r { ?run a prov:Activity ; skg:outcome ?outcome } } } GROUP BY ?run"
)


def stopped_counts_what_the_store_holds(run: Path, report: dict[str, Any]) -> None:
    """The stopped run's report counts what the store it made holds (the segment in progress
    streamed in on the stop included), and its change set lists those graphs. Before, it
    counted 0 graphs written, 0 records loaded ("nothing written") with 50 graphs held. The
    graphs written name the run, whose record says it failed (before: no record, so the
    provenance of every graph a stopped run wrote named an activity the store did not hold)."""
    store = ox.Store.read_only(str(run / "store"))
    named = {str(g.value) for g in store.named_graphs()}
    [record] = [g for g in named if "/graph/run/" in g]
    graphs = named - {record}
    papers = [g for g in graphs if "/graph/arxiv/" in g]
    wrote = [report[k] for k in ("triples_added", "provenance_triples", "report_triples")]
    assert papers and sum(wrote) + sum(report["run_graphs"].values()) == len(store), report
    assert report["store_quads"] == _counted(store)  # said as a finished run says it
    assert report["graphs_written"] == len(graphs) and report["records_loaded"] == len(papers)
    assert report["run_graphs"] == {"run record": 16}
    origins = store.query(ORIGINS)
    assert isinstance(origins, ox.QuerySolutions)
    [(origin, count, how)] = [(r["run"], r["n"], r["how"]) for r in origins]
    assert isinstance(origin, ox.NamedNode) and record.endswith(origin.value.rsplit("/", 1)[1])
    assert isinstance(count, ox.Literal) and int(count.value) == len(graphs)
    assert how == ox.Literal("failed")
    [changes] = (run / "data" / "changes").glob("*/graphs.tsv")
    assert {line.split("\t")[0] for line in changes.read_text().splitlines()} == graphs


def _counted(store: ox.Store) -> int:
    """The quads of ``store``, counted by a SPARQL query (named graphs and default graph)."""
    total = 0
    for where in ("GRAPH ?g { ?s ?p ?o }", "?s ?p ?o"):
        rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        assert isinstance(rows, ox.QuerySolutions)
        total += sum(int(row["n"].value) for row in rows)  # type: ignore[union-attr]
    return total


def test_sigkill_takes_the_worker_processes_with_it(tmp_path: Path) -> None:
    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    job = Run(tmp_path, snapshot, held_at=THIRD_CHUNK)
    workers = job.hold()
    process = job.process
    assert workers
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=BOUND)
    assert not still_running(workers)

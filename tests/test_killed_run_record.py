"""A run SIGKILLed mid-load leaves graphs that name it and its unfinished mark, but no record
and no report; the next run writes both for it (outcome ``failed``, no end time, the graphs
it committed counted), notes that it goes on from it, and then no graph of the store names a
run without a record (before: the graphs named a ``prov:Activity`` the store never held, and
the run history had no trace of the run)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pyoxigraph as ox

from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from stopped_runs import COPIES, THIRD_CHUNK, Run, copies

NAMING = (
    "PREFIX prov: <http://www.w3.org/ns/prov#> "
    "SELECT ?run (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g prov:wasGeneratedBy ?run } } "
    "GROUP BY ?run ORDER BY ?run"
)
RECORDS = (
    "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT ?run ?outcome ?changed (COUNT(?end) AS ?ends) WHERE { GRAPH ?r { ?run a "
    "skg:PipelineRun ; skg:outcome ?outcome ; skg:graphsChanged ?changed "
    "OPTIONAL { ?run prov:endedAtTime ?end } } } GROUP BY ?run ?outcome ?changed ORDER BY ?run"
)


def only(folder: Path) -> Path:
    """The one file in ``folder`` (the unfinished mark of the one store)."""
    [path] = folder.iterdir()
    return path


def naming(store: Path) -> dict[str, int]:
    rows = ox.Store.read_only(str(store)).query(NAMING)
    assert isinstance(rows, ox.QuerySolutions)
    return {r["run"].value: int(r["n"].value) for r in rows}  # type: ignore[union-attr]


def records(store: Path) -> dict[str, tuple[str, int, int]]:
    rows = ox.Store.read_only(str(store)).query(RECORDS)
    assert isinstance(rows, ox.QuerySolutions)
    return {
        r["run"].value: (r["outcome"].value, int(r["changed"].value), int(r["ends"].value))  # type: ignore[union-attr]
        for r in rows
    }


def test_the_next_run_writes_the_record_and_report_of_a_killed_run(tmp_path: Path) -> None:
    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    run = tmp_path / "run"
    run.mkdir()
    job = Run(run, snapshot, loader="transactional", held_at=THIRD_CHUNK)
    job.hold()  # its mark written (the store opened), two chunks' graphs in the store
    job.process.send_signal(signal.SIGKILL)
    job.finish()
    assert job.process.returncode == -signal.SIGKILL
    mark = json.loads(only(run / "data" / "state" / "run-unfinished").read_text())
    killed = mark["run"]
    before = naming(run / "store")
    assert list(before) == [killed] and before[killed] > 0  # its graphs name it ...
    assert records(run / "store") == {}  # ... but the store holds no record of it
    assert not (run / "data" / "reports").exists()  # nor the run history a report

    config = load_config(run / "scholarkg.toml")
    again = load_snapshot(config, snapshot, chunk_records=50, workers=0, bulk=False).report
    assert again.outcome == "ok", again.summary_lines()
    assert [n for n in again.notes if killed in n] == [
        f"run <{killed}> ended without a record (SIGKILL, a crash or the power lost): "
        f"{before[killed]} graphs name it; its record (outcome failed) and report written, "
        "and this run goes on from it"
    ]
    held = records(run / "store")
    committed = naming(run / "store")[killed]  # those written after its last commit: again
    assert 0 < committed <= before[killed]
    assert held[killed] == ("failed", committed, 0)  # no end time: nobody knows it
    assert held[again.run_iri][0] == "ok" and held[again.run_iri][2] == 1
    assert set(naming(run / "store")) <= set(held)  # every run a graph names has a record
    reports = sorted((run / "data" / "reports").glob("snapshot-*.json"))
    written = [json.loads(p.read_text()) for p in reports]
    assert [r["run_iri"] for r in written] == [killed, again.run_iri]  # in the order they ran
    assert written[0]["outcome"] == "failed"
    assert written[0]["graphs_written"] == committed
    assert written[0]["interrupted"] == (
        "killed: it ended without a record (SIGKILL, a crash or the power lost); found by run "
        f"{again.run_iri}, which goes on from it"
    )
    assert written[0]["finished_at"] == ""


def test_a_stopped_run_that_wrote_its_record_gets_no_second_one(tmp_path: Path) -> None:
    """SIGTERM: the run writes its own record; the next run leaves it as it is."""
    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    run = tmp_path / "run"
    run.mkdir()
    job = Run(run, snapshot, loader="transactional", held_at=THIRD_CHUNK)
    job.hold()
    job.process.send_signal(signal.SIGTERM)
    job.go_on()
    job.finish()
    [stopped] = [json.loads(p.read_text()) for p in (run / "data" / "reports").glob("*.json")]
    first = records(run / "store")
    assert list(first) == [stopped["run_iri"]]
    config = load_config(run / "scholarkg.toml")
    again = load_snapshot(config, snapshot, chunk_records=50, workers=0, bulk=False).report
    assert not [n for n in again.notes if "without a record" in n]
    assert records(run / "store")[stopped["run_iri"]] == first[stopped["run_iri"]]
    assert len(list((run / "data" / "reports").glob("*.json"))) == 2


def test_a_recorded_run_is_found_under_a_base_that_holds_run(tmp_path: Path) -> None:
    """A run's record graph is found where provenance puts it, ``<base>graph/run/<id>``, also
    when the base holds ``/run/`` (before: the killed-run check replaced the first ``/run/``,
    in the base, so it looked for ``https://example.org/graph/run/run/…``, found no record
    and took a run that had written its own for one killed without one)."""
    import datetime as dt

    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import PROV

    from scholarkg.provenance import RunInfo
    from scholarkg.runs.unrecorded import unrecorded
    from scholarkg.store.embedded import EmbeddedStore

    iri = "https://example.org/run/run/20261204T120000Z-0a1b2c3d"
    graph_iri = RunInfo(iri, dt.datetime(2026, 12, 4, tzinfo=dt.UTC), "h").graph_iri
    assert graph_iri == "https://example.org/run/graph/run/20261204T120000Z-0a1b2c3d"
    named = Graph()
    named.add((URIRef("https://example.org/run/paper/1"), PROV.wasGeneratedBy, URIRef(iri)))
    record = Graph()
    record.add((URIRef(iri), PROV.wasGeneratedBy, Literal("its own record")))
    with EmbeddedStore(tmp_path / "store") as store:
        store.replace_graph("https://example.org/run/paper/1", named)
        assert unrecorded(store, (iri, {})) is not None  # graphs name it, no record yet
        store.replace_graph(graph_iri, record)
        assert unrecorded(store, (iri, {})) is None  # its record is where provenance put it

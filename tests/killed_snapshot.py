"""The bulk snapshot load the killed-load tests cut and run again (test_snapshot_killed_parts.py
and the tests beside it): its input (the 100 real Kaggle lines three times under new ids, 300
records, with a broken line and a duplicate among them; segments of ~1000 quads; a field of
every fourth line changed by :func:`change_every_fourth`), its command (chunks of 10 records,
two worker processes; cut where helpers/killed_at.py is told), what a clean load leaves
(:class:`Clean`, :func:`clean_load`) and :func:`check_run_again`, the check that a load run
again after a cut leaves the same."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from conftest import write_config
from constructed import snapshot_line, snapshot_lines
from scholarkg.quarantine import read_quarantined
from store_contents import beside_run_records, quads, reports, unrecorded_runs

BOUND = 600  # only catches a hang
KILLED_AT = Path(__file__).parent / "helpers" / "killed_at.py"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
COUNTED = ("records_read", "records_loaded", "rejected", "quarantined", "triples_gated")


def make_input(directory: Path) -> Path:
    """The snapshot and a config whose store and data live in ``directory``."""
    directory.mkdir(exist_ok=True)
    ids = list(snapshot_lines())
    lines = [
        snapshot_line(arxiv_id, new_id=f"24{copy + 1:02d}.{n + 1:05d}")
        for copy in range(3)
        for n, arxiv_id in enumerate(ids)
    ]
    lines[150:150] = ['{"id": "2402.0', lines[0]]  # not JSON; a duplicate of line 1
    (directory / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return write_config(directory, [], store={"segment_quads": 1000})


def change_every_fourth(path: Path, field: str, value: str) -> None:
    """Every fourth line of the snapshot at ``path`` (a JSON object) with ``field`` set to
    ``value``: the killed-run count tests' input with every fourth paper changed."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        if n % 4 == 0 and line.endswith("}"):
            data = json.loads(line)
            data[field] = value
            lines[n] = json.dumps(data, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def command(directory: Path, *killed_at: str, batch: int = 10) -> list[str]:
    """``scholarkg arxiv load-snapshot`` on ``directory``'s input, chunks of ``batch`` records;
    ``killed_at``: SIGKILLed when the function it names is first called (helpers/killed_at.py)."""
    head = [str(KILLED_AT), *killed_at] if killed_at else ["-m", "scholarkg.cli"]
    snapshot = str(directory / "s.jsonl")
    config = str(directory / "scholarkg.toml")
    return [sys.executable, *head, "arxiv", "load-snapshot", snapshot, "--batch-size", str(batch),
            "--config", config]  # fmt: skip


def load(directory: Path, *killed_at: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(directory, *killed_at),
        capture_output=True, text=True, timeout=BOUND, check=False,
    )  # fmt: skip


def counts(report: dict[str, object]) -> dict[str, object]:
    return {
        key: len(value) if isinstance(value, list) else value
        for key, value in report.items()
        if key in COUNTED
    }


def counted_in_store(directory: Path) -> int:
    rows = ox.Store.read_only(str(directory / "store")).query(COUNT)
    assert isinstance(rows, ox.QuerySolutions)
    [row] = list(rows)
    value = row["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def quarantined(report: dict[str, object], directory: Path) -> list[str]:
    """The report's quarantined lines, sorted, ``directory`` written the same."""
    said = report["quarantined"]
    assert isinstance(said, list)
    return sorted(str(line).replace(str(directory), "DIR") for line in said)


def manifest_rows(directory: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The manifest's graphs (iri, digest, quads) and loaded chunks, sorted."""
    path = directory / "store" / "scholarkg-manifest.sqlite"
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        graphs = db.execute("SELECT iri, digest, quads FROM graphs ORDER BY iri").fetchall()
        chunks = db.execute("SELECT * FROM chunks ORDER BY key").fetchall()
    return graphs, chunks


def held_per_graph(directory: Path) -> dict[str, int]:
    rows = ox.Store.read_only(str(directory / "store")).query(PER_GRAPH)
    assert isinstance(rows, ox.QuerySolutions)
    found = {}
    for row in rows:
        graph, count = row["g"], row["n"]
        assert isinstance(graph, ox.NamedNode) and isinstance(count, ox.Literal)
        found[graph.value] = int(count.value)
    return found


@dataclass(frozen=True)
class Clean:
    directory: Path
    quads: list[str]
    report: dict[str, object]
    manifest: tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


def clean_load(directory: Path) -> Clean:
    """The input loaded into ``directory`` by a run nothing cuts: partial, two lines quarantined."""
    make_input(directory)
    done = load(directory)
    assert done.returncode == 1, done.stdout + done.stderr
    [report] = reports(directory)
    assert report["outcome"] == "partial" and report["quarantined_count"] == 2, report
    return Clean(directory, quads(directory), report, manifest_rows(directory))


def check_run_again(
    directory: Path, clean: Clean, *, killed: bool = False, gated: bool = True
) -> None:
    """Load again: the clean load's store and counts, each bad line quarantined once; a
    ``killed`` run's report is written by this one too; not ``gated``: graphs the store held
    unchanged were not gated again (the clean load had none)."""
    before = len(reports(directory))
    done = load(directory)
    shown = done.stdout + done.stderr
    assert done.returncode == 1, shown
    assert "outcome: partial" in done.stdout, shown
    assert "Traceback" not in shown
    assert unrecorded_runs(directory / "store") == []
    found = quads(directory)  # a killed run's record is written by the run after it
    assert beside_run_records(found) == beside_run_records(clean.quads)
    new = reports(directory)[before:]  # a killed run that wrote graphs: its report first
    assert len(new) == len({r["run_iri"] for r in new}) <= (2 if killed else 1), new
    report = new[-1]
    assert report["store_quads"] == counted_in_store(directory) == len(found)
    skip = () if gated else ("triples_gated",)
    assert {k: v for k, v in counts(report).items() if k not in skip} == {
        k: v for k, v in counts(clean.report).items() if k not in skip
    }
    assert quarantined(report, directory) == quarantined(clean.report, clean.directory)
    manifest = manifest_rows(directory)  # as a clean load leaves it, and as the store holds it
    assert manifest == clean.manifest
    held = held_per_graph(directory)
    assert {iri: held.get(str(iri)) for iri, _, quads in manifest[0]} == {
        iri: quads for iri, _, quads in manifest[0]
    }
    kept = read_quarantined(directory / "data" / "quarantine").records
    assert len(kept) == 2, kept

"""A bulk snapshot load killed in one of its parts, then run again: the store holds exactly the
quads a clean load leaves, the manifest what a clean load notes and the store holds, the last
report's counts are what the store holds (a SPARQL count) and what a clean load reports, and
each bad line is quarantined once.

The part: one worker process of the run's pool (SIGKILL from outside, found among the run's
children). Input: the 100 real Kaggle lines three times under new ids (300 records) with a
broken line and a duplicate among them; segments of ~1000 quads, chunks of 10 records, two
worker processes (the default).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from constructed import snapshot_line, snapshot_lines
from test_disk_full import beside_run_records, quads, reports, unrecorded_runs

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


def command(directory: Path, *killed_at: str) -> list[str]:
    """``scholarkg arxiv load-snapshot`` on ``directory``'s input; ``killed_at``: SIGKILLed when
    the function it names is first called (helpers/killed_at.py)."""
    head = [str(KILLED_AT), *killed_at] if killed_at else ["-m", "scholarkg.cli"]
    snapshot = str(directory / "s.jsonl")
    config = str(directory / "scholarkg.toml")
    return [sys.executable, *head, "arxiv", "load-snapshot", snapshot, "--batch-size", "10",
            "--config", config]  # fmt: skip


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_LOGGING_")}


def load(directory: Path, *killed_at: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(directory, *killed_at),
        capture_output=True, text=True, timeout=BOUND, check=False, env=environment(),
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


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Clean:
    directory = tmp_path_factory.mktemp("clean")
    make_input(directory)
    done = load(directory)
    assert done.returncode == 1, done.stdout + done.stderr  # partial: two lines quarantined
    [report] = reports(directory)
    assert report["outcome"] == "partial" and report["quarantined_count"] == 2, report
    return Clean(directory, quads(directory), report, manifest_rows(directory))


def check_run_again(directory: Path, clean: Clean, *, killed: bool = False) -> None:
    """Load again: the clean load's store and counts, each bad line quarantined once; a
    ``killed`` run's report is written by this one too."""
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
    assert counts(report) == counts(clean.report)
    assert quarantined(report, directory) == quarantined(clean.report, clean.directory)
    manifest = manifest_rows(directory)  # as a clean load leaves it, and as the store holds it
    assert manifest == clean.manifest
    held = held_per_graph(directory)
    assert {iri: held.get(str(iri)) for iri, _, quads in manifest[0]} == {
        iri: quads for iri, _, quads in manifest[0]
    }
    kept = list((directory / "data" / "quarantine" / "records").iterdir())
    assert len(kept) == 2, kept


# -- one worker process killed -------------------------------------------------------------------


def children(pid: int) -> Iterator[int]:
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            yield from (int(c) for c in (task / "children").read_text().split())
        except OSError:  # the thread ended
            continue


def worker_of(pid: int) -> int | None:
    """A worker process of the run's pool (spawned), if one runs now."""
    for child in children(pid):
        try:
            line = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in line:
            return child
    return None


def committed_chunks(directory: Path) -> int:
    """Chunks the manifest holds as loaded (committed segments)."""
    path = directory / "store" / "scholarkg-manifest.sqlite"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
            return int(db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])
    except sqlite3.OperationalError:  # not made yet
        return 0


def test_a_worker_killed_mid_load_fails_the_run_and_the_next_run_completes_it(
    tmp_path: Path, clean: Clean
) -> None:
    make_input(tmp_path)
    output = tmp_path / "output.txt"
    with output.open("w") as sink:  # not a pipe: nobody reads it while the test polls
        process = subprocess.Popen(
            command(tmp_path), stdout=sink, stderr=subprocess.STDOUT, env=environment()
        )
    try:
        killed = None
        while killed is None and process.poll() is None:
            worker = worker_of(process.pid)
            if worker is not None and committed_chunks(tmp_path) >= 1:
                os.kill(worker, signal.SIGKILL)
                killed = worker
        process.wait(timeout=BOUND)
    finally:
        if process.poll() is None:  # only when the test itself failed
            process.kill()
            process.wait(timeout=60)
    assert killed is not None, "the load ended before a worker could be killed"
    shown = output.read_text(encoding="utf-8")
    assert process.returncode == 1, shown
    assert "Traceback" not in shown
    said = [line for line in shown.splitlines() if line.startswith(("error:", "failed:"))]
    assert said and "worker" in said[0], shown
    *_, report = reports(tmp_path)
    assert report["outcome"] == "failed", report
    assert report["store_quads"] == counted_in_store(tmp_path)
    assert report["records_loaded"] < clean.report["records_loaded"]  # type: ignore[operator]
    check_run_again(tmp_path, clean)

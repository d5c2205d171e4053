"""The report the next run writes for a run killed mid-load says what the store holds of it: the
records of its committed segments (the manifest's chunks), the quads of the graphs they wrote
with their SHACL report graphs, and its triples added and removed as its change set holds them,
which names exactly the graphs it committed (before: ``records_loaded`` 0 whatever it had
loaded, the change set missing its committed segments, ``committed_quads`` without the report
graphs, and its triples added and removed ``null``). Input and killing points as in
test_snapshot_killed_parts.py, every fourth paper with no abstract (an info in its report)."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest

from killed_snapshot import change_every_fourth, load, make_input
from run_graph_queries import NAMING, OWN, RECORD, SIZE
from scholarkg.runs.report import RunReport
from store_contents import reports

LATE_SEGMENT = 7  # a settle past the bad lines' chunk (of ~10 in all: segments of ~1000 quads)


def count(store: ox.Store, query: str) -> int:
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return sum(int(r["n"].value) for r in rows)  # type: ignore[union-attr]


def naming(store: ox.Store) -> dict[str, int]:
    """The quads of each graph that names a run as its origin."""
    rows = store.query(NAMING)
    assert isinstance(rows, ox.QuerySolutions)
    return {r["g"].value: int(r["n"].value) for r in rows}  # type: ignore[union-attr]


def recorded(store: Path, run: str) -> dict[str, str]:
    rows = ox.Store.read_only(str(store)).query(RECORD % run)
    assert isinstance(rows, ox.QuerySolutions)
    return {r["p"].value.rsplit("#", 1)[1]: r["o"].value for r in rows}  # type: ignore[union-attr]


def loaded_chunks(directory: Path, column: str = "loaded") -> int:
    """The records of the chunks the manifest holds as loaded (``records``: those read)."""
    path = directory / "store" / "scholarkg-manifest.sqlite"
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        query = f"SELECT COALESCE(SUM({column}), 0) FROM chunks"
        return int(db.execute(query).fetchone()[0])


def committed_lines(directory: Path) -> int:
    """The lines of ``make_input``'s snapshot up to the last chunk of 10 one of whose papers
    the manifest holds as committed: what a run had read by its last commit."""
    path = directory / "store" / "scholarkg-manifest.sqlite"
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        iris = [str(row[0]) for row in db.execute("SELECT iri FROM graphs")]
    numbers: dict[str, int] = {}  # an id's first line (a later one is its duplicate)
    for n, line in enumerate((directory / "s.jsonl").read_text().splitlines(), 1):
        numbers.setdefault(line.split('"id": "', 1)[1].split('"', 1)[0], n)
    last = max(numbers[iri.rsplit("/", 1)[1]] for iri in iris if "/graph/arxiv/" in iri)
    return -(-last // 10) * 10


@pytest.mark.parametrize(
    ("point", "committed"),
    [
        # its first segment committed, the run killed before it counted it
        ("scholarkg.load.segment_tally:SegmentTally.settle", True),
        # its first segment's graphs in the store, their manifest rows not committed
        ("scholarkg.load.new_graphs:NewGraphs.send_requests", False),
        # and their lines in its change set too (the loader noted its start first)
        ("scholarkg.load.commit_mark:note_commit@2", False),
    ],
)
def test_a_killed_runs_report_says_what_its_committed_segments_left(
    tmp_path: Path, point: str, committed: bool
) -> None:
    make_input(tmp_path)
    change_every_fourth(tmp_path / "s.jsonl", "abstract", "")
    done = load(tmp_path, point)
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    store = ox.Store.read_only(str(tmp_path / "store"))
    graphs = naming(store)
    assert graphs
    added = sum(count(store, OWN % (g, g)) for g in graphs)  # its triples, provenance left out
    shacl = sum(count(store, SIZE % f"{g}/shacl-report") for g in graphs)
    assert shacl > 0
    records, read = loaded_chunks(tmp_path), loaded_chunks(tmp_path, "records")
    if committed:  # the lines of its committed chunks (no bad one among them)
        assert read == committed_lines(tmp_path), read
    assert (records > 0) == committed
    del store
    killed = load(tmp_path)  # its report and record are written by the next run
    assert killed.returncode == 1, killed.stdout + killed.stderr
    assert "Traceback" not in killed.stderr, killed.stderr  # a partial run, not a crash
    found = reports(tmp_path)  # the killed run's (it started first), then the next run's
    assert len(found) == 2, (killed.stdout + killed.stderr, found)
    report = found[0]
    assert report["interrupted"], report
    run = str(report["run_iri"])
    if not committed:  # nothing committed: nothing counted, nothing in its change set
        graphs, added, shacl = {}, 0, 0
    assert report["records_loaded"] == records, report
    # what it read by its last commit (before: null, and before that 0 whatever it had read)
    assert report["records_read"] == read, report
    assert report["unknown"] == [], report
    assert report["committed_quads"] == sum(graphs.values()) + shacl, report
    assert (report["triples_added"], report["triples_removed"]) == (added, 0), report
    changes = tmp_path / "data" / "changes" / run.rsplit("/", 1)[-1]
    listed = (changes / "graphs.tsv").read_text() if (changes / "graphs.tsv").exists() else ""
    assert sorted(line.split("\t")[0] for line in listed.splitlines()) == sorted(graphs)
    assert report["changes_dir"] == (str(changes) if graphs else None), report
    counts = recorded(tmp_path / "store", run)
    assert report["graphs_written"] == len(graphs), report  # as graphs.tsv lists them
    assert (counts["outcome"], counts["graphsChanged"]) == ("failed", str(len(graphs))), counts
    assert (counts["papersLoaded"], counts["triplesAdded"]) == (str(records), str(added)), counts


def test_a_killed_run_that_noted_no_commit_has_unknown_records(tmp_path: Path) -> None:
    """A run of a version that noted no commit (its mark gone), killed once its first segment
    was committed: the graphs it committed are counted, its records read and loaded are not
    known (``null``, left out of its record; before: 0 loaded beside graphs it wrote)."""
    make_input(tmp_path)
    killed = load(tmp_path, "scholarkg.load.segment_tally:SegmentTally.settle")
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    path = tmp_path / "store" / "scholarkg-manifest.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as db, db:  # as a version before marks left
        db.execute("DELETE FROM meta WHERE key = 'last_commit'")
    assert load(tmp_path).returncode == 1
    [report, _] = reports(tmp_path)
    assert report["interrupted"] and report["graphs_written"], report
    assert (report["records_read"], report["records_loaded"]) == (None, None), report
    assert report["unknown"] == ["records_read", "records_loaded", "papers"], report
    fields = RunReport.__dataclass_fields__
    back = RunReport(**{k: v for k, v in report.items() if k in fields and k != "quarantined"})
    assert "records: unknown read, unknown loaded, " in back.summary_lines()[1]
    counts = recorded(tmp_path / "store", str(report["run_iri"]))
    assert "papersLoaded" not in counts and counts["graphsChanged"] == str(
        report["graphs_written"]
    ), counts


def test_a_killed_runs_records_read_count_the_lines_its_commits_quarantined(
    tmp_path: Path,
) -> None:
    """Killed once a segment past the broken line and the duplicate (lines 151 and 152) was
    committed: its records read are the lines up to the last chunk committed, both bad lines
    among them (read, quarantined, not loaded; before: ``null``)."""
    make_input(tmp_path)
    killed = load(tmp_path, f"scholarkg.load.segment_tally:SegmentTally.settle@{LATE_SEGMENT}")
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    read = committed_lines(tmp_path)
    assert 160 <= read < 300, read  # the bad lines' chunk committed, not the whole input
    assert load(tmp_path).returncode == 1
    [report, _] = reports(tmp_path)
    assert report["interrupted"] and report["unknown"] == [], report
    assert (report["records_read"], report["records_loaded"]) == (read, read - 2), report
    assert f"records: {read} read, {read - 2} loaded, " in summary(report)[1]


def test_a_killed_run_whose_marks_noted_no_records_read_has_them_unknown(tmp_path: Path) -> None:
    """A run of a version whose commit marks noted its records loaded but not read: its
    records loaded are known, its records read not (``null``, "unknown")."""
    make_input(tmp_path)
    killed = load(tmp_path, "scholarkg.load.segment_tally:SegmentTally.settle")
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    path = tmp_path / "store" / "scholarkg-manifest.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as db, db:  # as that version left it
        [value] = db.execute("SELECT value FROM meta WHERE key = 'last_commit'").fetchone()
        mark = json.loads(value)
        del mark["read"]
        db.execute("UPDATE meta SET value = ? WHERE key = 'last_commit'", (json.dumps(mark),))
    assert load(tmp_path).returncode == 1
    [report, _] = reports(tmp_path)
    assert (report["records_read"], report["records_loaded"]) == (None, mark["records"]), report
    assert report["unknown"] == ["records_read"] and mark["records"] > 0, report
    assert f"records: unknown read, {mark['records']} loaded, " in summary(report)[1]


def summary(report: dict[str, object]) -> list[str]:
    """The summary of a report read back from its JSON."""
    fields = RunReport.__dataclass_fields__
    return RunReport(
        **{k: v for k, v in report.items() if k in fields and k != "quarantined"}
    ).summary_lines()

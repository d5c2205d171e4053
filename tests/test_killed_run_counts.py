"""The report the next run writes for a run killed mid-load says what the store holds of it:
the quads of the graphs its committed segments wrote (its manifest rows), and its triples added
and removed as not known (``null``, left out of its record), never a false 0 (before: ``0`` and
``0`` in its report and record, whatever it had loaded). Input and killing points as in
test_snapshot_killed_parts.py."""

from __future__ import annotations

import signal
from pathlib import Path

import pyoxigraph as ox
import pytest

from test_disk_full import reports
from test_snapshot_killed_parts import load, make_input

NAMING = (
    "PREFIX prov: <http://www.w3.org/ns/prov#> "
    "SELECT ?run (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?g prov:wasGeneratedBy ?run . ?s ?p ?o } }"
    " GROUP BY ?run"
)
RECORD = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT ?p ?o WHERE { GRAPH ?r { <%s> ?p ?o FILTER(STRSTARTS(STR(?p), STR(skg:))) } }"
)


def quads_naming(store: Path) -> dict[str, int]:
    """The quads of the graphs that name each run as their origin."""
    rows = ox.Store.read_only(str(store)).query(NAMING)
    assert isinstance(rows, ox.QuerySolutions)
    return {r["run"].value: int(r["n"].value) for r in rows}  # type: ignore[union-attr]


def recorded(store: Path, run: str) -> dict[str, str]:
    rows = ox.Store.read_only(str(store)).query(RECORD % run)
    assert isinstance(rows, ox.QuerySolutions)
    return {r["p"].value.rsplit("#", 1)[1]: r["o"].value for r in rows}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("point", "committed"),
    [
        # its first segment committed, the run killed before it counted it
        ("scholarkg.load.segment_tally:SegmentTally.settle", True),
        # its first segment's graphs in the store, their manifest rows not committed
        ("scholarkg.load.bulk:BulkLoader._flush_requests", False),
    ],
)
def test_a_killed_runs_report_says_what_its_committed_segments_left_and_no_false_zero(
    tmp_path: Path, point: str, committed: bool
) -> None:
    make_input(tmp_path)
    done = load(tmp_path, point)
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    [(killed, held)] = quads_naming(tmp_path / "store").items()
    assert held > 0
    assert load(tmp_path).returncode == 1
    [report, _] = reports(tmp_path)
    assert report["run_iri"] == killed and report["interrupted"], report
    assert (report["triples_added"], report["triples_removed"]) == (None, None), report
    assert report["committed_quads"] == (held if committed else 0), report
    counts = recorded(tmp_path / "store", killed)
    assert counts["outcome"] == "failed" and int(counts["graphsChanged"]) > 0, counts
    assert "triplesAdded" not in counts and "triplesRemoved" not in counts, counts

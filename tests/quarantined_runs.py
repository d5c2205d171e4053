"""Three runs' quarantines as the quarantine tests write them (:func:`three_runs`, CONSTRUCTED
records and a rejected graph): shared by test_quarantine_prune.py and test_quarantine_index.py."""

from __future__ import annotations

from pathlib import Path

from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine import quarantine_records
from scholarkg.quarantine_graphs import quarantine_graph
from scholarkg.validate import Finding

RUNS = ["20240101T000000Z-aaaaaaaa", "20240202T000000Z-bbbbbbbb", "20240303T000000Z-cccccccc"]
OLD = QuarantinedRecord("dump.jsonl", 1, "not JSON", "{old")
SHARED = QuarantinedRecord("dump.jsonl", 2, "not JSON", "{in every run " + "x" * 1000)
FINDING = Finding("Violation", "https://x.org/s", None, "constructed", "urn:x:shape")
GRAPH = "https://w3id.org/scholarkg/id/graph/arxiv/0704.0001"


def three_runs(root: Path) -> None:
    """The first run keeps OLD, SHARED and a rejected graph; the later two meet SHARED and the
    graph again (references to the first run's)."""
    quarantine_records([OLD, SHARED], root, RUNS[0])
    for run in RUNS:
        if run != RUNS[0]:
            quarantine_records([SHARED], root, run)
        quarantine_graph(root, run, GRAPH, [("<a:s>", "<a:p>", "<a:o>")], [FINDING], "s")

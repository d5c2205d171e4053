"""A re-run that skips a chunk reports what the chunk held: its records, its rejected graphs and
its quarantined lines, so the outcome stays "partial" (it was "ok", with 0 rejected and 0
quarantined, although the store still lacks those records). Lines and graphs are named again
when that needs no gate: bad lines by re-reading them, rejected graphs as the chunk's records
the store does not hold; otherwise each is a line naming the chunk.

Inputs are real snapshot lines (tests/constructed.py ``snapshot_line``), one made invalid JSON,
one with a category SHACL rejects, one with a licence IRI N-Triples cannot carry.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_config
from constructed import snapshot_line
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport

GOOD = ["0704.0002", "0704.0003", "0704.0004", "0704.0005", "0704.0006"]
REJECTED = "https://w3id.org/scholarkg/id/graph/arxiv/0704.0007"


def bad_category() -> str:
    data = json.loads(snapshot_line("0704.0007"))
    data["categories"] = "zz.XX!"
    return json.dumps(data)


def unwritable_licence() -> str:
    data = json.loads(snapshot_line("0704.0008"))
    data["license"] = "http://creativecommons.org/licenses/by/4.0/ plus"
    return json.dumps(data)


def summary(report: RunReport) -> tuple[str, str]:
    return report.outcome, report.summary_lines()[1]


@pytest.mark.parametrize("workers", [0, 2])
def test_a_skipped_chunk_reports_its_rejected_and_quarantined_lines(
    tmp_path: Path, workers: int
) -> None:
    config = load_config(write_config(tmp_path, []))
    path = tmp_path / "snapshot.jsonl"
    lines = [*(snapshot_line(i) for i in GOOD), "{oops", bad_category()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    first = load_snapshot(config, path, workers=workers).report
    assert summary(first) == (
        "partial",
        "records: 7 read, 5 loaded, 1 rejected by SHACL, 1 quarantined",
    )
    assert first.rejected == [REJECTED]
    assert [q.split(": ", 1)[0] for q in first.quarantined] == [f"{path}:6"]

    second = load_snapshot(config, path, workers=workers).report
    assert "1 chunks unchanged since the last run (skipped)" in second.notes
    assert second.graphs_written == 0
    assert summary(second) == summary(first)
    assert (second.rejected, second.quarantined) == (first.rejected, first.quarantined)
    assert second.counts()["quarantined"] == second.counts()["graphs_rejected"] == 1


def test_what_cannot_be_named_without_the_gate_is_still_counted(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    path = tmp_path / "snapshot.jsonl"
    lines = [*(snapshot_line(i) for i in GOOD), bad_category(), unwritable_licence()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    first = load_snapshot(config, path, workers=0).report
    assert summary(first) == (
        "partial",
        "records: 7 read, 5 loaded, 1 rejected by SHACL, 1 quarantined",
    )
    assert "IRI cannot be written as N-Triples" in first.quarantined[0]

    second = load_snapshot(config, path, workers=0).report
    assert "1 chunks unchanged since the last run (skipped)" in second.notes
    assert summary(second) == summary(first)
    assert second.quarantined == [
        f"{path}:1-7: 1 of 1 lines quarantined when this chunk was loaded "
        f"(unchanged since, skipped; see {config.quarantine_dir / 'records'})"
    ]
    assert second.rejected == [
        f"{path}:1-7: 1 of 1 graphs rejected when this chunk was loaded "
        f"(unchanged since, skipped; see {config.quarantine_dir / 'graphs'})"
    ]

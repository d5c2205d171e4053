"""A re-run reports what the store holds whether it skips a chunk or reads it again: the same
SHACL findings (kept with the chunk in the manifest when it was loaded, in the order reported,
rejected graphs' violations included) and the same graph counts. A skipped chunk added none of
its findings (``0 violations, 0 warnings, 0 infos`` on a re-run).

``graphs_unchanged`` was no bug: a chunk's graphs are its records' graphs only (person graphs
are loaded by the identity step, which writes none on a re-run), and a skipped chunk counts them
as a chunk read again does.

Inputs are real snapshot lines (tests/constructed.py ``snapshot_line``): one without an
abstract (an info), one with a DOI whose registrant is too short (a warning), one with a
category SHACL rejects (a violation).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_config
from constructed import snapshot_line
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport
from scholarkg.runs.report_markdown import report_markdown

SKIPPED = "1 chunks unchanged since the last run (skipped)"


def changed(arxiv_id: str, **fields: str) -> str:
    data = json.loads(snapshot_line(arxiv_id))
    data.update(fields)
    return json.dumps(data)


def snapshot(directory: Path, *, rejected: bool = True, unwritable: bool = False) -> Path:
    lines = [
        snapshot_line("0704.0002"),
        changed("0704.0003", abstract=""),  # info: no abstract
        changed("0704.0004", doi="10.12/abc"),  # warning: a registrant too short
        snapshot_line("0704.0005"),
    ]
    if rejected:
        lines.append(changed("0704.0006", categories="zz.XX!"))  # violation: rejected
    if unwritable:  # quarantined by the emitter: the rejected graph can no longer be named
        lines.append(changed("0704.0007", license="http://example.org/ a b"))
    path = directory / "snapshot.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def findings(report: RunReport, *, shape: bool = True) -> list[tuple[object, ...]]:
    """The findings; without the shape to compare runs gated in other processes (a blank node
    shape's label is given when a process reads the shapes)."""
    keys = ("graph", "severity", "focus", "path", "message", "value", "component")
    keys += ("shape",) * shape
    return [tuple(f.get(k) for k in keys) for f in report.findings]


def seen(report: RunReport) -> tuple[object, ...]:
    lines = report.summary_lines()
    return (
        report.outcome,
        lines[1],  # records
        next(line for line in lines if line.startswith("validation:")),
        report.graphs_unchanged,
        report_markdown(report).split("## SHACL findings")[1],
    )


def three_runs(tmp_path: Path, path: Path, workers: int) -> list[RunReport]:
    config: Config = load_config(write_config(tmp_path, []))
    first = load_snapshot(config, path, workers=workers).report
    skipped = load_snapshot(config, path, workers=workers).report
    again = load_snapshot(config, path, workers=workers, force=True).report
    assert SKIPPED in skipped.notes and SKIPPED not in again.notes
    assert skipped.graphs_written == again.graphs_written == 0
    return [first, skipped, again]


@pytest.mark.parametrize("workers", [0, 2])
def test_a_skipped_chunk_reports_its_findings(tmp_path: Path, workers: int) -> None:
    first, skipped, again = three_runs(tmp_path, snapshot(tmp_path), workers)
    assert first.severity_counts() == {"Violation": 2, "Warning": 1, "Info": 1}
    assert findings(skipped) == findings(first)
    assert findings(skipped, shape=False) == findings(again, shape=False)
    assert seen(skipped) == seen(again)
    violations = [f for f in first.findings if f["severity"] == "Violation"]
    assert [f for f in skipped.findings if f["severity"] == "Violation"] == violations


def test_warnings_and_infos_alone(tmp_path: Path) -> None:
    first, skipped, again = three_runs(tmp_path, snapshot(tmp_path, rejected=False), 0)
    assert first.severity_counts() == {"Warning": 1, "Info": 1}
    assert findings(skipped) == findings(again) == findings(first)  # gated in this process
    assert seen(skipped) == seen(again)


def test_findings_of_rejected_graphs_that_cannot_be_named(tmp_path: Path) -> None:
    """The rejected graph is one line naming the chunk, but its findings are told as when the
    chunk was loaded (kept with the chunk), as a chunk read again tells them."""
    path = snapshot(tmp_path, unwritable=True)
    first, skipped, again = three_runs(tmp_path, path, 0)
    assert "IRI cannot be written as N-Triples" in first.quarantined[0]
    assert "1 of 1 graphs rejected when this chunk was loaded" in skipped.rejected[0]
    assert findings(skipped) == findings(again) == findings(first)
    assert (
        skipped.severity_counts()
        == first.severity_counts()
        == {
            "Violation": 2,
            "Warning": 1,
            "Info": 1,
        }
    )


def test_chunks_an_older_version_finished_report_counts_only(tmp_path: Path) -> None:
    """A manifest written before chunks kept their findings: the column is added, those chunks
    are still skipped and report their counts (no findings to tell), new chunks keep theirs."""
    import sqlite3

    from scholarkg.load.manifest import FILE_NAME, store_state_dir

    config: Config = load_config(write_config(tmp_path, []))
    path = snapshot(tmp_path)
    load_snapshot(config, path, workers=0)
    db = sqlite3.connect(store_state_dir(config) / FILE_NAME)
    with db:  # the table as older versions made it
        db.execute("ALTER TABLE chunks DROP COLUMN findings")
    db.close()
    skipped = load_snapshot(config, path, workers=0).report
    assert SKIPPED in skipped.notes and skipped.findings == []
    assert skipped.records_read == 5

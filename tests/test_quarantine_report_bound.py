"""A snapshot of many bad lines keeps every one in the quarantine folder with its reason, while the
run report keeps counts (all, by reason) and the first 100 examples in input order, and says how
many more the folder holds. Before, the report held one line per quarantined line: measured, a
snapshot of 100 000 unreadable lines made a JSON report of 9.5 MB and a run of 152 MB maximum RSS
(20 000 lines: 1.9 MB, 120 MB); now 11 KB and 119 MB (20 000: 11 KB, 117 MB).

CONSTRUCTED: lines that are no JSON (a record cut off after its title key), and the real
snapshot line of 0704.0002 among them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_config
from constructed import snapshot_line
from scholarkg.config import Config, load_config
from scholarkg.quarantine import read_quarantined
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.quarantine_tally import EXAMPLES, OTHER, REASON_KINDS, QuarantineTally
from scholarkg.runs.report import RunReport


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path, []))


def bad_snapshot(tmp_path: Path, bad: int) -> Path:
    """``bad`` lines that are no JSON, then one good line."""
    path = tmp_path / f"bad-{bad}.jsonl"
    lines = [f'{{"id": "2401.{n:05d}", "title": ' for n in range(bad)]
    path.write_text("\n".join([*lines, snapshot_line("0704.0002")]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("bad", [1_000, 3_000])
def test_the_report_keeps_counts_and_the_first_examples_the_folder_every_line(
    tmp_path: Path, config: Config, bad: int
) -> None:
    path = bad_snapshot(tmp_path, bad)
    report = load_snapshot(config, path, workers=0, chunk_records=500).report
    assert (report.records_read, report.records_loaded, len(report.quarantined)) == (
        bad + 1,
        1,
        bad,
    )
    tally = report.quarantined
    assert len(tally.examples) == EXAMPLES  # as long for 3 000 bad lines as for 1 000
    assert [q.split(": ", 1)[0] for q in tally] == [f"{path}:{n}" for n in range(1, 101)]
    assert dict(tally.reasons) == {"not JSON": bad}
    kept = read_quarantined(config.quarantine_dir)
    assert len(kept.records) == bad and not kept.notes  # nothing lost
    assert len(list((config.quarantine_dir / "records").rglob("*.jsonl"))) == 1  # one file
    written = json.loads(report.write_json(tmp_path / "reports").read_text(encoding="utf-8"))
    assert len(written["quarantined"]) == EXAMPLES
    assert (written["quarantined_count"], written["quarantined_more"]) == (bad, bad - EXAMPLES)
    assert written["quarantined_reasons"] == {"not JSON": bad}
    told = [line for line in report.summary_lines() if line.startswith("quarantined:")]
    assert len(told) == 21
    assert told[-1] == (
        f"quarantined: … and {bad - 20} more, every one kept with its reason in "
        f"{config.quarantine_dir} (by reason: {bad} not JSON)"
    )


def test_a_report_read_back_keeps_its_counts(tmp_path: Path) -> None:
    report = RunReport("snapshot")
    report.quarantined += [f"f.jsonl:{n}: not JSON: Expecting value" for n in range(1, 251)]
    written = json.loads(report.write_json(tmp_path).read_text(encoding="utf-8"))
    again = QuarantineTally.read(written)
    assert (len(again), again.examples, dict(again.reasons)) == (
        250,
        report.quarantined.examples,
        {"not JSON": 250},
    )
    older = RunReport("snapshot", quarantined=["f.jsonl:1: not JSON"])  # type: ignore[arg-type]
    assert older.quarantined == ["f.jsonl:1: not JSON"] and len(older.quarantined) == 1


def test_a_report_edited_by_hand_reads_back_what_it_can() -> None:
    """Counts that are no whole numbers are left out, not a traceback (a killed run's own
    report is read back by the next run)."""
    data = {
        "quarantined": ["f.jsonl:1: not JSON"],
        "quarantined_count": "many",
        "quarantined_reasons": {"not JSON": "12", "too long": 3, "odd": None, "flag": True},
    }
    again = QuarantineTally.read(data)
    assert (len(again), dict(again.reasons)) == (1, {"too long": 3})


def test_kinds_of_reason_are_bounded_too() -> None:
    tally = QuarantineTally(f"f:{n}: reason {'x' * n}: detail" for n in range(REASON_KINDS + 10))
    assert len(tally.reasons) == REASON_KINDS + 1
    assert tally.reasons[OTHER] == 10 and tally.reasons["reason"] == 1
    assert sum(tally.reasons.values()) == len(tally) == REASON_KINDS + 10


def test_reasons_that_name_an_id_or_a_line_are_one_kind(tmp_path: Path, config: Config) -> None:
    """60 records each listed twice: 60 duplicates, one kind of reason (before: 50 kinds of one,
    'duplicate of arXiv id 0704.0001 at line 1', …, and 10 '(other reasons)', the summary's
    line naming all 51)."""
    base = json.loads(snapshot_line("0704.0002"))
    lines = [json.dumps(base | {"id": f"0704.{n:04d}"}) for n in range(1, 61)]
    snapshot = tmp_path / "twice.jsonl"
    snapshot.write_text("\n".join(lines + lines) + "\n", encoding="utf-8")
    report = load_snapshot(config, snapshot, workers=0).report
    assert len(report.quarantined) == 60
    assert report.quarantined[0].endswith("duplicate of arXiv id 0704.0001 at line 1")
    assert dict(report.quarantined.reasons) == {"duplicate of arXiv id … at line …": 60}
    [more] = [line for line in report.summary_lines() if line.startswith("quarantined: …")]
    assert more.endswith("(by reason: 60 duplicate of arXiv id … at line …)")

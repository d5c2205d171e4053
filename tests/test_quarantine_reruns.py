"""A re-run over the same bad input refers to what an earlier run keeps instead of copying it.

Before, each run appended its own copy of every bad line and rejected graph it met again:
a snapshot of 5 000 bad lines of 500 bytes loaded three times took 2.9, 5.7, then 8.6 MB.
Each run still lists (and its report counts) every entry it met.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_config
from refused_categories import bad_snapshot as rejected_snapshot
from scholarkg.config import Config, load_config
from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine import quarantine_records, read_quarantined
from scholarkg.quarantine_graphs import read_rejected
from scholarkg.runs.arxiv_snapshot import load_snapshot

BAD_LINES = 200


def bad_snapshot(path: Path) -> Path:
    """refused_categories' snapshot (every tenth record's category refused by the shapes)
    and 200 lines of ~2 kB that are no JSON."""
    rejected_snapshot(path)
    with path.open("a", encoding="utf-8") as out:
        out.writelines(f"{{not json {n} " + "x" * 2000 + "\n" for n in range(BAD_LINES))
    return path


def run_sizes(config: Config) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for path in config.quarantine_dir.glob("*/*/*.jsonl"):
        sizes[path.parent.name] = sizes.get(path.parent.name, 0) + path.stat().st_size
    return sizes


def test_a_rerun_over_the_same_bad_snapshot_refers_to_the_first_runs_entries(
    tmp_path: Path,
) -> None:
    config = load_config(write_config(tmp_path, []))
    snapshot = bad_snapshot(tmp_path / "bad.jsonl")
    first = load_snapshot(config, snapshot, workers=0).report
    second = load_snapshot(config, snapshot, workers=0, force=True).report
    assert len(first.quarantined) == len(second.quarantined) == BAD_LINES  # each run counts them
    assert len(first.rejected) == len(second.rejected) == 10
    sizes = run_sizes(config)
    assert len(sizes) == 2
    # by the runs' own ids: two runs started within one second do not sort by their start
    earlier, later = (sizes[report.run_iri.rsplit("/", 1)[-1]] for report in (first, second))
    assert later * 5 < earlier  # before: as large as the first run's
    records = read_quarantined(config.quarantine_dir)
    assert len(records.records) == BAD_LINES and records.notes == []
    assert all(r.text.endswith("x" * 2000) for r in records.records)  # the text, read through
    graphs = read_rejected(config.quarantine_dir)
    assert len(graphs.graphs) == 10 and graphs.notes == []


def test_only_an_entry_kept_alike_is_referred_to(tmp_path: Path) -> None:
    """Same source, line and reason but another text is another record: copied, not referred
    to; the later run's file names every record it met, in order."""
    one = QuarantinedRecord("dump.jsonl", 3, "not JSON", "{a")
    other = QuarantinedRecord("dump.jsonl", 3, "not JSON", "{b")
    [earlier] = quarantine_records([one], tmp_path, "run-1")
    [later] = quarantine_records([other, one], tmp_path, "run-2")
    lines = [json.loads(x) for x in later.read_text("utf-8").splitlines()]
    assert lines[0] == other.__dict__
    assert lines[1]["kept_in"] == "run-1" and "text" not in lines[1]
    assert (lines[1]["source"], lines[1]["line"], lines[1]["reason"]) == (
        "dump.jsonl",
        3,
        "not JSON",
    )
    assert read_quarantined(tmp_path).records == [one, other]
    [third] = quarantine_records([other], tmp_path, "run-3")
    assert json.loads(third.read_text("utf-8"))["kept_in"] == "run-2"
    assert earlier.read_text("utf-8") == json.dumps(one.__dict__) + "\n"

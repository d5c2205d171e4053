"""Finding the entries earlier runs keep holds no table of them in memory: a run that meets ten
bad lines beside 100 000 kept before retains what it does beside 10 000 (before: ~100 bytes an
earlier entry, kept for the process), and still writes the ones kept before as references to
the run that keeps them, also after a prune moved them and with an index torn or unusable.
Oracles: tracemalloc, the lines of the files and what reads back."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from quarantined_runs import RUNS, SHARED, three_runs
from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine import quarantine_records, read_quarantined, records_file
from scholarkg.quarantine_index import index_path
from scholarkg.quarantine_runs import chosen, prune

LATER = "20250101T000000Z-dddddddd"


def bad(line: int, text: str) -> QuarantinedRecord:
    return QuarantinedRecord("dump.jsonl", line, "not JSON", text)


def retained_by_a_later_run(root: Path, earlier: int) -> int:
    """Bytes still held after a later run quarantines 10 lines, 5 of them kept before, once
    ``earlier`` entries were kept by a first run."""
    quarantine_records([bad(n, f"{{bad {n}") for n in range(earlier)], root, RUNS[0])
    met = [bad(n, f"{{bad {n}") for n in range(5)] + [bad(-n, f"{{new {n}") for n in range(5)]
    tracemalloc.start()
    try:
        for record in met:  # one write each, as a run meets them
            quarantine_records([record], root, RUNS[1])
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    lines = records_file(root, RUNS[1], "dump.jsonl").read_text("utf-8").splitlines()
    homes = [json.loads(line).get("kept_in") for line in lines]
    assert homes == [RUNS[0]] * 5 + [None] * 5
    return held


def test_what_a_run_holds_to_find_earlier_entries_does_not_grow_with_them(
    tmp_path: Path,
) -> None:
    few = retained_by_a_later_run(tmp_path / "few", 10_000)
    many = retained_by_a_later_run(tmp_path / "many", 100_000)
    # before: 0.9 and 10.4 MB (a hash and a run name per earlier entry, kept by the process)
    assert many < few + 500_000, (few, many)


def test_after_a_prune_an_entry_is_referred_to_in_the_run_that_keeps_it_now(
    tmp_path: Path,
) -> None:
    three_runs(tmp_path)
    quarantine_records([bad(9, "{looked up once")], tmp_path, RUNS[2])  # the index is made
    prune(tmp_path, chosen(tmp_path, keep=1))  # SHARED's line now in the last run's file
    quarantine_records([SHARED], tmp_path, LATER)
    line = records_file(tmp_path, LATER, SHARED.source).read_text("utf-8")
    assert json.loads(line)["kept_in"] == RUNS[2]
    assert read_quarantined(tmp_path).notes == []


@pytest.mark.parametrize("index", ["torn", "a folder"])
def test_an_index_that_cannot_be_used_is_read_past(tmp_path: Path, index: str) -> None:
    three_runs(tmp_path)
    path = index_path(tmp_path / "records")
    if index == "torn":
        path.write_bytes(b"not an index" * 100)
    else:  # what SQLite cannot open
        path.unlink()
        path.mkdir()
    quarantine_records([SHARED], tmp_path, LATER)
    line = records_file(tmp_path, LATER, SHARED.source).read_text("utf-8")
    assert json.loads(line)["kept_in"] == RUNS[0]
    assert read_quarantined(tmp_path).records[-1] == SHARED
    if index == "torn":
        quarantine_records([SHARED], tmp_path, "20260101T000000Z-eeeeeeee")
        assert path.read_bytes().startswith(b"SQLite format 3")  # made again

"""A snapshot chunk is judged by the file time the store first read its bytes with
(:mod:`scholarkg.runs.first_written`): the file touched or copied between a run and the next
(a killed load resumed, a load run again) changes no verdict on bytes read before.

Before, every run judged every chunk by the file's time as that run read it: a chunk loaded
before whose line was quarantined was reported otherwise, a chunk processed on every run (it
holds a later line of an id read in an earlier chunk) loaded a line it had quarantined, and a
chunk loaded before but processed again (an id of it read earlier in this run) was not judged
at all. Input: the first lines of tests/fixtures/arxiv/kaggle/snapshot_sample_100.jsonl
(0704.0002 updated 2008-12-13, 0704.0003 2008-01-13, 0704.0004 2007-05-23, 0704.0007
2008-11-26), in the orders stated.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import write_config
from dated_snapshots import AFTER, FIRST, LATER, touch, write_dated
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.first_written import first_written_path
from scholarkg.runs.report import RunReport


def _load(tmp_path: Path, path: Path, chunk_records: int = 1000) -> RunReport:
    config = load_config(write_config(tmp_path, []))
    return load_snapshot(config, path, workers=0, chunk_records=chunk_records).report


def _told(report: RunReport) -> list[str]:
    return sorted(q.split(":", 1)[1] for q in report.quarantined)  # without the file's path


def test_a_chunk_loaded_before_is_told_alike_after_its_file_is_touched(tmp_path: Path) -> None:
    path = write_dated(tmp_path / "snapshot.jsonl", ["0704.0002", "0704.0003", "0704.0004"], FIRST)
    first = _load(tmp_path, path)
    assert _told(first) == [f"1: {AFTER}"] and first.records_loaded == 2
    touch(path, LATER)  # copied, or touched: the same bytes
    again = _load(tmp_path, path)
    # before: "1-3: 1 of 1 lines quarantined when this chunk was loaded (unchanged since, …)"
    assert _told(again) == _told(first)
    assert again.records_loaded == 2
    assert any("chunks unchanged" in note for note in again.notes)


def test_a_chunk_processed_on_every_run_is_judged_by_its_first_file_time(tmp_path: Path) -> None:
    """Its later line of 0704.0004 (read in the chunk before) makes the second chunk one the
    store cannot skip: it is read again by every run, judged by the same time."""
    ids = ["0704.0004", "0704.0003", "0704.0002", "0704.0004"]
    path = write_dated(tmp_path / "snapshot.jsonl", ids, FIRST)
    first = _load(tmp_path, path, chunk_records=2)
    assert _told(first) == [f"3: {AFTER}", "4: duplicate of arXiv id 0704.0004 at line 1"]
    touch(path, LATER)
    again = _load(tmp_path, path, chunk_records=2)
    assert _told(again) == _told(first)  # before: 0704.0002 loaded, judged by 2009-06-01
    assert again.records_loaded == first.records_loaded == 2


def test_a_chunk_loaded_before_and_read_again_is_judged(tmp_path: Path) -> None:
    """The second chunk's bytes are loaded by the first run; the second run's first chunk reads
    0704.0003 before it, so it is processed again (its duplicate quarantined) and judged."""
    path = write_dated(
        tmp_path / "a.jsonl", ["0704.0004", "0704.0007", "0704.0002", "0704.0003"], FIRST
    )
    first = _load(tmp_path, path, chunk_records=2)
    assert _told(first) == [f"3: {AFTER}"]
    path = write_dated(
        tmp_path / "b.jsonl", ["0704.0004", "0704.0003", "0704.0002", "0704.0003"], FIRST
    )
    again = _load(tmp_path, path, chunk_records=2)
    # before: 0704.0002 loaded, its chunk read again without the file's time
    assert _told(again) == [f"3: {AFTER}", "4: duplicate of arXiv id 0704.0003 at line 2"]


def test_the_reason_names_the_time_first_read_not_the_files_now(tmp_path: Path) -> None:
    """The time a reason shows is the one the chunk is judged by, the file's time when its
    bytes were first read, and is said to be so (before: "after the snapshot file was last
    written (2008-12-11…)" of a file last written 2009-06-01)."""
    path = write_dated(tmp_path / "snapshot.jsonl", ["0704.0002", "0704.0004"], FIRST)
    _load(tmp_path, path)
    touch(path, LATER)
    again = _load(tmp_path, path)
    assert list(again.quarantined) == [
        f"{path}:1: updated 2008-12-13 is after the snapshot file's time when first read "
        "(2008-12-11T23:00:00+00:00)"
    ]
    assert again.quarantined.reasons == {  # the kind the report counts it under
        "updated … is after the snapshot file's time when first read …": 1
    }


def _printed(config: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``scholarkg arxiv load-snapshot --json``: (exit code, records printed without the time
    each was judged by, lines told)."""
    code = main(["arxiv", "load-snapshot", "--json", str(path), "--config", str(config)])
    out, err = capsys.readouterr()
    records = json.loads(out)
    for record in records:
        assert record.pop("judged_by")["time"] == FIRST.isoformat()
    return code, json.dumps(records), err


def test_the_records_printed_are_judged_by_the_time_the_store_first_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--json`` reads chunks as a load does, each judged by the time the store first read
    its bytes with (none kept: the file's time now, said so), and writes nothing (before: by
    the file's time now, so 0704.0002, quarantined by the load, printed once the file was
    touched)."""
    config = write_config(tmp_path, [])
    path = write_dated(tmp_path / "snapshot.jsonl", ["0704.0002", "0704.0003", "0704.0004"], FIRST)
    before = _printed(config, path, capsys)
    assert not first_written_path(load_config(config)).exists()  # nothing written
    now = AFTER.replace("when first read", "now")  # none kept: said so
    assert before[0] == 1 and before[2] == f"quarantined: {path}:1: {now}\n"
    load_snapshot(load_config(config), path, workers=0)
    capsys.readouterr()
    touch(path, LATER)
    loaded = (before[0], before[1], f"quarantined: {path}:1: {AFTER}\n")
    assert _printed(config, path, capsys) == loaded
    shutil.copy(path, tmp_path / "copy.jsonl")  # a copy: today's time, the same bytes
    code, out, err = _printed(config, tmp_path / "copy.jsonl", capsys)
    assert (code, out.replace("copy", "snapshot"), err.replace("copy", "snapshot")) == loaded

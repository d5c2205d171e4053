"""Quarantined records never overwrite each other: not of different sources, not of one source
and line. A run keeps one JSON-lines file per source (before: a file per record, thousands of
tiny files for a bad dump); a kill mid-write loses nothing before the line it cut, and stores
written in the old layout read back alike."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from conftest import write_config
from constructed import Listed, profile_page
from scholarkg.config import load_config
from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine import quarantine_records, read_quarantined
from scholarkg.runs.build import build


def page_with_an_impossible_date(path: Path, name: str) -> Path:
    papers = [
        Listed("A Paper With A Bad Date", dt.date(2020, 1, 5), (name,)),
        Listed("A Paper That Loads", dt.date(2021, 3, 7), (name,)),
    ]
    page = profile_page(name, papers).replace(b"SEJan 5, 2020", b"SEFeb 30, 2020")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(page)
    return path


def test_two_sources_whose_names_fold_alike_keep_two_quarantine_files(tmp_path: Path) -> None:
    # a/b_c.txt and a_b/c.txt read alike once path separators are folded into the file name
    one = page_with_an_impossible_date(tmp_path / "a" / "b_c.txt", "Ann Lee")
    two = page_with_an_impossible_date(tmp_path / "a_b" / "c.txt", "Bo Chen")
    config = load_config(write_config(tmp_path, [one, two]))
    report = build(config).report
    assert len(report.quarantined) == 2, report.quarantined
    files = sorted((config.quarantine_dir / "records").glob("*/*.jsonl"))
    assert len(files) == 2  # one per source
    sources = {r.source for r in read_quarantined(config.quarantine_dir).records}
    assert sources == {str(one), str(two)}
    assert report.papers == 4 and report.outcome == "partial"


URL = "http://127.0.0.1:1/api/query?search_query=all%3Ax&start=0&max_results=3"
RECORDS = [
    QuarantinedRecord(URL, 1, "no arXiv id", "<entry>one</entry>"),
    QuarantinedRecord(URL, 1, "no arXiv id", "<entry>two</entry>"),
    QuarantinedRecord(URL, 1, "no title", "<entry>one \u00e9\n</entry>"),
]


def test_records_of_one_source_and_line_are_kept_each_and_a_rerun_reads_back_once(
    tmp_path: Path,
) -> None:
    """Two entries of an answer on one line (or of unknown line, 0) are two records; a later
    run writing the same records again keeps its own file, read back as the same records."""
    [first] = quarantine_records(RECORDS, tmp_path, "run-1")
    lines = first.read_text("utf-8").splitlines()
    assert [json.loads(x) for x in lines] == [r.__dict__ for r in RECORDS]  # in order, whole
    [again] = quarantine_records([RECORDS[1], RECORDS[0]], tmp_path, "run-2")
    assert again != first and again.name == first.name  # per run, named by the source
    kept = read_quarantined(tmp_path)
    assert kept.records == RECORDS and kept.notes == []


def test_a_bad_dump_is_one_file_per_source_not_one_per_record(tmp_path: Path) -> None:
    records = [QuarantinedRecord("/data/dump.json", n, "not JSON", f"{{{n}") for n in range(5000)]
    written = quarantine_records(records[:2500], tmp_path, "run") + quarantine_records(
        records[2500:], tmp_path, "run"
    )
    assert len(set(written)) == 1
    assert [p.name for p in (tmp_path / "records" / "run").iterdir()] == [written[0].name]
    assert read_quarantined(tmp_path).records == records


def test_a_write_cut_short_loses_only_its_last_line_and_says_so(tmp_path: Path) -> None:
    """A kill mid-write leaves a partial last line: read back, every whole record is there and
    a note names the cut line; the next write of that file starts on a line of its own."""
    [path] = quarantine_records(RECORDS[:2], tmp_path, "run")
    whole = path.read_bytes()
    path.write_bytes(whole + whole.splitlines(keepends=True)[0][:25])  # the kill, mid-line
    kept = read_quarantined(tmp_path)
    assert kept.records == RECORDS[:2]
    assert kept.notes == [f"{path}:3: not a whole record (a write cut short?): skipped"]
    quarantine_records(RECORDS[2:], tmp_path, "run")
    kept = read_quarantined(tmp_path)
    assert kept.records == RECORDS and len(kept.notes) == 1


def test_a_store_in_the_old_layout_reads_back(tmp_path: Path) -> None:
    """A file per record (``records/<…>-L<line>.json``, written before): read with the new."""
    old = tmp_path / "records" / "page-0123456789ab-ba9876543210-L1.json"
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps(RECORDS[0].__dict__, indent=1), encoding="utf-8")
    (tmp_path / "records" / "broken-L2.json").write_text('{"source": "x"', encoding="utf-8")
    quarantine_records(RECORDS, tmp_path, "run")
    kept = read_quarantined(tmp_path)
    assert kept.records == RECORDS  # the old file's record is one of the new run's: kept once
    assert kept.notes == [
        f"{tmp_path / 'records' / 'broken-L2.json'}: not a quarantined record: skipped"
    ]


def test_a_record_the_disk_refuses_is_one_error_naming_its_file_and_leaves_no_part(
    tmp_path: Path,
) -> None:
    """A full disk (a file-size limit: EFBIG as ENOSPC) under a quarantined record's write:
    a WriteFailed naming the record's file, and no half-written record left behind (before, a
    bare OSError and a truncated JSON file that a reader could not parse); records written
    before it are kept whole."""
    script = f"""
import resource, signal, sys
from pathlib import Path
from scholarkg.errors import WriteFailed
from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine import quarantine_records
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
first = QuarantinedRecord("https://example.org/page", 2, "bad", "y")
quarantine_records([first], Path({str(tmp_path)!r}), "run")
record = QuarantinedRecord("https://example.org/page", 3, "too long", "x" * 20_000)
try:
    quarantine_records([record], Path({str(tmp_path)!r}), "run")
except WriteFailed as exc:
    print("WriteFailed", exc)
except OSError as exc:
    print("OSError", exc)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    kind, _, message = done.stdout.strip().partition(" ")
    assert kind == "WriteFailed", done.stdout + done.stderr
    assert "cannot write the quarantined record" in message and ".jsonl" in message
    assert "\n" not in message
    kept = read_quarantined(tmp_path)
    assert [r.line for r in kept.records] == [2] and kept.notes == []

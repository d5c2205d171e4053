"""Quarantined records never overwrite each other: not of different sources, not of one source
and line; the same record written again replaces its own file."""

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
from scholarkg.quarantine import quarantine_records
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
    files = sorted((config.quarantine_dir / "records").glob("*.json"))
    assert len(files) == 2
    sources = {json.loads(f.read_text("utf-8"))["source"] for f in files}
    assert sources == {str(one), str(two)}
    assert report.papers == 4 and report.outcome == "partial"


def test_records_of_one_source_and_line_keep_a_file_each_and_rewrites_replace_them(
    tmp_path: Path,
) -> None:
    """Two entries of an answer on one line (or of unknown line, 0) are two records; a run
    writing the same records again (a re-run) adds no file."""
    url = "http://127.0.0.1:1/api/query?search_query=all%3Ax&start=0&max_results=3"
    records = [
        QuarantinedRecord(url, 1, "no arXiv id", "<entry>one</entry>"),
        QuarantinedRecord(url, 1, "no arXiv id", "<entry>two</entry>"),
        QuarantinedRecord(url, 1, "no title", "<entry>one</entry>"),
    ]
    first = quarantine_records(records, tmp_path)
    assert len(set(first)) == 3
    assert all(p.name.endswith("-L1.json") for p in first)  # the line still ends the name
    kept = [json.loads(p.read_text("utf-8")) for p in first]
    assert [(k["reason"], k["text"]) for k in kept] == [(r.reason, r.text) for r in records]
    again = quarantine_records([records[1], records[0], records[1]], tmp_path)
    assert again == [first[1], first[0], first[1]]
    assert sorted((tmp_path / "records").iterdir()) == sorted(first)


def test_a_record_the_disk_refuses_is_one_error_naming_its_file_and_leaves_no_part(
    tmp_path: Path,
) -> None:
    """A full disk (a file-size limit: EFBIG as ENOSPC) under a quarantined record's write:
    a WriteFailed naming the record's file, and no half-written file left behind (before, a
    bare OSError and a truncated JSON file that a reader could not parse)."""
    script = f"""
import resource, signal, sys
from pathlib import Path
from scholarkg.errors import WriteFailed
from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine import quarantine_records
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
record = QuarantinedRecord("https://example.org/page", 3, "too long", "x" * 20_000)
try:
    quarantine_records([record], Path({str(tmp_path)!r}))
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
    assert "a quarantined record" in message and "-L3.json" in message
    assert "\n" not in message
    assert list((tmp_path / "records").iterdir()) == []

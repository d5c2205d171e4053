"""A snapshot load with worker processes, stopped (SIGTERM) while its first chunk is with the
workers: its report says the records it read (the chunk's lines, dropped when it stopped and
read again by the next run), not 0, and none loaded; the stop is asked for as the chunk is
queued (``tests/helpers/killed_at.py``, ``KILLED_BY=TERM``), so nothing depends on timing.
Input as in test_snapshot_killed_parts.py (chunks of 10 lines, [runner] max_workers 2); blank
lines inside the chunk are no records, in a stopped run's count as in a finished one's."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from killed_snapshot import BOUND, command, make_input
from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.runs.chunk_work import ChunkResult
from scholarkg.runs.cut_short import lines_in_flight
from scholarkg.runs.records import Job
from store_contents import reports

QUEUED = "scholarkg.runs.records:Ingest.drain"  # the first chunk with the workers


def _blank_between_the_first(directory: Path, records: int) -> None:
    """The input with a blank line (LF, CRLF, white space alone, in turn) after each of its
    first ``records`` lines: the first chunk of 10 lines holds 5 records."""
    lines = (directory / "s.jsonl").read_bytes().split(b"\n")
    blanks = [b"", b"\r", b" \t "]
    spaced = [part for n, line in enumerate(lines[:records]) for part in (line, blanks[n % 3])]
    (directory / "s.jsonl").write_bytes(b"\n".join([*spaced, *lines[records:]]))


@pytest.mark.parametrize(("blank", "read"), [(0, 10), (5, 5)])
def test_a_load_stopped_with_a_chunk_at_the_workers_reports_its_records_read(
    tmp_path: Path, blank: int, read: int
) -> None:
    make_input(tmp_path)
    _blank_between_the_first(tmp_path, blank)
    stopped = subprocess.run(
        command(tmp_path, QUEUED), capture_output=True, text=True, timeout=BOUND, check=False,
        env={**os.environ, "KILLED_BY": "TERM"},
    )  # fmt: skip
    shown = stopped.stdout + stopped.stderr
    assert stopped.returncode == 128 + signal.SIGTERM, shown
    [report] = reports(tmp_path)
    assert report["interrupted"], report
    assert (report["records_read"], report["records_loaded"]) == (read, 0), report  # before: 0,
    assert f"records: {read} read, 0 loaded" in stopped.stdout, shown  # then 10 with blank lines


def test_the_lines_in_flight_counted_are_the_lines_read_as_records() -> None:
    """Every line but a blank one, as a worker counts a chunk's records read: a line over a
    limit (its problem said, its bytes not kept) is one; one of white space alone is none."""
    lines = [
        SnapshotLine(1, b'{"id": "0704.0001"}\n'),
        SnapshotLine(2, b"\n"),
        SnapshotLine(3, b" \t\r\n"),
        SnapshotLine(4, b"", "line over [limits] line_bytes"),
        SnapshotLine(5, b'{"id": "0704.0002"}'),
    ]
    jobs = [Job(ChunkResult(0), lines=lines), Job(ChunkResult(1)), Job(ChunkResult(2), lines=[])]
    assert lines_in_flight(jobs) == 3  # before: 5

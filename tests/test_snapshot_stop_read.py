"""A snapshot load with worker processes, stopped (SIGTERM) while its first chunk is with the
workers: its report says the records it read (the chunk's lines, dropped when it stopped and
read again by the next run), not 0, and none loaded; the stop is asked for as the chunk is
queued (``tests/helpers/killed_at.py``, ``KILLED_BY=TERM``), so nothing depends on timing.
Input as in test_snapshot_killed_parts.py (chunks of 10 lines, [runner] max_workers 2)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from killed_snapshot import BOUND, command, make_input
from store_contents import reports

QUEUED = "scholarkg.runs.records:Ingest.drain"  # the first chunk with the workers


def test_a_load_stopped_with_a_chunk_at_the_workers_reports_its_records_read(
    tmp_path: Path,
) -> None:
    make_input(tmp_path)
    stopped = subprocess.run(
        command(tmp_path, QUEUED), capture_output=True, text=True, timeout=BOUND, check=False,
        env={**os.environ, "KILLED_BY": "TERM"},
    )  # fmt: skip
    shown = stopped.stdout + stopped.stderr
    assert stopped.returncode == 128 + signal.SIGTERM, shown
    [report] = reports(tmp_path)
    assert report["interrupted"], report
    assert (report["records_read"], report["records_loaded"]) == (10, 0), report  # before: 0
    assert "records: 10 read, 0 loaded" in stopped.stdout, shown

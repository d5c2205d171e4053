"""A snapshot line holding a JSON integer longer than Python reads (4 300 digits): quarantined,
the reason saying so in the reader's words (before: Python's own, ``… use
sys.set_int_max_str_digits() to increase the limit``, advice no one running the CLI can take),
the other lines loading."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from scholarkg.extract.snapshot import read_snapshot
from snapshot_sample import LINES, write_lines


def test_a_number_too_long_to_read_is_quarantined_saying_so(tmp_path: Path) -> None:
    record = json.loads(LINES[1]) | {"report-no": None}
    long = json.dumps(record).replace('"report-no": null', '"report-no": ' + "9" * 5000)
    path = write_lines(tmp_path / "s.jsonl", [LINES[0], long, LINES[2]])
    snapshot = read_snapshot(path)
    assert len(list(snapshot)) == 2
    [quarantined] = snapshot.quarantined
    most = sys.get_int_max_str_digits()
    assert (quarantined.line, quarantined.reason) == (
        2,
        f"a number of 5000 digits: over {most}, the most read",
    )

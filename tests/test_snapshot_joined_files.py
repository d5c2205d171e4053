"""Snapshot files that each began with a byte-order mark, joined into one (``cat a b``).

A UTF-8 byte-order mark opening a line is no part of it: the first line's (as some editors
write one) and a later line's, where a joined file began. Before, the later one made its line
``not JSON: Unexpected UTF-8 BOM`` and the record was quarantined; now it loads, and the run
report names the lines so read. A mark before an oversize line no longer splits it: before, the
first line's mark was taken away before the size was judged, so a first line over
``line_bytes`` was read as two lines, every later number one off.

CONSTRUCTED: the real sample (tests/fixtures/arxiv/kaggle), cut in two or three files that each
begin with a mark and joined again.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from conftest import write_config
from scholarkg.config import load_config
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.extract.snapshot_lines import UTF8_BOM
from scholarkg.limits import Limits
from scholarkg.runs.arxiv_snapshot import load_snapshot

SAMPLE = Path(__file__).parent / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
LINES = SAMPLE.read_bytes().splitlines(keepends=True)


def _joined(tmp_path: Path, *cuts: int) -> Path:
    """The sample as files cut before each line number in ``cuts``, each with a mark, joined."""
    bounds = [0, *(c - 1 for c in cuts), len(LINES)]
    parts = [UTF8_BOM + b"".join(LINES[a:b]) for a, b in itertools.pairwise(bounds)]
    path = tmp_path / "joined.jsonl"
    path.write_bytes(b"".join(parts))
    return path


def test_files_joined_with_their_marks_read_as_one(tmp_path: Path) -> None:
    reader = read_snapshot(_joined(tmp_path, 41, 77))
    records = list(reader)
    assert reader.quarantined == [] and reader.lines_read == 100
    assert [r.arxiv_id for r in records] == [r.arxiv_id for r in read_snapshot(SAMPLE)]
    assert reader.marked_lines == [41, 77]  # the first line's mark is no joint


def test_the_run_loads_every_record_and_names_the_joints(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    report = load_snapshot(config, _joined(tmp_path, 3), workers=0).report
    assert (report.records_read, report.records_loaded, report.quarantined) == (100, 100, [])
    assert [n for n in report.notes if "byte-order" in n] == [
        "a UTF-8 byte-order mark began 1 line(s) past the first (files joined?); read without it: 3"
    ]


def test_a_marked_line_over_the_limit_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(UTF8_BOM + LINES[0] + UTF8_BOM + LINES[2] + LINES[3])
    assert len(LINES[0]) > 1000 > len(LINES[3]) > len(LINES[2])  # 1381, 736, 685 bytes
    reader = read_snapshot(path, Limits(line_bytes=1000))
    assert [r.arxiv_id for r in reader] == ["0704.0004", "0704.0005"]
    assert reader.lines_read == 3 and reader.marked_lines == [2]
    assert [q.describe() for q in reader.quarantined] == [
        f"{path}:1: line is 1384 bytes: over [limits] line_bytes = 1000; raise it in your "
        "config if this is genuine"
    ]
    assert reader.quarantined[0].text.startswith('{"id":"0704.0002"')

"""A snapshot in UTF-16 or UTF-32 (an editor's or PowerShell's ``>``): before, every line of it
was read and quarantined (``not UTF-8``, ``not JSON``), a file of millions of lines quarantined
whole; now it is one line naming the file and how to convert it, before anything is loaded."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from conftest import write_config
from limited_runs import run
from scholarkg.extract.snapshot import read_snapshot
from snapshot_sample import LINES, refused_at_its_first_line

TEXT = "".join(line + "\n" for line in LINES[:5])
WIDE = {
    "UTF-16LE": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "UTF-16BE": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "unmarked UTF-16LE": TEXT.encode("utf-16-le"),
    "unmarked UTF-16BE": TEXT.encode("utf-16-be"),
    "UTF-32LE": codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
}


@pytest.mark.parametrize("kind", list(WIDE))
@pytest.mark.parametrize("reader", ["SnapshotReader", "load_snapshot"])
def test_utf16_or_utf32_snapshot_is_refused_naming_the_file(
    tmp_path: Path, kind: str, reader: str
) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(WIDE[kind])
    wide = r"UTF-(16|32)[LB]E text, but a snapshot is UTF-8"
    said = refused_at_its_first_line(path, tmp_path, reader, wide)
    assert f"iconv -f {kind.split()[-1]} -t UTF-8" in said


def test_cli_refuses_a_utf16_snapshot_and_loads_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(WIDE["UTF-16LE"])
    write_config(tmp_path, [])
    done = run(tmp_path, command=("arxiv", "load-snapshot", str(path)))
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "UTF-16LE text, but a snapshot is UTF-8" in errors[0], done.stderr
    assert "quarantined" not in done.stdout


def test_a_utf8_snapshot_with_a_byte_order_mark_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + TEXT.encode())
    snapshot = read_snapshot(path)
    assert len(list(snapshot)) == 5 and snapshot.quarantined == []


def test_a_first_line_of_damage_that_starts_like_a_mark_is_one_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + b" broken\n" + TEXT.encode())
    snapshot = read_snapshot(path)
    assert len(list(snapshot)) == 5 and [q.line for q in snapshot.quarantined] == [1]

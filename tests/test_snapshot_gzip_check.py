"""A ``.gz`` snapshot with a byte changed inside a member: gzip checks a member (CRC-32) only at
its end, so the changed byte unpacked to other text without a word. Before, every line read
loaded, the changed one too (a title misspelt in the store), and the failed check was told as
damage *after* them; now a regular file's members are checked before a line is read: the
members before the damaged one load, none of the damaged one does, and the quarantined entry
says so. Stored (level 0) deflate blocks keep the text as it is, so one byte is changed where
the title is (CONSTRUCTED)."""

from __future__ import annotations

import zlib
from pathlib import Path

from conftest import write_config
from limited_runs import run
from scholarkg.extract.snapshot import read_snapshot
from snapshot_sample import LINES, bulk

TEXT = [(line + "\n").encode() for line in LINES[:20]]
TITLE = b"Sparsity-certifying Graph Decompositions"  # 0704.0002's, the first line's


def _member(lines: list[bytes]) -> bytes:
    packer = zlib.compressobj(0, zlib.DEFLATED, 31)  # stored blocks: the text as it is
    return packer.compress(b"".join(lines)) + packer.flush()


def _misspelt(member: bytes) -> bytes:
    assert member.count(TITLE) == 1
    return member.replace(TITLE, TITLE.replace(b"Sparsity", b"Spursity"))


def test_a_damaged_member_loads_none_of_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl.gz"
    path.write_bytes(_misspelt(_member(TEXT)))
    snapshot = read_snapshot(path)
    assert list(snapshot) == []  # before: 20 records, 0704.0002 titled "Spursity-…"
    [damage] = snapshot.quarantined
    assert damage.line == 1 and damage.reason == (
        "damaged input after byte 0 of the decompressed data: the gzip member from byte 0 of "
        "the decompressed data fails its data check: its text is damaged somewhere in it (gzip "
        "checks a member only at its end); nothing after it was read"
    )


def test_members_before_the_damaged_one_load(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl.gz"
    first = _member(TEXT[10:])
    path.write_bytes(first + _misspelt(_member(TEXT[:10])))  # 0704.0002 in the second member
    report = bulk(path, tmp_path, workers=0)
    size = sum(len(line) for line in TEXT[10:])
    assert report.records_loaded == 10  # before: 20, the misspelt title with them
    assert [q.split(": ", 1)[1] for q in report.quarantined] == [
        f"damaged input after byte {size} of the decompressed data: the gzip member from byte "
        f"{size} of the decompressed data fails its data check: its text is damaged somewhere "
        "in it (gzip checks a member only at its end); nothing after it was read"
    ]
    assert report.quarantined[0].startswith(f"{path}:11: ")


def test_cli_stores_no_text_of_a_damaged_member(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl.gz"
    path.write_bytes(_misspelt(_member(TEXT)))
    write_config(tmp_path, [])
    done = run(tmp_path, command=("arxiv", "load-snapshot", str(path)))
    assert "records: 1 read, 0 loaded" in done.stdout, done.stdout + done.stderr
    assert "fails its data check" in done.stdout
    dumped = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*.nq"))
    assert b"Spursity" not in dumped and b"0704.0002" not in dumped

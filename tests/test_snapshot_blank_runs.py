"""Blank lines in a snapshot cost what reading their bytes costs: a ``.gz`` of 300 MB of ``\\n``
took 18 minutes, each 1 000 of its lines a chunk (digested, judged by its first file time,
read, gated, kept in the manifest), each line through the reader on its own. Blank lines in a
row, each the same bytes, are now one :class:`BlankRun`, and a chunk of blank lines alone is not
handed on; a file is still cut where it was cut line by line, so a store loaded before keeps its
chunks' keys (it resumes and skips them).

Counted, not timed: the reads and chunks of a file of N blank lines do not grow with N. Real
snapshot lines (the Kaggle sample) around the blank lines load as they load without them; a
quarantined line is named at its line; a load resumes.
"""

from __future__ import annotations

import gzip
import random
import re
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from building import counted
from conftest import write_config
from scholarkg.config import load_config
from scholarkg.extract.snapshot import SnapshotReader, chunked
from scholarkg.extract.snapshot_lines import BlankRun, SnapshotLine, snapshot_lines
from scholarkg.limits import DEFAULT_LIMITS, Limits
from scholarkg.load.manifest import FILE_NAME, store_state_dir
from scholarkg.runs.arxiv_snapshot import load_snapshot, read_chunks
from scholarkg.runs.first_written import FirstWritten, chunk_part
from snapshot_sample import SNAPSHOT

RECORDS = SNAPSHOT.read_bytes().splitlines(keepends=True)[:12]


def _gz(path: Path, data: bytes) -> Path:
    path.write_bytes(gzip.compress(data, compresslevel=1))
    return path


@pytest.mark.parametrize("blank", [b"\n", b"\r\n"])
def test_a_file_of_blank_lines_is_one_read_and_no_chunk(tmp_path: Path, blank: bytes) -> None:
    for n in (20_000, 300_000):  # before: n reads, n / 1000 chunks
        path = _gz(tmp_path / f"{n}.jsonl.gz", blank * n)
        read = list(snapshot_lines(path, DEFAULT_LIMITS))
        assert sum(r.times for r in read if isinstance(r, BlankRun)) == n
        assert len(read) <= 2 and all(isinstance(r, BlankRun) for r in read)  # \r\n: a buffer
        assert [(r.number, r.line) for r in read[:1]] == [(1, blank)]
        assert list(read_chunks(path, 1000, DEFAULT_LIMITS)) == []


def test_records_between_blank_lines_are_read_as_many_times_whatever_the_blank(
    tmp_path: Path,
) -> None:
    reads = []
    for n in (1_000, 100_000):
        path = _gz(tmp_path / f"{n}.jsonl.gz", b"\n" * n + (b"\n" * n).join(RECORDS))
        read = list(snapshot_lines(path, DEFAULT_LIMITS))
        assert [r.number for r in read if isinstance(r, SnapshotLine)] == [
            (n + 1) * k + n + 1 for k in range(len(RECORDS))
        ]
        chunks = list(read_chunks(path, 1000, DEFAULT_LIMITS))
        reads.append((len(read), len(chunks), sum(map(len, chunks))))
    assert reads[0][:2] == reads[1][:2] == (2 * len(RECORDS), len(RECORDS))
    assert reads[1][2] <= 1000 * len(RECORDS)  # the lines handed on: at most a chunk a record


def _lines(data: bytes) -> Iterator[SnapshotLine]:
    """Every line of ``data`` on its own, as the reader handed them on before."""
    for number, found in enumerate(re.finditer(rb"[^\n]*\n|[^\n]+$", data), 1):
        yield SnapshotLine(number, found.group())


def _cut_line_by_line(data: bytes, size: int, limits: Limits) -> list[list[SnapshotLine]]:
    """The chunks ``chunked`` cut before BlankRun: a line at a time, every chunk."""
    chunks, chunk, held = [], [], 0
    for line in _lines(data):
        chunk.append(line)
        held += len(line.data)
        if len(chunk) >= size or held >= 4 * limits.line_bytes:
            chunks.append(chunk)
            chunk, held = [], 0
    return [*chunks, chunk] if chunk else chunks


def _random_file(rng: random.Random) -> bytes:
    parts = []
    for _ in range(rng.randrange(1, 30)):
        kind = rng.random()
        if kind < 0.5:
            parts.append(rng.choice([b"\n", b"\r\n", b"  \n", b"\t\r\n"]) * rng.randrange(1, 3000))
        elif kind < 0.9:
            parts.append(rng.choice(RECORDS))
        else:
            parts.append(b"{oops\n")
    if rng.random() < 0.3:
        parts.append(rng.choice([b"   ", b"{no end"]))  # a last line without its end
    return b"".join(parts)


def test_a_file_is_cut_where_it_was_cut_line_by_line(tmp_path: Path) -> None:
    """The chunks a file holds records in are the lines, bytes and so the digests (a store's
    keys) they were when each blank line came on its own; only chunks of blank lines alone go."""
    rng = random.Random(45)
    for trial in range(120):
        data = _random_file(rng)
        path = tmp_path / f"{trial}.jsonl"
        path.write_bytes(data)
        size = rng.choice([1, 2, 7, 50, 1000])
        limits = Limits(line_bytes=rng.choice([2500, 4096, 1 << 20]))  # no line over
        before = [
            chunk
            for chunk in _cut_line_by_line(data, size, limits)
            if any(line.data.strip() for line in chunk)
        ]
        now = list(chunked(snapshot_lines(path, limits), size, limits))
        assert now == before, (trial, size, limits.line_bytes)
        assert [b"".join(map(chunk_part, c)) for c in now] == [
            b"".join(map(chunk_part, c)) for c in before
        ]


def _blanked(tmp_path: Path, name: str, n: int, trailing: int = 0) -> Path:
    """The sample's records with ``n`` blank lines before each (LF, CRLF, spaces by turns), a
    line of no JSON after the fifth record's blank lines, and ``trailing`` blank lines."""
    parts = []
    for k, record in enumerate(RECORDS):
        parts.append((b"\n", b"\r\n", b" \n")[k % 3] * n)
        parts.append(b"{oops\n" + record if k == 5 else record)
    return _gz(tmp_path / name, b"".join(parts) + b"\n" * trailing)


def _rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.mark.parametrize("n", [0, 3_000, 30_000])
def test_a_load_around_blank_lines_reads_keeps_and_resumes_as_without(
    tmp_path: Path, n: int
) -> None:
    config = load_config(write_config(tmp_path, []))
    path = _blanked(tmp_path, "s.jsonl.gz", n)
    first = load_snapshot(config, path, workers=0, chunk_records=500).report
    assert counted(first) == (len(RECORDS) + 1, len(RECORDS), 0, 1)
    oops = 6 * (n + 1)  # the fifth record's blank lines, then the line of no JSON
    assert [q.split(": ", 1)[0] for q in first.quarantined] == [f"{path}:{oops}"]
    chunks = len(list(read_chunks(path, 500, config.limits)))
    assert chunks == (len(RECORDS) if n else 1)  # before: n * 12 / 500 more
    manifest = store_state_dir(config) / FILE_NAME
    assert _rows(manifest, "chunks") == chunks  # before: one more, the blank chunks' key
    again = load_snapshot(config, path, workers=0, chunk_records=500).report
    assert f"{chunks} chunks unchanged since the last run (skipped)" in again.notes
    assert counted(again) == counted(first)
    assert [q.split(": ", 1)[0] for q in again.quarantined] == [f"{path}:{oops}"]


def test_a_listing_reads_the_records_and_lines_around_blank_lines(tmp_path: Path) -> None:
    n = 5_000
    path = _blanked(tmp_path, "s.jsonl.gz", n, trailing=3_000)
    no_table = FirstWritten(tmp_path / "none.sqlite", keep=False)  # judged by the file's now
    for reader in (SnapshotReader(path), SnapshotReader(path, judge_by=no_table.judge_chunk)):
        records = list(reader)
        assert len(records) == len(RECORDS)
        assert [q.line for q in reader.quarantined] == [6 * (n + 1)]
        assert reader.lines_read == len(RECORDS) * (n + 1) + 1 + 3_000  # the last blank


def test_damage_inside_blank_lines_is_told_at_the_line_after_those_read(tmp_path: Path) -> None:
    packed = gzip.compress(RECORDS[0] + b"\n" * 2_000_000, compresslevel=1)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    unpacked = zlib.decompressobj(31).decompress(path.read_bytes())
    *read, damage = snapshot_lines(path, DEFAULT_LIMITS)
    assert isinstance(damage, SnapshotLine) and damage.problem
    assert "truncated" in damage.problem and f"after byte {len(unpacked)} " in damage.problem
    assert damage.number == unpacked.count(b"\n") + 1
    assert sum(r.times if isinstance(r, BlankRun) else 1 for r in read) == damage.number - 1

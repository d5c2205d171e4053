"""A snapshot chunk is held whole (its bytes' digest first), in the run and in its worker, several
in flight: before, a chunk was ``--batch-size`` lines whatever their size, so 1 000 lines of up to
``[limits] line_bytes`` (8 MiB) each held 8 GiB in one chunk (a 200 MB file of 1 MB lines: 1.5
GB resident, 0.6 GB now). A chunk is now cut sooner where its lines' bytes reach four lines of
the largest size; a load, its resume and a ``--json`` listing cut a file alike."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import write_config
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import read_chunks
from snapshot_sample import LINES, write_lines

LINE_BYTES = 4096  # the sample's lines are 1-4 kB: a chunk of 1 000 holds about a dozen


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", "arxiv", "load-snapshot", *args,
         "--config", str(config)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_a_chunk_of_large_lines_is_cut_by_their_bytes(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s.jsonl", LINES[:60])
    limits = load_config(write_config(tmp_path, [], limits={"line_bytes": LINE_BYTES})).limits
    chunks = list(read_chunks(path, 1000, limits))
    assert len(chunks) > 1  # before: one chunk of 60 lines
    bound = 4 * LINE_BYTES  # four lines of the largest size
    for chunk in chunks:
        assert sum(len(line.data) for line in chunk[:-1]) < bound
    assert [line.number for chunk in chunks for line in chunk] == list(range(1, 61))
    assert max(len(c) for c in read_chunks(path, 7, limits)) <= 7  # lines still bound it


def test_a_load_resumes_and_lists_the_chunks_it_cut_by_their_bytes(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s.jsonl", LINES[:60])
    config = write_config(tmp_path, [], limits={"line_bytes": LINE_BYTES})
    chunks = len(list(read_chunks(path, 1000, load_config(config).limits)))
    first = _cli(config, str(path))
    assert "records: 60 read" in first.stdout, first.stdout + first.stderr
    again = _cli(config, str(path))
    assert f"{chunks} chunks unchanged since the last run (skipped)" in again.stdout, again.stdout
    listed = _cli(config, "--json", str(path))
    records = json.loads(listed.stdout)
    assert records and {r["judged_by"]["by"] for r in records} == {"first read"}

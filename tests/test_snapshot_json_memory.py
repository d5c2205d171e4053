"""``scholarkg arxiv load-snapshot --json`` prints a snapshot of any size with memory flat: each
record is written as it is read, each unreadable line told as it comes, none kept. Measured in
a child process with tracemalloc (allocations, deterministic), not timed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import write_config
from samples import ROOT

SAMPLE = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"

CHILD = """
import sys, tracemalloc
from scholarkg.cli import main
tracemalloc.start()
code = main(["arxiv", "load-snapshot", "--json", sys.argv[1], "--config", sys.argv[2]])
sys.stderr.flush()
print(code, tracemalloc.get_traced_memory()[1], file=sys.__stderr__)
"""


def peak_of(tmp_path: Path, copies: int, bad: bool = False) -> tuple[int, int, bytes]:
    """(exit code, peak bytes allocated, the JSON printed) for ``copies`` of the sample."""
    lines = SAMPLE.read_bytes()
    if bad:  # CONSTRUCTED: an unreadable line of 2 kB after each copy
        lines += b'{"id": "0704.0001", "title": "' + b"x" * 2000 + b"\n"
    path = tmp_path / f"s{copies}{bad}.jsonl"
    path.write_bytes(lines * copies)
    config = write_config(tmp_path, [])
    out = tmp_path / f"out{copies}{bad}.json"
    with out.open("wb") as printed:
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), str(config)],
            stdout=printed,
            stderr=subprocess.PIPE,
            check=False,
            timeout=600,
        )
    code, peak = child.stderr.decode().splitlines()[-1].split()
    return int(code), int(peak), out.read_bytes()


def test_the_printed_records_are_one_json_array_in_input_order(tmp_path: Path) -> None:
    code, _, printed = peak_of(tmp_path, 2)
    rows = json.loads(printed)
    expected = [json.loads(line)["id"] for line in SAMPLE.read_text().splitlines()] * 2
    assert code == 0 and [row["arxiv_id"] for row in rows] == expected


def test_memory_stays_flat_from_ten_to_a_hundred_copies(tmp_path: Path) -> None:
    """Before, every record was kept as a dict and the whole array made as one string: 1 000
    records peaked at ~10 MB, 10 000 at ~100 MB (a real snapshot of 2.7 M lines, never)."""
    _, small, _ = peak_of(tmp_path, 10)
    code, large, printed = peak_of(tmp_path, 100)
    assert code == 0 and printed.count(b'"arxiv_id"') == 10_000
    assert large < 2 * small


def test_unreadable_lines_are_told_as_they_come(tmp_path: Path) -> None:
    """Before, they collected on the reader (each with its text, 2 kB here) until the end."""
    _, small, _ = peak_of(tmp_path, 10, bad=True)
    code, large, printed = peak_of(tmp_path, 100, bad=True)
    assert code == 1 and printed.count(b'"arxiv_id"') == 10_000
    assert large < 2 * small

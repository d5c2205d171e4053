"""Line ends of a snapshot: LF and CRLF are read alike; CR only (old Mac) made the whole file
one line (then "over-long line", nothing read), and is now refused in one line naming the file.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from scholarkg.extract.snapshot import read_snapshot
from snapshot_sample import LINES, bulk, refused_at_its_first_line


@pytest.mark.parametrize("name", ["s.jsonl", "s.jsonl.gz"])
@pytest.mark.parametrize("reader", ["SnapshotReader", "load_snapshot"])
def test_cr_only_line_ends_are_refused_naming_the_file(
    tmp_path: Path, name: str, reader: str
) -> None:
    text = ("\r".join(LINES[:27]) + "\r").encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    refused_at_its_first_line(path, tmp_path, reader, "carriage return only")


def test_crlf_line_ends_read_as_lf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(("\r\n".join(LINES[:27]) + "\r\n").encode())
    snapshot = read_snapshot(path)
    assert len(list(snapshot)) == 27 and snapshot.quarantined == []
    assert (bulk(path, tmp_path, workers=0).records_loaded) == 27

"""Every line of a snapshot but a blank one is a record read: one that is loaded, rejected by
SHACL or quarantined, so ``read = loaded + rejected + quarantined``. A line that is no JSON was
quarantined but not counted as read (duplicates and rejected records were); a re-run that skips
its chunk says the same.

Inputs are real snapshot lines (tests/constructed.py ``snapshot_line``), a line that is not
JSON, a line over ``[limits] line_bytes``, a duplicate and a record SHACL rejects.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from building import counted
from conftest import write_config
from constructed import snapshot_line
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot


def bad_category() -> str:
    data = json.loads(snapshot_line("0704.0007"))
    data["categories"] = "zz.XX!"
    return json.dumps(data)


def snapshot(directory: Path) -> Path:
    lines = [
        snapshot_line("0704.0002"),
        "{oops",  # line 2: no JSON
        snapshot_line("0704.0003"),
        "",  # a blank line: nothing read
        '{"id": "0704.0009", "title": "' + "x" * 3000 + '"}',  # line 5: too long
        snapshot_line("0704.0008", new_id="0704.0002"),  # line 6: a duplicate
        bad_category(),
    ]
    path = directory / "snapshot.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", [0, 2])
def test_every_line_but_a_blank_one_is_read(tmp_path: Path, workers: int) -> None:
    config = load_config(write_config(tmp_path, [], limits={"line_bytes": 2048}))
    path = snapshot(tmp_path)
    first = load_snapshot(config, path, workers=workers, chunk_records=4).report
    assert counted(first) == (6, 2, 1, 3)
    read, loaded, rejected, quarantined = counted(first)
    assert read == loaded + rejected + quarantined
    assert "records: 6 read, 2 loaded, 1 rejected by SHACL, 3 quarantined" in (
        first.summary_lines()
    )
    lines = sorted(int(q.split(": ", 1)[0].rsplit(":", 1)[1]) for q in first.quarantined)
    assert lines == [2, 5, 6]

    again = load_snapshot(config, path, workers=workers, chunk_records=4).report
    assert "1 chunks unchanged since the last run (skipped)" in again.notes
    assert counted(again) == counted(first)

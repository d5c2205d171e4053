"""Quarantined records of different sources never overwrite each other."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import write_config
from constructed import Listed, profile_page
from scholarkg.config import load_config
from scholarkg.runs.build import build


def page_with_an_impossible_date(path: Path, name: str) -> Path:
    papers = [
        Listed("A Paper With A Bad Date", dt.date(2020, 1, 5), (name,)),
        Listed("A Paper That Loads", dt.date(2021, 3, 7), (name,)),
    ]
    page = profile_page(name, papers).replace(b"SEJan 5, 2020", b"SEFeb 30, 2020")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(page)
    return path


def test_two_sources_whose_names_fold_alike_keep_two_quarantine_files(tmp_path: Path) -> None:
    # a/b_c.txt and a_b/c.txt read alike once path separators are folded into the file name
    one = page_with_an_impossible_date(tmp_path / "a" / "b_c.txt", "Ann Lee")
    two = page_with_an_impossible_date(tmp_path / "a_b" / "c.txt", "Bo Chen")
    config = load_config(write_config(tmp_path, [one, two]))
    report = build(config).report
    assert len(report.quarantined) == 2, report.quarantined
    files = sorted((config.quarantine_dir / "records").glob("*.json"))
    assert len(files) == 2
    sources = {json.loads(f.read_text("utf-8"))["source"] for f in files}
    assert sources == {str(one), str(two)}
    assert report.papers == 4 and report.outcome == "partial"

"""What a publication writes, counted: a first load writes every dump part once and assembles
the dump once (its bytes twice in all: the parts, kept for the next small change, and the
file); a small change rewrites a few parts and assembles the dump once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg import dump_parts
from scholarkg.config import load_config
from scholarkg.load.contents import BUCKETS
from scholarkg.runs.build import build


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counts: Counter[str] = Counter()
    write_part, concatenate = dump_parts.DumpParts._write_part, dump_parts.DumpParts._concatenate

    def counted_part(parts: dump_parts.DumpParts, contents: object, bucket: int) -> int:
        quads = write_part(parts, contents, bucket)  # type: ignore[arg-type]
        counts["parts"] += 1
        counts["part bytes"] += (parts.folder / f"part-{bucket:02d}.nq").stat().st_size
        return quads

    def counted_dump(parts: dump_parts.DumpParts, target: Path) -> tuple[str, int]:
        sha, size = concatenate(parts, target)
        counts["assembled"] += 1
        counts["assembled bytes"] += size
        return sha, size

    monkeypatch.setattr(dump_parts.DumpParts, "_write_part", counted_part)
    monkeypatch.setattr(dump_parts.DumpParts, "_concatenate", counted_dump)
    return counts


def test_a_first_load_writes_the_dump_once_beside_its_parts(
    tmp_path: Path, written: Counter[str]
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    assert build(config).report.outcome == "ok"
    size = (config.exports_dir / "scholarkg.nq").stat().st_size
    assert written == {
        "parts": BUCKETS,
        "part bytes": size,
        "assembled": 1,
        "assembled bytes": size,
    }
    written.clear()
    assert build(config, [str(SECOND_PROFILE)]).report.outcome == "ok"
    assert 0 < written["parts"] < BUCKETS // 2 and written["assembled"] == 1

"""The snapshot sample the snapshot-load tests read (:data:`SNAPSHOT`, 100 real Kaggle lines;
:data:`LINES`), :func:`write_lines`, :func:`snapshot` and :func:`bulk`: shared by
test_snapshot_job.py, test_snapshot_limits.py and the tests beside them."""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from samples import ROOT
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
LINES = SNAPSHOT.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: list[str]) -> Path:
    """``lines`` written to ``path``, a line each."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bulk(path: Path, tmp_path: Path, **options: object) -> RunReport:
    """The report of a bulk load of the snapshot at ``path`` into a new store in ``tmp_path``."""
    config = load_config(write_config(tmp_path, []))
    return load_snapshot(config, path, **options).report  # type: ignore[arg-type]


def snapshot(tmp_path: Path, name: str, lines: list[str]) -> Path:
    """``lines`` written to the file ``name`` in ``tmp_path``."""
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refused_at_its_first_line(path: Path, tmp_path: Path, reader: str, match: str) -> str:
    """The one line (matching ``match``) the snapshot at ``path`` is refused with, at its first
    line, by ``reader``: ``SnapshotReader`` (the per-record door) or ``load_snapshot`` (bulk)."""
    import pytest

    from scholarkg.errors import ParseError
    from scholarkg.extract.snapshot import read_snapshot

    with pytest.raises(ParseError, match=match) as caught:
        if reader == "SnapshotReader":
            list(read_snapshot(path))
        else:
            bulk(path, tmp_path, workers=0)
    said = str(caught.value)
    assert said.startswith(str(path)) and "\n" not in said and caught.value.line == 1
    return said

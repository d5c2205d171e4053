"""A snapshot chunk is skipped only when its graphs would come out the same: the chunk key covers
the IRI base. A store holds the graphs of one base: another base on it is refused up front."""

from __future__ import annotations

from pathlib import Path

import pytest

from building import graphs
from conftest import write_config
from samples import ROOT
from scholarkg.config import Config, load_config
from scholarkg.errors import ConfigError
from scholarkg.limits import DEFAULT_LIMITS
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.chunk_fingerprint import fingerprint

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
OLD_BASE = "https://w3id.org/scholarkg/id/"
NEW_BASE = "https://example.org/kg/"


def five_records(directory: Path) -> Path:
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines(keepends=True)[:5]
    path = directory / "five.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def config_with_base(directory: Path, base: str) -> Config:
    return load_config(write_config(directory, [], iris={"base": base}))


def record_graphs_under(config: Config, base: str) -> set[str]:
    prefix = base + "graph/arxiv/"
    return {g for g in graphs(config) if g.startswith(prefix) and not g.endswith("/shacl-report")}


def test_fingerprint_covers_the_iri_base() -> None:
    assert fingerprint(DEFAULT_LIMITS, OLD_BASE) != fingerprint(DEFAULT_LIMITS, NEW_BASE)
    assert fingerprint(DEFAULT_LIMITS, NEW_BASE) == fingerprint(DEFAULT_LIMITS, NEW_BASE[:-1])


def test_a_new_iri_base_on_the_same_store_is_refused(tmp_path: Path) -> None:
    snapshot = five_records(tmp_path)
    first = config_with_base(tmp_path, OLD_BASE)
    report = load_snapshot(first, snapshot, chunk_records=5, workers=0).report
    assert (report.outcome, report.records_loaded) == ("ok", 5)
    held = graphs(first)

    second = config_with_base(tmp_path, NEW_BASE)  # same store, same input, another base
    assert second.store.path == first.store.path
    with pytest.raises(ConfigError, match="load into a new store"):
        load_snapshot(second, snapshot, chunk_records=5, workers=0)
    assert graphs(first) == held and not record_graphs_under(first, NEW_BASE)

    elsewhere = second.with_store_path(tmp_path / "new-store")
    report = load_snapshot(elsewhere, snapshot, chunk_records=5, workers=0).report
    assert (report.outcome, report.records_loaded) == ("ok", 5)
    assert len(record_graphs_under(elsewhere, NEW_BASE)) == 5

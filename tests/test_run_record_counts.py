"""The run's prov:Activity counts what the store holds (skg:papersLoaded)."""

from __future__ import annotations

from pathlib import Path

from building import build_store, rows
from conftest import write_config
from constructed import KAGGLE
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot

PAPERS_LOADED = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT ?n WHERE { ?run a skg:PipelineRun ; skg:papersLoaded ?n }"
)
LISTED = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?profile skg:listsPaper ?p }"
)


def papers_loaded(config: Config) -> list[int]:
    return [int(r["n"]) for r in rows(config, PAPERS_LOADED)]


def test_a_build_counts_the_papers_it_loaded_not_those_quarantined(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"  # CONSTRUCTED: the sample with one impossible date
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"LGJul 19, 2024\n", b"LGFeb 30, 2024\n"))
    config, report = build_store(tmp_path, [page])
    assert len(report.quarantined) == 1
    assert papers_loaded(config) == [int(rows(config, LISTED)[0]["n"])] == [24]


def test_a_snapshot_load_counts_the_records_it_loaded(tmp_path: Path) -> None:
    snapshot = tmp_path / "five.jsonl"
    snapshot.write_text("".join(KAGGLE.read_text("utf-8").splitlines(True)[:5]), "utf-8")
    config = load_config(write_config(tmp_path, []))
    report = load_snapshot(config, snapshot, workers=0).report
    assert report.records_loaded == 5 and papers_loaded(config) == [5]

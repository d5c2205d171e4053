"""The identity registry lives with the data directory, the person graphs in a store: a store
made afresh, or another store built from the same data directory, gets every person graph."""

from __future__ import annotations

import shutil
from pathlib import Path

from building import build_store, graphs, rebuild
from samples import SAMPLE_PROFILE
from scholarkg.config import Config
from scholarkg.runs.build import build


def person_graphs(config: Config) -> dict[str, set[tuple[str, str, str]]]:
    """Each person graph's triples, without what it states about itself (the run that wrote
    it)."""
    return {
        g: {t for t in triples if t[0] != f"<{g}>"}
        for g, triples in graphs(config).items()
        if "/graph/person/" in g
    }


def test_a_store_deleted_and_built_again_gets_its_persons_back(tmp_path: Path) -> None:
    config, report = build_store(tmp_path, [SAMPLE_PROFILE])
    before = person_graphs(config)
    assert len(before) > 40 and report.outcome == "ok"
    assert rebuild(config).graphs_written == 0  # same store, nothing new: nothing rewritten
    shutil.rmtree(config.store.path)
    again = rebuild(config)
    assert again.outcome == "ok", again.summary_lines()
    assert person_graphs(config) == before


def test_another_store_from_the_same_data_directory_gets_every_person(tmp_path: Path) -> None:
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    other = config.with_store_path(tmp_path / "other-store")
    report = build(other).report
    assert report.outcome == "ok", report.summary_lines()
    assert person_graphs(other) == person_graphs(config)
    # and back to the first store: its persons are all there, none lost on the way
    assert person_graphs(config) == person_graphs(other)
    assert build(config).report.outcome == "ok"
    assert person_graphs(config) == person_graphs(other)

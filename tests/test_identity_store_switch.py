"""The identity registry lives with the data directory, the person graphs in a store: a store
made afresh, or another store built from the same data directory, gets every person graph."""

from __future__ import annotations

import shutil
from pathlib import Path

from building import build_store, graphs, rebuild
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import Config
from scholarkg.runs.build import build
from scholarkg.runs.state_paths import REGISTRY, registry_path


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


def test_two_stores_from_one_data_directory_hold_only_their_own_persons(tmp_path: Path) -> None:
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    mine = set(person_graphs(config))
    other = config.with_store_path(tmp_path / "other-store")
    build(other, [str(SECOND_PROFILE)])
    assert build(config).report.outcome == "ok"
    assert set(person_graphs(config)) == mine  # none of the other store's persons came in


def test_a_registry_older_versions_kept_in_the_data_directory_moves_to_its_store(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config, _ = build_store(tmp_path, [page])
    before = person_graphs(config)
    legacy = config.state_dir / REGISTRY
    registry_path(config).rename(legacy)  # where versions before 2026-12-01 kept it
    elsewhere = build(config.with_store_path(tmp_path / "other-store")).report
    assert legacy.exists() and not any("registry adopted from" in n for n in elsewhere.notes)
    # CONSTRUCTED: the page again with another h-index, so the run needs its registry
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118"))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    assert any("identity registry adopted from" in n for n in report.notes)
    assert registry_path(config).exists() and not legacy.exists()
    assert set(person_graphs(config)) == set(before)  # the same decisions, the same persons

"""Persons a shared co-author joined while ``John Smith Jr.`` and ``John Smith Sr.`` were read as
one name (before generational suffixes told two people apart) are apart after the upgrade, as a
build under the rules now has them; others stay as they were. Inputs are CONSTRUCTED
(tests/constructed.py): real snapshot lines with their ids and authors changed.
"""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

import pytest

from scholarkg.config import Config
from scholarkg.identity import names
from scholarkg.identity.registry import Registry
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.state_paths import registry_path
from snapshot_persons import author_at, identity_events, partition, snapshot_of, store_config

PAPERS = (
    # father and son beside one co-author: one person while the suffixes were not read
    ("9004.00081", ["John Smith Jr.", "Alice Martin"]),
    ("9004.00082", ["John Smith Sr.", "Alice Martin"]),
    # one person under either rule
    ("9004.00083", ["Henry Ford", "Eve Adams"]),
    ("9004.00084", ["H. Ford", "Eve Adams"]),
)
LATER = ("9004.00089", ["Zoe Quinn", "Yan Yu"])  # a paper of a later run, none of the above
WHY = "generational suffixes (Jr., Sr.) tell two people apart"


def _built_before_suffixes(directory: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    """A store built by the rules before: no suffix read, and a registry without the mark."""
    config = store_config(directory / "store")
    with monkeypatch.context() as before:
        before.setattr(names, "generation", functools.lru_cache(lambda name: None))
        names.clear_caches()
        identity_events(config, snapshot_of(directory, *PAPERS))
        assert author_at(config, "9004.00081", 1) == author_at(config, "9004.00082", 1)
    names.clear_caches()
    db = sqlite3.connect(registry_path(config))
    with db:
        db.execute("DELETE FROM meta WHERE key = 'generations'")
    db.close()
    return config


def _partition(config: Config) -> set[frozenset[str]]:
    return partition(config, PAPERS)


def _mark(path: Path) -> str | None:
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'review-generations'").fetchone()
        return None if row is None else str(row[0])
    finally:
        db.close()


def test_father_and_son_joined_before_are_two_persons_after_the_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run after the upgrade decides again the shared-coauthor authorships near a
    suffixed name (before: one person for Jr. and Sr.; the Sr. and his Alice Martin, whose
    co-author is not the Jr.): the persons a store built now holds. Henry Ford and H. Ford stay
    one, and a later run changes nothing more."""
    fresh = store_config(tmp_path / "fresh" / "store")
    identity_events(fresh, snapshot_of(tmp_path / "fresh", *PAPERS))
    config = _built_before_suffixes(tmp_path / "old", monkeypatch)
    ford = author_at(config, "9004.00083", 1)
    assert ford == author_at(config, "9004.00084", 1)
    path = registry_path(config)
    Registry(path).close()
    assert _mark(path) == "1"
    report = load_snapshot(config, snapshot_of(tmp_path, LATER), workers=0).report
    assert report.outcome == "ok" and _mark(path) is None
    junior, senior = author_at(config, "9004.00081", 1), author_at(config, "9004.00082", 1)
    assert junior != senior
    assert [author_at(config, "9004.00083", 1), author_at(config, "9004.00084", 1)] == [ford, ford]
    reassigned = [e for e in report.identity_events if e.startswith("reassigned: ")]
    assert reassigned and all(e.endswith(f"(restated: {WHY})") for e in reassigned)
    assert [n for n in report.notes if "generational suffix" in n] == [
        "2 shared-coauthor authorships near a name with a generational suffix decided again"
        " (decided when Jr. and Sr. were read as one name)"
    ]
    assert _partition(config) == _partition(fresh) and len(_partition(fresh)) == 6
    assert identity_events(config, snapshot_of(tmp_path, *PAPERS)) == []
    assert author_at(config, "9004.00082", 1) == senior


def test_a_registry_made_now_has_nothing_to_review(tmp_path: Path) -> None:
    path = tmp_path / "identity.sqlite"
    Registry(path).close()
    assert _mark(path) is None
    Registry(path).close()
    assert _mark(path) is None

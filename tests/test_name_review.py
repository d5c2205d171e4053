"""Persons names version 4 joined by a shared co-author on names version 5 reads as two
(``Daniel O'Brien`` and ``Daniel Brien``) are apart after the upgrade, as a build under
version 5 has them; persons it joined rightly stay one. Inputs are CONSTRUCTED
(tests/constructed.py): real snapshot lines with their ids and authors changed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from one_author import persons
from scholarkg.config import Config
from scholarkg.identity import names
from scholarkg.identity.registry import Registry
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.state_paths import registry_path
from snapshot_persons import author_at, identity_events, partition, snapshot_of, store_config

PAPERS = (
    # joined by Alice Martin under version 4 (an assignment)
    ("9003.00081", ["Daniel O'Brien", "Alice Martin"]),
    ("9003.00082", ["Daniel Brien", "Alice Martin"]),
    # two persons merged by the third paper under version 4 (Bob Stone and Carol White)
    ("9003.00083", ["Maria Dell'Orso", "Bob Stone"]),
    ("9003.00084", ["Maria Orso", "Carol White"]),
    ("9003.00085", ["Maria Orso", "Bob Stone", "Carol White"]),
    # one person under either version
    ("9003.00086", ["D. O'Brien", "Eve Adams"]),
    ("9003.00087", ["Daniel O'Brien", "Eve Adams"]),
)
LATER = ("9003.00089", ["Zoe Quinn", "Yan Yu"])  # a paper of a later run, none of the above
WHY = f"names version {names.NAMES} reads the names that decided it otherwise than 4"


def _partition(config: Config) -> set[frozenset[str]]:
    return partition(config, PAPERS)


def _built_under_4(directory: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    config = store_config(directory / "store")
    with monkeypatch.context() as before:
        before.setattr(names, "NAMES", "4")
        names.clear_caches()
        identity_events(config, snapshot_of(directory, *PAPERS))
        # version 4's joins: O'Brien and Brien one person, so are Dell'Orso and Orso
        assert author_at(config, "9003.00081", 1) == author_at(config, "9003.00082", 1)
        assert author_at(config, "9003.00083", 1) == author_at(config, "9003.00085", 1)
        assert author_at(config, "9003.00084", 1) == author_at(config, "9003.00085", 1)
    names.clear_caches()
    return config


def test_persons_version_4_joined_are_apart_as_a_build_under_version_5_has_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run after the upgrade decides again the shared-coauthor authorships of the
    names read otherwise: the same persons as a new store built under version 5 holds (11
    for the 16 authorships; before, 7), each published person who lost an authorship
    reported (``reassigned``). Daniel O'Brien keeps his IRI, and the D. O'Brien beside Eve
    Adams stays the Daniel O'Brien beside her (decided again, to the same person)."""
    fresh = store_config(tmp_path / "fresh" / "store")
    identity_events(fresh, snapshot_of(tmp_path / "fresh", *PAPERS))
    upgraded = _built_under_4(tmp_path / "old", monkeypatch)
    was = _partition(upgraded)
    obrien = (author_at(upgraded, "9003.00081", 1), author_at(upgraded, "9003.00086", 1))
    assert len(was) == 7 and was != _partition(fresh)
    events = identity_events(upgraded, snapshot_of(tmp_path, LATER))
    assert _partition(upgraded) == _partition(fresh) and len(_partition(fresh)) == 11
    assert (author_at(upgraded, "9003.00081", 1), author_at(upgraded, "9003.00087", 1)) == obrien
    reassigned = [e for e in events if e.startswith("reassigned: ")]
    assert events == reassigned and all(e.endswith(f"(restated: {WHY})") for e in events)
    assert [e.split()[2].rsplit("/", 3)[1] + "#" + e.split()[2][-1] for e in events] == [
        "9003.00082#1",  # from Daniel O'Brien
        "9003.00082#2",  # from the Alice Martin of 9003.00081 (her co-author is not him)
        "9003.00085#1",  # from Maria Dell'Orso (the merge with Maria Orso undone first)
        "9003.00085#2",  # from the Bob Stone of 9003.00083
    ]
    assert len(persons(upgraded)) == 11 + 2  # and LATER's two


def test_the_review_is_made_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run after the upgrade reviews; the next run, the same snapshot again and a new
    paper, changes nobody. The registry opened keeps the mark until a run reviews."""
    upgraded = _built_under_4(tmp_path, monkeypatch)
    path = registry_path(upgraded)
    Registry(path).close()
    assert _review_mark(path) == "4"
    report = load_snapshot(upgraded, snapshot_of(tmp_path, LATER), workers=0).report
    assert len(report.identity_events) == 4
    note = (
        f"authorships decided again under names version {names.NAMES}"
        " (decided under an earlier one)"
    )
    assert [n for n in report.notes if note in n] == [f"6 shared-coauthor {note}"]
    assert _review_mark(path) is None
    after = _partition(upgraded)
    assert identity_events(upgraded, snapshot_of(tmp_path, *PAPERS)) == []
    added = ("9003.00088", ["Ann Lee", "Yan Yu"])
    assert identity_events(upgraded, snapshot_of(tmp_path, added)) == []
    assert _partition(upgraded) == after


def test_a_registry_made_under_this_version_has_nothing_to_review(tmp_path: Path) -> None:
    path = tmp_path / "identity.sqlite"
    Registry(path).close()
    assert _review_mark(path) is None


def _review_mark(path: Path) -> str | None:
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'review'").fetchone()
        return None if row is None else str(row[0])
    finally:
        db.close()


def test_a_published_merge_version_4_made_is_undone_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Maria Dell'Orso and Maria Orso published as two persons, then merged under version 4 by
    a paper beside the co-author of each (reported ``merge``): after the upgrade the merge is
    undone (``unmerge``, Maria Orso's IRI a person again) and that paper's Maria Orso is hers."""
    config = store_config(tmp_path / "store")
    first, second, third = PAPERS[2:5]
    with monkeypatch.context() as before:
        before.setattr(names, "NAMES", "4")
        names.clear_caches()
        identity_events(config, snapshot_of(tmp_path, first, second))
        dellorso, orso = author_at(config, first[0], 1), author_at(config, second[0], 1)
        [merged] = identity_events(config, snapshot_of(tmp_path, third))
        assert merged.startswith(f"merge: {_slug(orso)} → {_slug(dellorso)} (shared-coauthor: ")
    names.clear_caches()
    events = identity_events(config, snapshot_of(tmp_path, LATER))
    assert events[0] == (
        f"unmerge: {_slug(dellorso)} → {_slug(orso)} (restated: the authorship that joined them"
        f" is gone ({WHY}))"
    )
    assert [e.split()[2].rsplit("/", 3)[1] for e in events[1:]] == [third[0], third[0]]
    assert [author_at(config, i, 1) for i in (first[0], second[0], third[0])] == [
        dellorso,
        orso,
        orso,
    ]


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[1]

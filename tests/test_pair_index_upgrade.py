"""A registry written before the co-author pair index held an authorship under the block of each
spelling of its name (before commit 1849524) is indexed again once when opened: an old paper by
``Hans Müller`` beside a co-author is found when a new one lists ``Hans Mueller`` beside them.

The old registry is CAPTURED from the code of 1849524^ on a CONSTRUCTED snapshot
(tests/fixtures/identity-before-spelled-pairs/README.md): 9003.00071 by Hans Müller, Alice
Martin and Jörg Schäfer, 9003.00072 by Bob Stone and Carol White.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from constructed import snapshot_line
from one_author import persons
from pair_index import PLAIN, SPELLED, index_rows, indexed_again, pairs_mark
from scholarkg.identity import names
from scholarkg.identity.layout import PAIRS
from scholarkg.identity.pair_keys import pair_rows
from scholarkg.identity.registry import Registry
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.state_paths import registry_path
from snapshot_persons import author_at, rule_of, store_config

FIXTURE = Path(__file__).parent / "fixtures" / "identity-before-spelled-pairs" / "identity.sqlite"


def _old_registry(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURE, path)
    return path


def test_the_fixture_is_a_registry_of_the_pair_index_before_spellings(tmp_path: Path) -> None:
    """What the test below upgrades: names version 4, no mark, each authorship of 9003.00071
    under its own block only (one row per ordered pair of its three authors)."""
    path = _old_registry(tmp_path / "identity.sqlite")
    db = sqlite3.connect(path)
    meta = dict(db.execute("SELECT key, value FROM meta"))
    db.close()
    assert (meta["schema"], meta["names"], "pairs" in meta) == ("4", "4", False)
    assert len(index_rows(path, SPELLED)) == 6 and len(index_rows(path, PLAIN)) == 2


@pytest.mark.parametrize(
    ("authors", "joined"),
    [
        (["Hans Mueller", "Alice Martin"], {1: "hans-muller-", 2: "alice-martin-"}),
        (["Joerg Schaefer", "Hans Mueller"], {1: "jorg-schafer-", 2: "hans-muller-"}),
    ],
    ids=["coauthor-as-written", "coauthor-spelled-otherwise"],
)
def test_a_new_paper_spelling_an_old_author_otherwise_finds_their_person(
    tmp_path: Path, authors: list[str], joined: dict[int, str]
) -> None:
    """A store whose registry the old code wrote loads a new snapshot paper listing Hans Müller
    as ``Hans Mueller`` beside a co-author of his old paper: each author is the person of the
    old paper (``shared-coauthor``), no person is new. Before, two persons more (first-seen:
    the old paper's rows were under ``muller-h`` and ``schafer-j`` only)."""
    config = store_config(tmp_path / "store")
    _old_registry(registry_path(config))
    snapshot = tmp_path / "new.jsonl"
    snapshot.write_text(
        snapshot_line("0704.0002", new_id="9003.00073", authors=authors) + "\n", encoding="utf-8"
    )
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    for position, slug in joined.items():
        assert author_at(config, "9003.00073", position).rsplit("/", 1)[1].startswith(slug)
        assert rule_of(config, "9003.00073", position) == "shared-coauthor"
    assert len(persons(config)) == 5  # the old registry's five


def test_opening_an_old_registry_indexes_its_spelled_papers_again_once(tmp_path: Path) -> None:
    """Opened, the old registry holds 9003.00071's rows as this code writes them (each pair
    under every block of both names: 16 rows, not 6), and 9003.00072's (``Bob Stone`` under
    ``stone-r`` too, mark 4: 4 rows, not 2), and the mark. Opened again, nothing is written.
    (A paper with no name of another block keeps its rows: test_name_spellings_short.py.)"""
    path = _old_registry(tmp_path / "identity.sqlite")
    reg = Registry(path)
    try:
        expected = {
            paper: sorted(
                (k, node, c)
                for k, node, _, c in pair_rows(
                    paper, [(names.block(n), node, n) for node, n in reg.authors_of(paper)]
                )
            )
            for paper in (SPELLED, PLAIN)
        }
    finally:
        reg.close()
    for paper in (SPELLED, PLAIN):
        assert sorted((k, n, c) for _, k, n, c in index_rows(path, paper)) == expected[paper]
    assert (len(expected[SPELLED]), len(expected[PLAIN])) == (16, 4)
    assert pairs_mark(path) == PAIRS
    written = index_rows(path, SPELLED)
    reg = Registry(path)
    try:
        assert reg.db.total_changes == 0
    finally:
        reg.close()
    assert index_rows(path, SPELLED) == written


def test_a_new_registry_is_marked_and_reopened_does_no_work(tmp_path: Path) -> None:
    path = tmp_path / "identity.sqlite"
    Registry(path).close()
    assert pairs_mark(path) == PAIRS
    reg = Registry(path)
    try:
        assert reg.db.total_changes == 0
    finally:
        reg.close()


def test_indexing_again_a_registry_this_code_wrote_changes_no_row(tmp_path: Path) -> None:
    """Without its mark (as if older), a registry this code wrote is indexed again to the very
    rows it held: no row twice."""
    config = store_config(tmp_path / "store")
    snapshot = tmp_path / "s.jsonl"
    lines = [
        snapshot_line("0704.0002", new_id="9003.00071", authors=["Hans Müller", "Jörg Schäfer"]),
        snapshot_line("0704.0002", new_id="9003.00072", authors=["Bob Stone", "Carol White"]),
    ]
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    path = registry_path(config)
    before = {p: sorted(r[1:] for r in index_rows(path, p)) for p in (SPELLED, PLAIN)}
    assert len(before[SPELLED]) == 8
    db = sqlite3.connect(path)
    with db:
        db.execute("DELETE FROM meta WHERE key = 'pairs'")
    db.close()
    Registry(path).close()
    assert {p: sorted(r[1:] for r in index_rows(path, p)) for p in (SPELLED, PLAIN)} == before
    assert pairs_mark(path) == PAIRS


def test_a_registry_indexed_before_the_latest_spellings_is_indexed_again(tmp_path: Path) -> None:
    """Marked 2 (spellings of umlauts, run-together and shortened initials), a paper by ``Daniel
    O Brien`` holds pairs under ``brien-d`` only: opened, under ``obrien-d`` too (mark 3 on), so a
    new paper by ``Daniel O'Brien`` beside the same co-author finds the person."""
    indexed_again(tmp_path, "Daniel O Brien", "obrien-d", "2", "Daniel O'Brien")

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

from building import rows
from constructed import snapshot_line
from one_author import persons
from scholarkg.config import Config
from scholarkg.identity import names
from scholarkg.identity.layout import PAIRS
from scholarkg.identity.pair_keys import pair_key, pair_rows
from scholarkg.identity.registry import Registry
from scholarkg.iris import Minter
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.state_paths import registry_path
from snapshot_persons import author_at, store_config

FIXTURE = Path(__file__).parent / "fixtures" / "identity-before-spelled-pairs" / "identity.sqlite"
MINTER = Minter()
SPELLED, PLAIN = (str(MINTER.paper_by_arxiv(i)) for i in ("9003.00071", "9003.00072"))
P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "


def _old_registry(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURE, path)
    return path


def _pair_rows(path: Path, paper: str) -> list[tuple[int, int, str, str]]:
    """(rowid, pair, node, co_name) of the paper's rows, read without opening a Registry."""
    db = sqlite3.connect(path)
    try:
        query = "SELECT rowid, pair, node, co_name FROM coauthor_pairs WHERE paper = ? ORDER BY 1"
        return [(int(r), int(k), str(n), str(c)) for r, k, n, c in db.execute(query, (paper,))]
    finally:
        db.close()


def _mark(path: Path) -> str | None:
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'pairs'").fetchone()
        return None if row is None else str(row[0])
    finally:
        db.close()


def test_the_fixture_is_a_registry_of_the_pair_index_before_spellings(tmp_path: Path) -> None:
    """What the test below upgrades: names version 4, no mark, each authorship of 9003.00071
    under its own block only (one row per ordered pair of its three authors)."""
    path = _old_registry(tmp_path / "identity.sqlite")
    db = sqlite3.connect(path)
    meta = dict(db.execute("SELECT key, value FROM meta"))
    db.close()
    assert (meta["schema"], meta["names"], "pairs" in meta) == ("4", "4", False)
    assert len(_pair_rows(path, SPELLED)) == 6 and len(_pair_rows(path, PLAIN)) == 2


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
        assert _rule(config, "9003.00073", position) == "shared-coauthor"
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
        assert sorted((k, n, c) for _, k, n, c in _pair_rows(path, paper)) == expected[paper]
    assert (len(expected[SPELLED]), len(expected[PLAIN])) == (16, 4)
    assert _mark(path) == PAIRS
    written = _pair_rows(path, SPELLED)
    reg = Registry(path)
    try:
        assert reg.db.total_changes == 0
    finally:
        reg.close()
    assert _pair_rows(path, SPELLED) == written


def test_a_new_registry_is_marked_and_reopened_does_no_work(tmp_path: Path) -> None:
    path = tmp_path / "identity.sqlite"
    Registry(path).close()
    assert _mark(path) == PAIRS
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
    before = {p: sorted(r[1:] for r in _pair_rows(path, p)) for p in (SPELLED, PLAIN)}
    assert len(before[SPELLED]) == 8
    db = sqlite3.connect(path)
    with db:
        db.execute("DELETE FROM meta WHERE key = 'pairs'")
    db.close()
    Registry(path).close()
    assert {p: sorted(r[1:] for r in _pair_rows(path, p)) for p in (SPELLED, PLAIN)} == before
    assert _mark(path) == PAIRS


def test_a_registry_indexed_before_the_latest_spellings_is_indexed_again(tmp_path: Path) -> None:
    """Marked 2 (spellings of umlauts, run-together and shortened initials), a paper by ``Daniel
    O Brien`` holds pairs under ``brien-d`` only: opened, under ``obrien-d`` too (mark 3 on), so a
    new paper by ``Daniel O'Brien`` beside the same co-author finds the person."""
    indexed_again(tmp_path, "Daniel O Brien", "obrien-d", "2", "Daniel O'Brien")


def indexed_again(tmp_path: Path, name: str, block: str, mark: str, later: str) -> None:
    """A registry marked ``mark``, written before ``block`` was a block of ``name``: a paper by
    ``name`` beside Ann Lee holds pairs under its other blocks only; opened, under ``block`` too
    (and the mark is the latest), while a paper by Carol White beside her keeps its rows, row
    for row; a new paper by ``later`` beside Ann Lee then finds the person (shared-coauthor)."""
    config = store_config(tmp_path / "store")
    snapshot = tmp_path / "s.jsonl"
    lines = [
        snapshot_line("0704.0002", new_id="9003.00071", authors=[name, "Ann Lee"]),
        snapshot_line("0704.0002", new_id="9003.00072", authors=["Carol White", "Ann Lee"]),
    ]
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    path = registry_path(config)
    full = sorted(r[1:] for r in _pair_rows(path, SPELLED))
    added = (pair_key(block, "lee-a"), pair_key("lee-a", block))
    assert set(added) <= {k for k, _, _ in full} and len(full) == 4
    db = sqlite3.connect(path)
    with db:  # as the index marked so wrote it: without that block
        db.execute(
            "DELETE FROM coauthor_pairs WHERE paper = ? AND pair IN (?, ?)", (SPELLED, *added)
        )
        db.execute("UPDATE meta SET value = ? WHERE key = 'pairs'", (mark,))
    db.close()
    kept = _pair_rows(path, PLAIN)
    Registry(path).close()
    assert sorted(r[1:] for r in _pair_rows(path, SPELLED)) == full
    assert _pair_rows(path, PLAIN) == kept
    assert _mark(path) == PAIRS
    line = snapshot_line("0704.0002", new_id="9003.00073", authors=[later, "Ann Lee"])
    snapshot.write_text(line + "\n", encoding="utf-8")
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    assert _rule(config, "9003.00073", 1) == "shared-coauthor"
    assert author_at(config, "9003.00073", 1) == author_at(config, "9003.00071", 1)


def _rule(config: Config, arxiv_id: str, position: int) -> str:
    iri = MINTER.authorship(MINTER.paper_by_arxiv(arxiv_id), position)
    [rule] = rows(config, P + f"SELECT ?r WHERE {{ <{iri}> skg:identityRule ?r }}")
    return str(rule["r"])

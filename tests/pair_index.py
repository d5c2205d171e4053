"""The co-author pair index of a registry read without opening a :class:`Registry`
(:func:`index_rows`, :func:`pairs_mark`) and :func:`indexed_again`, the check that a registry
written before a name had one of its blocks is indexed again when opened: shared by the
pair-index and spelling tests (test_pair_index_upgrade.py, test_name_spellings_short.py and
those beside it). Papers are CONSTRUCTED (tests/constructed.py): the real snapshot line of
0704.0002 under new ids and authors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from constructed import snapshot_line
from scholarkg.identity.layout import PAIRS
from scholarkg.identity.pair_keys import pair_key
from scholarkg.identity.registry import Registry
from scholarkg.iris import Minter
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.state_paths import registry_path
from snapshot_persons import author_at, rule_of, store_config

MINTER = Minter()
SPELLED, PLAIN = (str(MINTER.paper_by_arxiv(i)) for i in ("9003.00071", "9003.00072"))


def index_rows(path: Path, paper: str) -> list[tuple[int, int, str, str]]:
    """(rowid, pair, node, co_name) of the paper's rows, read without opening a Registry."""
    db = sqlite3.connect(path)
    try:
        query = "SELECT rowid, pair, node, co_name FROM coauthor_pairs WHERE paper = ? ORDER BY 1"
        return [(int(r), int(k), str(n), str(c)) for r, k, n, c in db.execute(query, (paper,))]
    finally:
        db.close()


def pairs_mark(path: Path) -> str | None:
    """The pair index's mark in the registry's meta table (``None``: none yet)."""
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'pairs'").fetchone()
        return None if row is None else str(row[0])
    finally:
        db.close()


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
    full = sorted(r[1:] for r in index_rows(path, SPELLED))
    added = (pair_key(block, "lee-a"), pair_key("lee-a", block))
    assert set(added) <= {k for k, _, _ in full} and len(full) == 4
    db = sqlite3.connect(path)
    with db:  # as the index marked so wrote it: without that block
        db.execute(
            "DELETE FROM coauthor_pairs WHERE paper = ? AND pair IN (?, ?)", (SPELLED, *added)
        )
        db.execute("UPDATE meta SET value = ? WHERE key = 'pairs'", (mark,))
    db.close()
    kept = index_rows(path, PLAIN)
    Registry(path).close()
    assert sorted(r[1:] for r in index_rows(path, SPELLED)) == full
    assert index_rows(path, PLAIN) == kept
    assert pairs_mark(path) == PAIRS
    line = snapshot_line("0704.0002", new_id="9003.00073", authors=[later, "Ann Lee"])
    snapshot.write_text(line + "\n", encoding="utf-8")
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    assert rule_of(config, "9003.00073", 1) == "shared-coauthor"
    assert author_at(config, "9003.00073", 1) == author_at(config, "9003.00071", 1)

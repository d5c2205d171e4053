"""A CONSTRUCTED profile page of N papers beside the same co-authors (``Damian C. Ritter`` /
``D. Ritter`` alternating, ``Victor N. White``, ``Anna Keller``, as ``bench/coauthor_scaling.py``):
the co-author look-ups' work per paper is bounded, not grown with the papers seen (before: each
new paper's look-ups scanned every earlier paper's pair-index rows, SQLite's work ×4 from N to
2N), and the decisions are those of the scan (pair keys of any width read in one scan)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scholarkg.identity import names
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import AuthorMention, IdentityResolver, PaperMentions

BASE = "https://w3id.org/scholarkg/id/paper/arxiv/"


def page_paper(i: int) -> PaperMentions:
    iri = f"{BASE}2102.{i:05d}"
    ritter = "Damian C. Ritter" if i % 2 == 0 else "D. Ritter"
    authors = (ritter, "Victor N. White", "Anna Keller", f"Other Person{i}")
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{n}", n, names.nfc(a))
        for n, a in enumerate(authors, start=1)
    )
    return PaperMentions(iri, (f"2102.{i:05d}",), listed, f"graph:2102.{i:05d}")


def _steps(path: Path, papers: int) -> tuple[int, Registry]:
    """SQLite VM instructions (hundreds) the resolver ran for the page's last 40 papers."""
    reg = Registry(path)
    resolver = IdentityResolver(reg)
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    for i in range(papers - 40):
        resolver.add(page_paper(i))
    reg.db.set_progress_handler(count, 100)
    for i in range(papers - 40, papers):
        resolver.add(page_paper(i))
    reg.db.set_progress_handler(None, 100)
    return steps[0], reg


def _decisions(db: sqlite3.Connection) -> list[tuple[object, ...]]:
    return db.execute(
        "SELECT m.node, COALESCE(p.merged_into, m.person), m.rule, m.score, m.basis, m.evidence"
        " FROM mentions m JOIN persons p ON p.id = m.person ORDER BY m.node"
    ).fetchall()


def test_work_per_paper_does_not_grow_with_the_papers_seen(tmp_path: Path) -> None:
    small, reg = _steps(tmp_path / "small.sqlite", 300)
    reg.close()
    large, reg = _steps(tmp_path / "large.sqlite", 600)
    try:
        # the same 40 papers' work at twice the papers before them (on the scan: ×2 and more)
        assert large <= 1.3 * small, (small, large)
        ritter = reg.mentions([f"{BASE}2102.00599/authorship/1"])[f"{BASE}2102.00599/authorship/1"]
        assert ritter.rule == "shared-coauthor"
        assert ritter.evidence == BASE + "2102.00000"  # the first paper beside them, as before
    finally:
        reg.close()


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_decisions_are_those_of_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    from scholarkg.identity import pair_persons

    numbers = list(range(160)) if order == "forward" else list(range(159, -1, -1))
    regs = []
    for name, scanned in (("walked", pair_persons.SCANNED), ("scanned", 10**9)):
        monkeypatch.setattr(pair_persons, "SCANNED", scanned)
        for half in (numbers[:100], numbers[100:]):  # reopened: the wide keys are kept
            reg = Registry(tmp_path / f"{name}.sqlite")
            resolver = IdentityResolver(reg)
            for i in half:
                resolver.add(page_paper(i))
            reg.commit()
            if half is numbers[:100]:
                reg.close()
        regs.append(reg)
    walked, scanned_reg = regs
    try:
        assert walked.db.execute("SELECT COUNT(*) FROM coauthor_wide").fetchone()[0] > 0
        assert scanned_reg.db.execute("SELECT COUNT(*) FROM coauthor_wide").fetchone()[0] == 0
        # the held copies follow their authorships' persons through merges and restatement
        stale = walked.db.execute(
            "SELECT COUNT(*) FROM coauthor_held h JOIN mentions m ON m.node = h.node"
            " WHERE h.person IS NOT m.person"
        ).fetchone()[0]
        assert stale == 0
        assert _decisions(walked.db) == _decisions(scanned_reg.db)
    finally:
        walked.close()
        scanned_reg.close()

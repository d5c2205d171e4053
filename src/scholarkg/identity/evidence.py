"""The evidence tables of the registry: papers' keys, the names each source wrote, the authors
of every paper and the co-author pair index the co-author rule reads, written here (its keys
and rows: :mod:`.pair_keys`; read by :mod:`.pair_lookups`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter

from scholarkg.identity import pair_persons
from scholarkg.identity.pair_keys import MAX_EVIDENCE_AUTHORS, pair_rows, spelled_blocks
from scholarkg.sqlite_in import BATCH, execute_in, select_in


class EvidenceTables:
    """Papers' keys, spellings and author lists (a part of :class:`~.registry.Registry`)."""

    db: sqlite3.Connection

    def add_paper_keys(self, paper: str, keys: Iterable[str]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO paper_keys VALUES (?, ?)", ((k, paper) for k in keys)
        )

    def keys_of(self, paper: str) -> set[str]:
        """What references may call ``paper`` (its arXiv id, folded titles)."""
        rows = self.db.execute("SELECT key FROM paper_keys WHERE paper = ?", (paper,))
        return {str(r[0]) for r in rows}

    def papers_for(self, key: str) -> list[str]:
        rows = self.db.execute("SELECT paper FROM paper_keys WHERE key = ? ORDER BY paper", (key,))
        return [str(r[0]) for r in rows]

    def names_at(self, node: str) -> list[str]:
        rows = self.db.execute("SELECT name FROM mention_names WHERE node = ?", (node,))
        return [str(r[0]) for r in rows]

    def add_names(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Keep the spelling of each (node, name)."""
        self.db.executemany("INSERT OR IGNORE INTO mention_names VALUES (?, ?)", pairs)

    def forget_names(self, node: str, *, keep: str) -> None:
        """The node's spellings but ``keep`` are another author's (it changed hands)."""
        self.db.execute("DELETE FROM mention_names WHERE node = ? AND name != ?", (node, keep))

    def record_papers(
        self, papers: Sequence[tuple[str, Sequence[str], Sequence[tuple[str, str, str]], bool]]
    ) -> None:
        """:meth:`add_paper_keys` and :meth:`set_paper_authors` for many distinct papers
        ``(paper, keys, authors, complete)`` in a few statements."""
        self.db.executemany(
            "INSERT OR IGNORE INTO paper_keys VALUES (?, ?)",
            ((key, paper) for paper, keys, _, _ in papers for key in keys),
        )
        complete = [(paper, authors) for paper, _, authors, whole in papers if whole]
        pair_persons.drop_papers(self.db, [p for p, _ in complete])
        self.db.executemany(
            "DELETE FROM paper_authors WHERE paper = ?", ((p,) for p, _ in complete)
        )
        self.db.executemany(
            "DELETE FROM coauthor_pairs WHERE paper = ?", ((p,) for p, _ in complete)
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO paper_authors VALUES (?, ?, ?, ?)",
            ((paper, b, node, name) for paper, authors in complete for b, node, name in authors),
        )
        self.db.executemany(
            "INSERT INTO coauthor_pairs VALUES (?, ?, ?, ?)",
            (row for paper, authors in complete for row in pair_rows(paper, authors)),
        )
        pair_persons.copy_papers(self.db, [p for p, _ in complete])
        for paper, _, authors, whole in papers:
            if not whole:
                self.set_paper_authors(paper, authors, complete=False)

    def set_paper_authors(
        self, paper: str, authors: Sequence[tuple[str, str, str]], *, complete: bool
    ) -> None:
        """The person authors of ``paper`` as (block, node, name); a complete list replaces
        what was known, a partial one (a truncated listing) adds to it. The co-author pairs
        of the paper are indexed again (none for a paper of more than
        :data:`MAX_EVIDENCE_AUTHORS` authors)."""
        if complete:
            self.db.execute("DELETE FROM paper_authors WHERE paper = ?", (paper,))
        self.db.executemany(
            "INSERT OR REPLACE INTO paper_authors VALUES (?, ?, ?, ?)",
            ((paper, b, node, name) for b, node, name in authors),
        )
        if not complete:
            rows = self.db.execute(
                "SELECT block, node, name FROM paper_authors WHERE paper = ?", (paper,)
            )
            authors = [(str(b), str(node), str(name)) for b, node, name in rows]
        pair_persons.drop_papers(self.db, [paper])
        self.db.execute("DELETE FROM coauthor_pairs WHERE paper = ?", (paper,))
        self.db.executemany(
            "INSERT INTO coauthor_pairs VALUES (?, ?, ?, ?)", pair_rows(paper, authors)
        )
        pair_persons.copy_papers(self.db, [paper])

    def index_spelled_again(self) -> int:
        """Index again the pairs of each paper of two to :data:`MAX_EVIDENCE_AUTHORS` authors
        one of whose names has a block of another spelling
        (:func:`~.pair_keys.spelled_blocks`: what an index written before spellings lacks).
        Returns how many papers."""
        rows = self.db.execute(
            "SELECT paper, block, node, name FROM paper_authors ORDER BY paper, node"
        )
        due: list[tuple[str, list[tuple[str, str, str]]]] = []
        count = 0
        for paper, listed in groupby(rows, key=itemgetter(0)):
            authors = [(str(b), str(node), str(name)) for _, b, node, name in listed]
            if 1 < len(authors) <= MAX_EVIDENCE_AUTHORS and any(
                len(spelled_blocks(b, name)) > 1 for b, _, name in authors
            ):
                due.append((str(paper), authors))
            if len(due) == BATCH:
                count += self._index_again(due)
                due = []
        return count + self._index_again(due)

    def _index_again(self, papers: Sequence[tuple[str, Sequence[tuple[str, str, str]]]]) -> int:
        done = [p for p, _ in papers]
        pair_persons.drop_papers(self.db, done)
        execute_in(self.db, "DELETE FROM coauthor_pairs WHERE paper IN (?)", done)
        self.db.executemany(
            "INSERT INTO coauthor_pairs VALUES (?, ?, ?, ?)",
            (row for paper, authors in papers for row in pair_rows(paper, authors)),
        )
        pair_persons.copy_papers(self.db, done)
        return len(papers)

    def authors_of(self, paper: str) -> list[tuple[str, str]]:
        """The person authors known of ``paper`` as (node, name), in node order."""
        rows = self.db.execute(
            "SELECT node, name FROM paper_authors WHERE paper = ? ORDER BY node", (paper,)
        )
        return [(str(n), str(m)) for n, m in rows]

    def author_counts(self, papers: Sequence[str]) -> dict[str, int]:
        """How many person authors are known of each of ``papers`` (the count the pair index
        is cut at: a partial listing's authors with those known before)."""
        query = "SELECT paper, COUNT(*) FROM paper_authors WHERE paper IN (?) GROUP BY paper"
        return {str(p): int(n) for p, n in select_in(self.db, query, list(papers))}

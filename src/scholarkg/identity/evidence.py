"""The evidence tables of the registry: papers' keys, the names each source wrote, the authors
of every paper and the co-author pair index the co-author rule reads."""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any

from scholarkg.identity import names, pair_persons
from scholarkg.sqlite_in import BATCH, execute_in, select_in

MAX_EVIDENCE_AUTHORS = 100
"""Papers with more person authors give no co-author evidence: on a collaboration paper
everyone "shares" thousands of co-authors, and its pairs would grow with the square. Neither
way: such a paper's pairs are not indexed, and its authors are not looked up in the index."""


def pair_key(block: str, co_block: str) -> int:
    """A signed 64-bit key of (name block, co-author's block) for the pair index. A collision
    only adds hits whose names then fail :func:`~scholarkg.identity.names.compatible`."""
    return _joined(_crc(block), _crc(co_block))


def _joined(high: int, low: int) -> int:
    """Two CRC-32s as one signed 64-bit integer (SQLite's INTEGER)."""
    return _high(high) + low


def _high(crc: int) -> int:
    """The key's part of the high CRC: any low CRC added to it makes the key (its low 32 bits
    are zero, so adding is or-ing), computed once for the keys sharing it."""
    return (crc << 32) - (1 << 63)


@lru_cache(maxsize=32_768)
def _crc(text: str) -> int:
    return zlib.crc32(text.encode())


def _pairs(
    paper: str, authors: Sequence[tuple[str, str, str]]
) -> Iterator[tuple[int, str, str, str]]:
    """The pair-index rows of a paper's authors (none past MAX_EVIDENCE_AUTHORS), under each
    block of each name (:func:`~scholarkg.identity.names.blocks`: ``Hans Müller`` is found as
    ``Hans Mueller`` too)."""
    if 1 < len(authors) <= MAX_EVIDENCE_AUTHORS:
        # pair_key's halves, once an author
        crcs = [[_crc(b) for b in _blocks(block, name)] for block, _, name in authors]
        tops = [[_high(c) for c in lows] for lows in crcs]
        for (_, node, _), highs in zip(authors, tops, strict=True):
            for (_, co_node, co_name), lows in zip(authors, crcs, strict=True):
                if co_node != node:
                    for high in highs:
                        for low in lows:
                            yield high + low, node, paper, co_name


def _blocks(block: str, name: str) -> tuple[str, ...]:
    """``block`` (as the registry holds it) and the blocks of the name's other spellings."""
    return (block, *(b for b in names.blocks(name)[1:] if b != block))


class EvidenceTables:
    """Papers' keys, spellings and author lists (a part of :class:`~.registry.Registry`)."""

    db: sqlite3.Connection
    any_wide: bool  # the registry has a wide pair key (:mod:`.pair_persons`), as last known

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
            (row for paper, authors in complete for row in _pairs(paper, authors)),
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
            "INSERT INTO coauthor_pairs VALUES (?, ?, ?, ?)", _pairs(paper, authors)
        )
        pair_persons.copy_papers(self.db, [paper])

    def index_spelled_again(self) -> int:
        """Index again the pairs of each paper of two to :data:`MAX_EVIDENCE_AUTHORS` authors
        one of whose names has a block of another spelling (:func:`_blocks`: what an index
        written before spellings lacks). Returns how many papers."""
        rows = self.db.execute(
            "SELECT paper, block, node, name FROM paper_authors ORDER BY paper, node"
        )
        due: list[tuple[str, list[tuple[str, str, str]]]] = []
        count = 0
        for paper, listed in groupby(rows, key=itemgetter(0)):
            authors = [(str(b), str(node), str(name)) for _, b, node, name in listed]
            if 1 < len(authors) <= MAX_EVIDENCE_AUTHORS and any(
                len(_blocks(b, name)) > 1 for b, _, name in authors
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
            (row for paper, authors in papers for row in _pairs(paper, authors)),
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

    def coauthor_nodes(
        self,
        block: str,
        co_blocks: Sequence[str],
        paper: str,
        persons: Sequence[int] = (),
        listed_as: Callable[[str], bool] | None = None,
    ) -> list[tuple[str, str, int, float, str, str]]:
        """(node, name as listed, person, score, co-author block, co-author name): each
        authorship in ``block`` on a paper other than ``paper`` beside a co-author in one of
        ``co_blocks`` that co-authors or no evidence decided (not a profile's claim, a
        position or a configured split), one row per node and co-author block; held by one of
        ``persons`` only (:meth:`coauthor_persons`), when given; listed under a name
        ``listed_as`` accepts only, when given: the distinct names are read first, so a
        person's thousand papers under a name it refuses are one row, not a thousand."""
        held = f" AND m.person IN ({','.join('?' * len(persons))})" if persons else ""
        where = f"{held} AND m.rule IN ('shared-coauthor', 'first-seen') AND m.pinned = 0"
        join = " FROM coauthor_pairs c JOIN mentions m ON m.node = c.node"
        more: list[Any] = list(persons)
        if listed_as is not None:
            _, listed = self._beside(
                block, co_blocks, paper, f"SELECT DISTINCT m.name{join}", where, more
            )
            wanted = [str(name) for (name,) in listed if listed_as(str(name))]
            if not wanted:
                return []
            where += f" AND m.name IN ({','.join('?' * len(wanted))})"  # as the persons are
            more += wanted
        keys, rows = self._beside(
            block,
            co_blocks,
            paper,
            f"SELECT m.node, m.name, m.person, COALESCE(m.score, 0), c.pair, MIN(c.co_name){join}",
            f"{where} GROUP BY m.node, c.pair ORDER BY m.node, c.pair",
            more,
        )
        return [
            (str(n), str(m), int(p), float(e), keys[int(k)], str(c)) for n, m, p, e, k, c in rows
        ]

    def coauthor_persons(self, block: str, co_blocks: Sequence[str], paper: str) -> list[int]:
        """The persons holding :meth:`coauthor_nodes`' authorships, each once: a person's
        hundred papers beside the same co-authors are one row, not a hundred, and a wide key's
        are not read (:mod:`.pair_persons`)."""
        small, wide = self._keys_by_width(block, co_blocks)
        _, rows = self._beside(
            block,
            small,
            paper,
            "SELECT DISTINCT m.person FROM coauthor_pairs c JOIN mentions m ON m.node = c.node",
            "AND m.rule IN ('shared-coauthor', 'first-seen') AND m.pinned = 0 ORDER BY m.person",
        )
        found = {int(p) for (p,) in rows}
        for key in wide:
            found.update(
                p
                for p in pair_persons.persons_at(self.db, key)
                if p not in found and pair_persons.holds_open(self.db, key, p, paper)
            )
        return sorted(found)

    def holds_any(self, pid: int) -> bool:
        """Whether person ``pid`` holds an authorship."""
        row = self.db.execute("SELECT 1 FROM mentions WHERE person = ? LIMIT 1", (pid,))
        return row.fetchone() is not None

    def coauthor_hits(
        self, block: str, co_blocks: Sequence[str], paper: str
    ) -> list[tuple[int, str, str, str, str]]:
        """(person, their fullest name, other paper, co-author block, co-author name): an
        authorship listed in ``block`` on a paper other than ``paper`` beside a co-author in
        one of ``co_blocks``. Only persons with such a paper can be linked by co-authors, so
        this is also the candidate search. One row per (person, co-author block, co-author
        name), with the first such paper: a prolific author's hundred papers with one co-author
        are one hit, not a hundred (the rule's work per paper would grow with their papers)."""
        small, wide = self._keys_by_width(block, co_blocks)
        keys, rows = self._beside(
            block,
            small,
            paper,
            "SELECT c.pair, m.person, p.name, MIN(c.paper), c.co_name, COUNT(*)"
            " FROM coauthor_pairs c JOIN mentions m ON m.node = c.node"
            " JOIN persons p ON p.id = m.person",
            "GROUP BY m.person, c.pair, c.co_name ORDER BY m.person, MIN(c.paper), c.co_name",
        )
        hits = [(int(p), str(pn), str(pp), keys[int(k)], str(n)) for k, p, pn, pp, n, _ in rows]
        scanned: dict[int, int] = {}
        for row in rows:
            scanned[int(row[0])] = scanned.get(int(row[0]), 0) + int(row[5])
        for key, count in scanned.items():
            if count > pair_persons.SCANNED:  # the next look-ups walk it by person
                pair_persons.widen(self.db, key)
                self.any_wide = True
        for key, co_block in wide.items():
            for person in pair_persons.persons_at(self.db, key):
                [(full,)] = self.db.execute("SELECT name FROM persons WHERE id = ?", (person,))
                hits.extend(
                    (person, str(full), first, co_block, co_name)
                    for co_name, first in pair_persons.first_papers(self.db, key, person, paper)
                )
        if wide:  # in the scan's order: person, first paper, co-author name
            hits.sort(key=lambda h: (h[0], h[2], h[4]))
        return hits

    def _keys_by_width(
        self, block: str, co_blocks: Sequence[str]
    ) -> tuple[list[str], dict[int, str]]:
        """Of ``co_blocks``, those whose pair key beside ``block`` is scanned, and the wide
        keys (:func:`~.pair_persons.widen`; key: co-author block)."""
        if not self.any_wide:  # no key is: not asked
            return list(co_blocks), {}
        high = _high(_crc(block))
        keys = {high + _crc(co_block): co_block for co_block in co_blocks}
        wide = pair_persons.wide_of(self.db, list(keys))
        small = [co_block for key, co_block in keys.items() if key not in wide]
        return small, {key: keys[key] for key in sorted(wide)}

    def _beside(
        self,
        block: str,
        co_blocks: Sequence[str],
        paper: str,
        select: str,
        rest: str,
        more: Sequence[int] = (),
    ) -> tuple[dict[int, str], list[Any]]:
        """The pair index's keys of ``block`` beside each of ``co_blocks`` (key: co-author
        block), and the rows of ``select … WHERE`` (those keys, on a paper other than
        ``paper``) ``rest`` (its parameters ``more``); no rows without keys."""
        high = _high(_crc(block))  # pair_key's high part, once a look-up
        keys = {high + _crc(co_block): co_block for co_block in co_blocks}
        if not keys:
            return keys, []
        marks = ",".join("?" * len(keys))
        query = f"{select} WHERE c.pair IN ({marks}) AND c.paper != ? {rest}"
        return keys, self.db.execute(query, [*keys, paper, *more]).fetchall()

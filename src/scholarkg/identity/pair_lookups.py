"""The co-author rule's look-ups in the pair index (a part of :class:`~.registry.Registry`):
the authorships, persons and hits listed in a name block beside a co-author in another, on
any other paper; a wide key's (:mod:`.pair_persons`) are read by person."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from scholarkg.identity import pair_persons
from scholarkg.identity.pair_keys import crc, high_half


class PairLookups:
    """Who is listed beside whom, read from the pair index (``coauthor_pairs``)."""

    db: sqlite3.Connection
    any_wide: bool  # the registry has a wide pair key (:mod:`.pair_persons`), as last known

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
        high = high_half(crc(block))
        keys = {high + crc(co_block): co_block for co_block in co_blocks}
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
        high = high_half(crc(block))  # pair_key's high part, once a look-up
        keys = {high + crc(co_block): co_block for co_block in co_blocks}
        if not keys:
            return keys, []
        marks = ",".join("?" * len(keys))
        query = f"{select} WHERE c.pair IN ({marks}) AND c.paper != ? {rest}"
        return keys, self.db.execute(query, [*keys, paper, *more]).fetchall()

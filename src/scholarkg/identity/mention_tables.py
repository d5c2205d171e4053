"""The authorship decisions of the registry: which person each authorship node is, and why."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Sequence

from scholarkg.identity.records import _MENTION_COLUMNS, Mention, _mention
from scholarkg.sqlite_in import select_in


class MentionTables:
    """Reads and writes of ``mentions`` (a part of :class:`~.registry.Registry`)."""

    db: sqlite3.Connection
    mark_dirty: Callable[[int], None]  # the registry's

    def mentions(self, nodes: Sequence[str]) -> dict[str, Mention]:
        found: dict[str, Mention] = {}
        query = f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE node IN (?)"  # noqa: S608
        for row in select_in(self.db, query, list(nodes)):
            mention = _mention(row)
            found[mention.node] = mention
        return found

    def mentions_of(self, pid: int) -> list[Mention]:
        rows = self.db.execute(
            f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE person = ? ORDER BY paper, node",  # noqa: S608
            (pid,),
        )
        return [_mention(r) for r in rows]

    def persons_on(self, papers: Sequence[str]) -> dict[str, set[int]]:
        """The persons holding an authorship on each of ``papers``."""
        found: dict[str, set[int]] = {}
        query = "SELECT paper, person FROM mentions WHERE paper IN (?)"
        for paper, person in select_in(self.db, query, list(papers)):
            found.setdefault(str(paper), set()).add(int(person))
        return found

    def mentions_on(self, paper: str) -> list[Mention]:
        rows = self.db.execute(
            f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE paper = ? ORDER BY node",  # noqa: S608
            (paper,),
        )
        return [_mention(r) for r in rows]

    def assign(self, mention: Mention, previous: int | None = -1) -> None:
        """Write (or overwrite) one authorship node's decision; its person needs writing.
        ``previous``: the node's person before, when the caller knows it (-1: look it up)."""
        if previous == -1:
            row = self.db.execute(
                "SELECT person FROM mentions WHERE node = ?", (mention.node,)
            ).fetchone()
            previous = None if row is None else int(row[0])
        self.db.execute(
            f"INSERT OR REPLACE INTO mentions ({_MENTION_COLUMNS})"  # noqa: S608
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                mention.node,
                mention.paper,
                mention.position,
                mention.person,
                mention.name,
                mention.rule,
                mention.score,
                mention.basis,
                mention.evidence,
                int(mention.pinned),
            ),
        )
        self.mark_dirty(mention.person)
        if previous is not None and previous != mention.person:
            self.mark_dirty(previous)

    def names_of(self, pid: int, without: Collection[str] = ()) -> list[str]:
        """Every spelling of the person's authorships (but those at ``without``), in
        first-registered order."""
        rows = self.db.execute(
            "SELECT n.node, n.name FROM mentions m JOIN mention_names n ON n.node = m.node"
            " WHERE m.person = ? ORDER BY m.paper, m.node",
            (pid,),
        )
        return list(dict.fromkeys(str(name) for node, name in rows if node not in without))

"""Which persons' graphs need writing (``dirty``), and to which store they were written (a
part of :class:`~.registry.Registry`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from scholarkg.sqlite_in import execute_in

CACHE_LIMIT = 50_000  # entries of the in-process caches (the database is the truth)


class PublishState:
    """Marks of the persons due to be written, and the store they are written to."""

    db: sqlite3.Connection
    _marked: set[int]  # marked dirty in this process (no need to mark again)

    def mark_dirty(self, pid: int) -> None:
        if pid in self._marked:
            return
        self.db.execute("UPDATE persons SET dirty = 1 WHERE id = ?", (pid,))
        if len(self._marked) >= CACHE_LIMIT:  # only a cache of what is marked: keep it bounded
            self._marked.clear()
        self._marked.add(pid)

    def dirty(self) -> list[int]:
        """The persons whose graph needs writing, all at once (see :meth:`dirty_ids`)."""
        return list(self.dirty_ids())

    def dirty_ids(self, page: int = 2000) -> Iterator[int]:
        """The persons whose graph needs writing, in id order, read ``page`` at a time (at 100k
        records 155 000 persons: a run holds a page of them, not all)."""
        last = 0
        while True:
            rows = self.db.execute(
                "SELECT id FROM persons WHERE dirty = 1 AND id > ? ORDER BY id LIMIT ?",
                (last, page),
            ).fetchall()
            yield from (int(r[0]) for r in rows)
            if len(rows) < page:
                return
            last = int(rows[-1][0])

    def published_to(self) -> str | None:
        """The store (its manifest's ``store_id``) the person graphs were last written to."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'store'").fetchone()
        return None if row is None else str(row[0])

    def republish(self, store_id: str) -> None:
        """Person graphs are to be written to another store (or a store made afresh): every
        person's graph is due again there (a retired one's dropped)."""
        self.db.execute("UPDATE persons SET dirty = 1")
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('store', ?)", (store_id,))
        self._marked.clear()

    def lost(self, slugs: Sequence[str]) -> int:
        """The graphs of these persons are gone from the store (removed outside scholarkg): the
        live ones are due again. Returns how many."""
        due = execute_in(
            self.db,
            "UPDATE persons SET dirty = 1, published = 0 WHERE slug IN (?) AND merged_into IS NULL",
            slugs,
        )
        self._marked.clear()
        return due

    def written(self, pids: Iterable[int]) -> None:
        """These persons' graphs are in the store now."""
        self._unmark("UPDATE persons SET dirty = 0, published = 1 WHERE id = ?", pids)

    def settled(self, pids: Iterable[int]) -> None:
        """Nothing to write for these (retired) persons any more."""
        self._unmark("UPDATE persons SET dirty = 0 WHERE id = ?", pids)

    def _unmark(self, sql: str, pids: Iterable[int]) -> None:
        """``sql`` for each of ``pids``, a page at a time (never a copy of them all)."""
        ids = iter(pids)
        while done := list(islice(ids, 2000)):
            self.db.executemany(sql, ((p,) for p in done))
            self._marked.difference_update(done)

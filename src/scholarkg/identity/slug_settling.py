"""A new person's IRI, settled before it is first written: named by the first of its
authorships in IRI order, not by the one that came first (a part of
:class:`~.registry.Registry`).

A person the co-author rule founds is named ``<name key>-<hash of the authorship>`` of the
authorship that founded it, which is the first one the run happened to read: the same sources
read in another order gave the same person another IRI. Before its graph is first written, a
person founded in this run (no profile, no ``[people.split]`` label, never published) is named
as if its first authorship in code-point order of authorship IRIs had founded it. A published
IRI never moves; a profile's researcher is named by the page (the same whatever the order).
Where this process's persons begin is kept in the registry (meta ``slugs_settled_below``) with
the decisions of a run that wrote its person graphs: a run that failed, or was stopped, before
then leaves the persons it kept for the next run to name (before, those a snapshot run kept
every ``COMMIT_EVERY`` papers kept the slug of the authorship read first).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from scholarkg.identity import names
from scholarkg.identity.records import short_hash
from scholarkg.iris import capped
from scholarkg.lifecycle import check_stop
from scholarkg.sqlite_in import select_in

PAGE = 2000  # persons read at once


class SlugSettling:
    """Settling the slugs of the persons founded in this process."""

    db: sqlite3.Connection
    _first_new: int  # the least person id this process may have founded
    whole: Callable[[], AbstractContextManager[None]]
    _slug_before: dict[int, str]  # in :meth:`settle_slugs`: each moved person's slug before

    def _note_first_new(self) -> None:
        """Remember where the persons still to be named begin (ids only grow): past those of
        the last run whose settled names were kept, or, in a registry that never noted it, past
        every person it holds."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'slugs_settled_below'").fetchone()
        if row is None:
            row = self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM persons").fetchone()
        self._first_new = int(row[0])

    def _settled_all(self) -> None:
        """Every person so far is named for good (kept with this run's decisions)."""
        row = self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM persons").fetchone()
        self._first_new = int(row[0])
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('slugs_settled_below', ?)", (str(self._first_new),)
        )

    def settle_slugs(self, *, last: bool = False) -> dict[str, str]:
        """Name each live, unpublished person founded in this process (or kept by a run that
        wrote no person graph) by its first authorship
        in IRI order (see the module). Returns the slugs changed, old to new (for the lines
        already written about them). ``last``: their graphs are written next, so never rename
        them again in this process. Read :data:`PAGE` persons at a time: what is held is a
        page and the slugs changed, not every person founded (150 000 at 100k records). All or
        none: a stop asked for between two persons undoes the renames made
        (:meth:`~.registry.Registry.whole`), for the next run to make."""
        self._slug_before = {}  # a person's slug before it first moved here
        with self.whole():
            for page in self._unsettled():
                for pid, current, node, name in page:
                    check_stop()
                    # a person a swap gave another slug is taken as it was named when the call
                    # began
                    seen = self._slug_before.get(pid, current)
                    wanted = f"{capped(names.name_key(name))}-{short_hash(f'node:{node}')}"
                    if wanted != seen:
                        self._take_slug(pid, seen, wanted, now=current)
            moved, self._slug_before = self._slug_before, {}
            query = "SELECT id, slug FROM persons WHERE id IN (?)"
            after = {int(pid): str(slug) for pid, slug in select_in(self.db, query, list(moved))}
            if last:
                self._settled_all()
        return {old: after[pid] for pid, old in sorted(moved.items()) if after[pid] != old}

    def _unsettled(self) -> Iterator[list[tuple[int, str, str, str]]]:
        """The persons to name, each with its slug and its first authorship (IRI and name), in
        id order, :data:`PAGE` at a time (read page by page: the slugs are the ones held then)."""
        last = self._first_new - 1
        while True:
            page = [
                (int(pid), str(slug), str(node), str(name))
                for pid, slug, node, name in self.db.execute(
                    "SELECT p.id, p.slug, MIN(m.node), m.name FROM persons p"
                    " JOIN mentions m ON m.person = p.id"
                    " WHERE p.id > ? AND p.merged_into IS NULL AND p.published = 0"
                    " AND p.profile IS NULL AND p.label IS NULL"
                    " GROUP BY p.id ORDER BY p.id LIMIT ?",
                    (last, PAGE),
                )
            ]
            if not page:
                return
            yield page
            last = page[-1][0]

    def _take_slug(self, pid: int, current: str, wanted: str, *, now: str) -> None:
        """Give ``pid`` the slug ``wanted`` (or ``wanted-2``, … where a person whose name
        cannot move holds it). A holder founded in this process and never published, retired
        or live, swaps slugs with ``pid``: its slug was never written (a live one is settled
        in its turn). ``current``: ``pid``'s slug as the call began; ``now``: as it is."""
        candidate, n = wanted, 1
        while True:
            if candidate == current:
                return
            holder = self.db.execute(
                "SELECT id, published, profile, label FROM persons WHERE slug = ?", (candidate,)
            ).fetchone()
            if holder is None:
                self._slug_before.setdefault(pid, now)
                self.db.execute("UPDATE persons SET slug = ? WHERE id = ?", (candidate, pid))
                return
            other, published, profile, label = holder
            if int(other) >= self._first_new and not published and profile is None and not label:
                self._slug_before.setdefault(pid, now)
                self._slug_before.setdefault(int(other), candidate)
                self.db.execute("UPDATE persons SET slug = ? WHERE id = ?", (f"\0{pid}", pid))
                self.db.execute("UPDATE persons SET slug = ? WHERE id = ?", (current, other))
                self.db.execute("UPDATE persons SET slug = ? WHERE id = ?", (candidate, pid))
                return
            n += 1
            candidate = f"{wanted}-{n}"

"""Merges of persons and their undoing: a merge is kept with the authorship (or the
:func:`~.claims_table.claim_key` of the profile claim) that joined the two, so that it is undone
when that evidence goes (a part of :class:`~.registry.Registry`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from scholarkg.sqlite_in import execute_in, select_in


class MergeTables:
    """Reads and writes of ``merges`` and ``persons.merged_into``."""

    db: sqlite3.Connection
    _marked: set[int]  # the registry's
    live: Callable[[int], int]
    mark_dirty: Callable[[int], None]

    def retire(self, drop: int, keep: int, evidence: str | None = None) -> None:
        """``drop`` is now ``keep``: its mentions move, it stays as a retired IRI. ``evidence``:
        the authorship node whose decision joined them; the merge is kept with what it moved,
        so that :meth:`unmerge` can undo it when no source states that node any more."""
        if evidence is not None:
            held = self.db.execute("SELECT node FROM mentions WHERE person = ?", (drop,))
            absorbed = self.db.execute("SELECT id FROM persons WHERE merged_into = ?", (drop,))
            gave = self.db.execute(
                "SELECT d.profile FROM persons d JOIN persons k ON k.id = ?"
                " WHERE d.id = ? AND k.profile IS NULL",
                (keep, drop),
            ).fetchone()
            self.db.execute(
                "INSERT OR REPLACE INTO merges (drop_id, keep_id, node, nodes, absorbed, profile)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    drop,
                    keep,
                    evidence,
                    "\n".join(str(n) for (n,) in held),
                    " ".join(str(i) for (i,) in absorbed),
                    None if gave is None else gave[0],
                ),
            )
        self.db.execute("UPDATE persons SET merged_into = ?, dirty = 1 WHERE id = ?", (keep, drop))
        self.db.execute("UPDATE persons SET merged_into = ? WHERE merged_into = ?", (keep, drop))
        self.db.execute("UPDATE mentions SET person = ? WHERE person = ?", (keep, drop))
        self._marked.add(drop)
        self._marked.discard(keep)
        self.mark_dirty(keep)
        row = self.db.execute("SELECT profile, label FROM persons WHERE id = ?", (drop,)).fetchone()
        if row is not None and row[0] is not None:
            self.db.execute(
                "UPDATE persons SET profile = COALESCE(profile, ?) WHERE id = ?", (row[0], keep)
            )

    def unmerge(self, nodes: Sequence[str]) -> list[tuple[int, int]]:
        """Undo the merges whose evidence was one of ``nodes`` (no source states it any more,
        or it is another author's now; or a :func:`~.claims_table.claim_key`: the claim
        ended), latest first: the retired person is live again with the authorships and
        retired persons it brought that its survivor still holds.
        Returns ``(person made live again, the survivor it leaves)``; both need writing."""
        undone: list[tuple[int, int]] = []
        rows = select_in(
            self.db,
            "SELECT seq, drop_id, keep_id, nodes, absorbed, profile FROM merges WHERE node IN (?)",
            list(nodes),
        )
        for seq, drop, keep, held, absorbed, profile in sorted(rows, reverse=True):
            survivor = self.live(int(keep))
            moved = [n for n in str(held).split("\n") if n]
            execute_in(
                self.db,
                f"UPDATE mentions SET person = {int(drop)}"  # noqa: S608
                f" WHERE person = {survivor} AND node IN (?)",
                moved,
            )
            ids = [int(i) for i in str(absorbed).split()]
            execute_in(
                self.db,
                f"UPDATE persons SET merged_into = {int(drop)}"  # noqa: S608
                f" WHERE merged_into = {survivor} AND id IN (?)",
                ids,
            )
            self.db.execute("UPDATE persons SET merged_into = NULL WHERE id = ?", (drop,))
            if profile is not None:
                self.db.execute(
                    "UPDATE persons SET profile = NULL WHERE id = ? AND profile = ?",
                    (survivor, profile),
                )
            self.db.execute("DELETE FROM merges WHERE seq = ?", (seq,))
            self._marked.discard(int(drop))
            self.mark_dirty(int(drop))
            self._marked.discard(survivor)
            self.mark_dirty(survivor)
            undone.append((int(drop), survivor))
        return undone

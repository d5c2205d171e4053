"""Records their source deleted, remembered per store (tombstones).

An OAI-PMH harvest that lists a record as deleted (``<header status="deleted">``) removes it.
Another door may still hold an older state of it: a snapshot file written before the deletion,
an API answer, a later harvest paging over it again. The deletion is remembered here with its
datestamp, so such a state is withheld instead of bringing the record back; a state dated
after the deletion (a version submitted since, or a newer OAI-PMH listing) is the record come
back: it loads, and the deletion is forgotten.

Forgotten only once the store holds the newer state (a state the gate rejects leaves the
deletion standing). Kept in SQLite beside the store's other state (in an embedded store's
directory: a store made afresh there starts without any).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from scholarkg.sqlite_in import open_state_db, select_in

WHAT = "record deletions"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS deleted (
    arxiv_id TEXT PRIMARY KEY, datestamp TEXT NOT NULL) WITHOUT ROWID;
"""
_UNDATED = "0000-00-00"  # a deletion without a datestamp: older than any dated state


def comes_back(deleted_on: str, state: dt.date | None) -> bool:
    """Whether a state of a record dated ``state`` is newer than its deletion (ISO date): a
    state without a date never is."""
    return state is not None and state.isoformat() > deleted_on


class Deletions:
    """The records deleted from one store (one writer at a time; each change committed)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = open_state_db(self.path, _SCHEMA, WHAT)
        self._any = self.db.execute("SELECT 1 FROM deleted LIMIT 1").fetchone() is not None

    def close(self) -> None:
        self.db.close()

    def __bool__(self) -> bool:
        """Whether any record was ever deleted here (nothing to look up otherwise)."""
        return self._any

    def mark(self, deleted: Iterable[tuple[str, dt.date | None]]) -> None:
        """Remember these deletions ``(arXiv id, datestamp)``; of two, the later is kept."""
        rows = [(i, d.isoformat() if d is not None else _UNDATED) for i, d in deleted]
        with self.db:
            self.db.executemany(
                "INSERT INTO deleted VALUES (?, ?) ON CONFLICT (arxiv_id)"
                " DO UPDATE SET datestamp = MAX(datestamp, excluded.datestamp)",
                rows,
            )
        self._any = self._any or bool(rows)

    def of(self, ids: Sequence[str]) -> dict[str, str]:
        """The deletion datestamps (ISO dates) of those of ``ids`` deleted."""
        if not self._any:
            return {}
        query = "SELECT arxiv_id, datestamp FROM deleted WHERE arxiv_id IN (?)"
        return {str(i): str(d) for i, d in select_in(self.db, query, ids)}

    def withheld(self, dated: Mapping[str, dt.date | None]) -> dict[str, str]:
        """Of records ``{arXiv id: date of its latest version}``, those deleted here and not
        come back since: ``{arXiv id: the deletion's datestamp}``."""
        tombstones = self.of(list(dated))
        return {i: d for i, d in tombstones.items() if not comes_back(d, dated[i])}

    def forget(
        self, states: Sequence[tuple[str, dt.date | None]], *, inclusive: bool = False
    ) -> None:
        """These records came back: the store holds a state of each ``(arXiv id, its date)``;
        a deletion older than that state (``inclusive``: not newer) is forgotten, a later one
        (marked since) stands."""
        rows = [(i, d.isoformat()) for i, d in states if d is not None]
        compare = "<=" if inclusive else "<"
        if rows:
            with self.db:
                self.db.executemany(
                    f"DELETE FROM deleted WHERE arxiv_id = ? AND datestamp {compare} ?",  # noqa: S608
                    rows,
                )

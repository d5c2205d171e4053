"""Where each arXiv id was first read in a snapshot run, so that a later line with it (one
version of a record per run) is told apart, in input order, with memory flat."""

from __future__ import annotations

from pathlib import Path

from scholarkg.sqlite_in import connect_state, select_in


class FirstLines:
    """The line at which each arXiv id was first read in this run, in a scratch SQLite file
    under the data directory's state folder (the run lock keeps it to one run): memory stays
    flat however many ids a snapshot holds (a set of 2.7 M ids would take some 300 MB)."""

    NAME = "snapshot-first-lines.sqlite"

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / self.NAME
        self.path.unlink(missing_ok=True)  # left by a run that was killed
        self.db = connect_state(self.path, "snapshot's first lines", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")  # scratch: nothing to keep if it breaks
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(
            "CREATE TABLE first (id TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID"
        )

    def claim(self, ids: list[tuple[str, int]]) -> dict[str, int]:
        """Note where these ids are read (each at most once, in input order); returns the
        earlier line of each one read before at another line."""
        if not ids:
            return {}
        self.db.execute("BEGIN")
        try:
            added = self.db.executemany("INSERT OR IGNORE INTO first VALUES (?, ?)", ids).rowcount
        finally:
            self.db.execute("COMMIT")
        if added == len(ids):
            return {}
        earlier: dict[str, int] = {}
        lines = dict(ids)
        query = "SELECT id, line FROM first WHERE id IN (?)"
        for arxiv_id, line in select_in(self.db, query, [arxiv_id for arxiv_id, _ in ids]):
            if line != lines[arxiv_id]:
                earlier[arxiv_id] = line
        return earlier

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)

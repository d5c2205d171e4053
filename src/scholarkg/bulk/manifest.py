"""What the bulk path has loaded into a store: graph content digests and finished input chunks.

Kept in SQLite inside the store's own directory (``scholarkg-bulk.sqlite``), so it goes with the
store: a deleted or recreated store starts with an empty manifest. Two levels:

* ``graphs``: named graph IRI → BLAKE2b digest of the N-Quads the bulk path loaded for it. A graph
  whose new content has the same digest is not rewritten.
* ``chunks``: digest of (input chunk bytes + configuration fingerprint) → its counts. A chunk
  already loaded with the same configuration is skipped without being parsed.

The manifest only knows what the bulk path wrote. A graph rewritten by another path keeps its
entry; ``force=True`` on the ingest ignores the chunk level (graph digests are still checked
against the store's named graphs).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "scholarkg-bulk.sqlite"
SCHEMA = "1"  # bump when the tables change (the manifest is rebuilt)


@dataclass(frozen=True)
class ChunkCounts:
    """What a finished chunk contributed (reported again when it is skipped)."""

    records: int
    loaded: int
    triples: int
    warnings: int
    infos: int
    rejected: int
    quarantined: int


class Manifest:
    """The SQLite manifest of one store directory (one writer: the ingesting process)."""

    def __init__(self, store_dir: Path, fingerprint: str) -> None:
        self.path = Path(store_dir) / FILE_NAME
        self.db = sqlite3.connect(self.path)
        self.db.executescript(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        )
        if self._meta("schema") != SCHEMA:  # an older layout: start afresh (it is only a cache)
            self.db.executescript("DROP TABLE IF EXISTS graphs; DROP TABLE IF EXISTS chunks;")
            self._set_meta("schema", SCHEMA)
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS graphs (iri TEXT PRIMARY KEY, digest BLOB NOT NULL)
                WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS chunks (
                key BLOB PRIMARY KEY, records INT, loaded INT, triples INT, warnings INT, infos INT,
                rejected INT, quarantined INT) WITHOUT ROWID;
            """
        )
        if self._meta("fingerprint") != fingerprint:  # other configuration: redo every chunk
            self.db.execute("DELETE FROM chunks")
            self._set_meta("fingerprint", fingerprint)
        self.db.commit()

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def digests(self, iris: list[str]) -> dict[str, bytes]:
        """Known digests of these graphs."""
        found: dict[str, bytes] = {}
        for start in range(0, len(iris), 500):
            part = iris[start : start + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT iri, digest FROM graphs WHERE iri IN ({marks})"  # noqa: S608
            found.update(self.db.execute(query, part).fetchall())
        return found

    def chunk(self, key: bytes) -> ChunkCounts | None:
        row = self.db.execute(
            "SELECT records, loaded, triples, warnings, infos, rejected, quarantined FROM chunks "
            "WHERE key = ?",
            (key,),
        ).fetchone()
        return None if row is None else ChunkCounts(*row)

    def note_graph(self, iri: str, digest: bytes) -> None:
        """Note a graph's new digest (seen by :meth:`digests` at once, kept on :meth:`commit`)."""
        self.db.execute("INSERT OR REPLACE INTO graphs (iri, digest) VALUES (?, ?)", (iri, digest))

    def note_chunk(self, key: bytes, counts: ChunkCounts) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                counts.records,
                counts.loaded,
                counts.triples,
                counts.warnings,
                counts.infos,
                counts.rejected,
                counts.quarantined,
            ),
        )

    def commit(self) -> None:
        """Keep what was noted (call once the noted graphs are in the store)."""
        self.db.commit()

    def forget_chunks(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM chunks")

    def close(self) -> None:
        """Close; anything noted since the last :meth:`commit` is dropped."""
        self.db.rollback()
        self.db.close()

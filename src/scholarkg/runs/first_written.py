"""The time each snapshot chunk is judged by (no record dated after it): the file time the store's
first run to read that chunk's bytes saw.

A snapshot file's modification time is the moment no record in it can be dated after
(:func:`~scholarkg.extract.snapshot.file_written`), but it is the file's, not its bytes': a
file touched or copied between a killed run and its resume, or between two loads, shows
another time for the same bytes. So, as the raw archive keeps an answer's first retrieval, the
store keeps the time each chunk's bytes (their digest, whatever the configuration) were first
read with, and every later run judges those bytes by it: a chunk's verdicts do not change
however often the load is resumed or run again. Kept per chunk, not per file: a file cannot be
told to be the same bytes before it is read whole (a named pipe is read once), and a new
snapshot written over the old one shares its first chunks; judged by the old file's time, its
new records would be quarantined. A chunk's first time is true of its bytes wherever they come
again. SQLite beside the manifest (the loader thread is the manifest's one writer, holding a
segment's transaction open while the store writes), a store made afresh starting with none.
``scholarkg arxiv load-snapshot --json`` judges its chunks by the same table, read only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from scholarkg.config import Config
from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.load.manifest import store_state_dir
from scholarkg.sqlite_in import connect_state, open_state_db

WHAT = "snapshot chunks' first file times"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS first_written (
    bytes BLOB PRIMARY KEY, written TEXT) WITHOUT ROWID;
"""  # written NULL: the file had no time (before arXiv's first paper), nothing judged


def first_written_path(config: Config) -> Path:
    return store_state_dir(config) / "scholarkg-snapshot-times.sqlite"


def chunk_part(line: SnapshotLine) -> bytes:
    """A line's part of its chunk's digests: its bytes, or its problem (a line not read)."""
    _, raw, problem = line
    return raw if problem is None else f"\0{problem}\0".encode()


class FirstWritten:
    """The store's table of each snapshot chunk's first file time (one writer: the run).
    ``keep`` False: read only, nothing kept (a table not there is none)."""

    def __init__(self, path: Path, keep: bool = True) -> None:
        self.keep = keep
        self.db: sqlite3.Connection | None = None
        if keep:
            self.db = open_state_db(path, _SCHEMA, WHAT)
        elif path.exists():
            db = connect_state(path.resolve().as_uri() + "?mode=ro", WHAT, uri=True)
            db.path, self.db = path, db  # the file named in errors, not its URI

    def judge_by(self, digest: bytes, written: dt.datetime | None) -> dt.datetime | None:
        """The time the chunk whose bytes have ``digest`` is judged by: the one kept when they
        were first read, else ``written`` (this run's file time), kept now (before the chunk
        is: a run killed after reading it judges it alike when resumed; not kept read only)."""
        if self.db is None:
            return written
        row = self.db.execute(
            "SELECT written FROM first_written WHERE bytes = ?", (digest,)
        ).fetchone()
        if row is not None:
            return None if row[0] is None else dt.datetime.fromisoformat(str(row[0]))
        if not self.keep:
            return written
        with self.db:
            self.db.execute(
                "INSERT INTO first_written VALUES (?, ?)",
                (digest, None if written is None else written.isoformat()),
            )
        return written

    def judge_chunk(
        self, lines: Sequence[SnapshotLine], written: dt.datetime | None
    ) -> dt.datetime | None:
        """:meth:`judge_by` for the chunk of ``lines`` (its bytes' digest, as a load takes it)."""
        content = hashlib.blake2b(digest_size=16)
        for line in lines:
            content.update(chunk_part(line))
        return self.judge_by(content.digest(), written)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

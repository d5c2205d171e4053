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
``scholarkg arxiv load-snapshot --json`` judges its chunks by the same table, read only, cut as
the store's first load cut them (the chunk sizes kept beside), whatever its ``--batch-size``;
a chunk no load read is judged by the file's time now, and said to be.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

from scholarkg.config import Config
from scholarkg.errors import WriteFailed
from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.extract.snapshot_time import FILE_NOW, FIRST_READ, Dated
from scholarkg.load.manifest import store_state_dir
from scholarkg.sqlite_in import connect_state, open_state_db, state_error

WHAT = "snapshot chunks' first file times"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS first_written (
    bytes BLOB PRIMARY KEY, written TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chunk_sizes (size INTEGER NOT NULL UNIQUE);
"""  # written NULL: the file had no time (before arXiv's first paper), nothing judged; chunk
# sizes: the lines a chunk of each load held, in the order first kept (none in a store of
# before them: the listing cuts chunks by its own --batch-size, as it did)
_CANNOT_OPEN = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN}


def first_written_path(config: Config) -> Path:
    return store_state_dir(config) / "scholarkg-snapshot-times.sqlite"


def chunk_part(line: SnapshotLine) -> bytes:
    """A line's part of its chunk's digests: its bytes, or its problem (a line not read)."""
    _, raw, problem = line
    return raw if problem is None else f"\0{problem}\0".encode()


class FirstWritten:
    """The store's table of each snapshot chunk's first file time (one writer: the run), and
    of the chunk sizes loads cut files by (``chunk_lines``: this run's, kept with its first
    chunk). ``keep`` False: read only, nothing kept (a table not there is none)."""

    def __init__(self, path: Path, keep: bool = True, chunk_lines: int | None = None) -> None:
        self.keep = keep
        self.chunk_lines = chunk_lines
        self.db: sqlite3.Connection | None = None
        if keep:
            self.db = open_state_db(path, _SCHEMA, WHAT)
        elif path.exists():
            self.db = _read_only(path)

    def sizes(self) -> list[int]:
        """The chunk sizes loads kept rows with, the first first (none kept: [])."""
        if self.db is None:
            return []
        try:
            rows = self.db.execute("SELECT size FROM chunk_sizes ORDER BY rowid").fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            return []  # a table of before chunk sizes were kept
        return [int(size) for (size,) in rows]

    def listing_lines(self, given: int) -> int:
        """The lines per chunk a listing cuts the file by: ``given`` if a load cut it so (or
        none is known), else the first load's; before: always ``given``, so a listing of
        another --batch-size than the load found no time kept and judged by the file's now."""
        sizes = self.sizes()
        return given if given in sizes or not sizes else sizes[0]

    def judge_by(self, digest: bytes, written: dt.datetime | None) -> dt.datetime | None:
        """The time the chunk whose bytes have ``digest`` is judged by: the one kept when they
        were first read, else ``written`` (this run's file time), kept now (before the chunk
        is: a run killed after reading it judges it alike when resumed; not kept read only)."""
        return self.dated(digest, written).time

    def dated(self, digest: bytes, written: dt.datetime | None) -> Dated:
        """:meth:`judge_by` with whether the time is the one kept or ``written``."""
        if self.db is None:
            return Dated(written, FILE_NOW)
        row = self.db.execute(
            "SELECT written FROM first_written WHERE bytes = ?", (digest,)
        ).fetchone()
        if not self.keep:
            if row is None:
                return Dated(written, FILE_NOW)
            return _kept(row[0])
        with self.db:
            if self.chunk_lines is not None:  # once a run: the chunks are cut so
                self.db.execute("INSERT OR IGNORE INTO chunk_sizes VALUES (?)", (self.chunk_lines,))
                self.chunk_lines = None
            if row is not None:
                return _kept(row[0])
            self.db.execute(
                "INSERT INTO first_written VALUES (?, ?)",
                (digest, None if written is None else written.isoformat()),
            )
        return Dated(written, FILE_NOW)

    def judge_chunk(self, lines: Sequence[SnapshotLine], written: dt.datetime | None) -> Dated:
        """:meth:`dated` for the chunk of ``lines`` (its bytes' digest, as a load takes it)."""
        content = hashlib.blake2b(digest_size=16)
        for line in lines:
            content.update(chunk_part(line))
        return self.dated(content.digest(), written)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def _kept(written: object) -> Dated:
    """A kept row's time (NULL: the file had none)."""
    return Dated(None if written is None else dt.datetime.fromisoformat(str(written)), FIRST_READ)


def _read_only(path: Path) -> sqlite3.Connection:
    """The table at ``path`` opened read only, the directory left as it was. With no log beside
    (no writer has it open) where the table can be written, a connection that may write but
    does not (``query_only``): as the last to close, SQLite removes the log and its index it
    made (before: ``mode=ro`` left an empty ``-wal`` and ``-shm`` beside, a listing changing
    the store's files). A log with no index beside (a writer killed, the index removed) is
    read from a private copy (:func:`_copied`). A directory that cannot be written (a
    read-only copy or mount) refuses SQLite the index of the write-ahead log it makes on a
    first read: with no log beside, nothing is there but the file, read as it stands; with one
    whose index is there but cannot be read, one line saying so (before: a traceback, "attempt to
    write a readonly database")."""
    uri = path.resolve().as_uri()
    log, index = (path.with_name(path.name + end) for end in ("-wal", "-shm"))
    if log.exists() and not index.exists():
        copied = _copied(path, log, index)
        if copied is not None:
            return copied
    if not log.exists() and all(os.access(p, os.W_OK) for p in (path, path.parent)):
        db = connect_state(uri + "?mode=rw", WHAT, uri=True)
        db.path = path
        db.execute("PRAGMA query_only = ON")
        return db
    db = connect_state(uri + "?mode=ro", WHAT, uri=True)
    db.path = path  # the file named in errors, not its URI
    try:
        db.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        return db
    except sqlite3.OperationalError as exc:
        db.close()
        if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in _CANNOT_OPEN:
            raise
        if log.exists() and log.stat().st_size:
            raise WriteFailed(
                path,
                f"{exc}: its directory cannot be written and a write-ahead log ({log.name}) "
                f"is beside it, which SQLite reads only through its index ({index.name}), "
                "there but not readable; list from a copy that can be written",
                what=WHAT,
                verb="read",
            ) from None
    db = connect_state(uri + "?mode=ro&immutable=1", WHAT, uri=True)
    db.path = path
    return db


def _copied(path: Path, log: Path, index: Path) -> sqlite3.Connection | None:
    """The table at ``path`` with its write-ahead ``log`` (committed rows a killed writer left)
    read from a private copy into memory, when no ``index`` of the log is beside them: SQLite
    reads a log only through an index, which ``mode=ro`` makes beside and leaves there, and a
    connection that may write, the last to close, folds the log into the table and removes
    both (before: a ``-shm`` left in the store's directory). No index means no writer has the
    table open (a writer's is there while it has); one there after the copy (a writer came
    meanwhile), or the files changed while copied: ``None``, the copy perhaps of two moments.
    A small copy: a row a chunk, and the log a load's last uncheckpointed pages."""
    seen = [_stat(p) for p in (path, log)]
    try:
        made = tempfile.TemporaryDirectory(prefix="scholarkg-read-")
    except OSError as exc:
        why = f"no private copy of its write-ahead log ({log.name}) can be made: {exc}"
        raise WriteFailed(path, why, what=WHAT, verb="read") from exc
    with made as place:
        copy = Path(place) / path.name
        try:
            shutil.copyfile(path, copy)
            shutil.copyfile(log, copy.with_name(copy.name + "-wal"))
        except FileNotFoundError:
            return None  # a writer came and closed, removing its log
        except OSError as exc:
            raise WriteFailed(path, str(exc), what=WHAT, verb="read") from exc
        if index.exists() or [_stat(p) for p in (path, log)] != seen:
            return None
        held = connect_state(copy, WHAT)
        held.path = path  # the file named in errors, not the copy
        db = connect_state(":memory:", WHAT)
        try:
            held.backup(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            failed = state_error(path, WHAT, exc)
            if failed is None:
                raise
            raise failed from exc
        finally:
            held.close()
    db.path = path
    db.execute("PRAGMA query_only = ON")
    return db


def _stat(path: Path) -> tuple[int, int, int] | None:
    """What tells ``path`` changed: its inode, size and modification time (None: not there)."""
    try:
        got = path.stat()
    except FileNotFoundError:
        return None
    return got.st_ino, got.st_size, got.st_mtime_ns

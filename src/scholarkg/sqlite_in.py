"""SQLite helpers: a state database opened the one way, and statements over many values at
once (``… IN (?, ?, …)``) in batches SQLite accepts.

Every SQLite table of scholarkg (manifest, contents, identity registry, title index, deletions,
first lines) reads and writes many keys at a time; one statement per key costs more than the
work, and one statement for all of them can pass SQLite's limit on parameters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from scholarkg.errors import ScholarKGError, StateInUse, StateUnreadable, WriteFailed
from scholarkg.files import refused_write

BATCH = 500  # values per statement (well under SQLite's 32 766 parameters)
IN = "IN (?)"
T = TypeVar("T")


class StateConnection(sqlite3.Connection):
    """A connection to one of scholarkg's SQLite files: a write the file system refuses
    (disk full, …) is a :class:`WriteFailed` naming the file and what it holds, not SQLite's
    bare "disk I/O error"; a file that is no SQLite database, or a damaged one, is a
    :class:`StateUnreadable` naming it, not SQLite's bare "file is not a database"; a file
    another process held locked past the wait, at any statement, is a :class:`StateInUse`
    naming it, not SQLite's bare "database is locked"."""

    path: Path
    what: str
    by_uri: bool  # opened by a URI (``mode=ro``…)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:  # no context manager: this is on every statement, and costs nothing unless raised
            return super().execute(sql, parameters)
        except sqlite3.DatabaseError as exc:
            self._refused(exc)
            raise

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.DatabaseError as exc:
            self._refused(exc)
            raise

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(script)
        except sqlite3.DatabaseError as exc:
            self._refused(exc)
            raise

    def commit(self) -> None:
        try:
            super().commit()
        except sqlite3.DatabaseError as exc:
            self._refused(exc)
            raise

    def __exit__(self, *exc: Any) -> Any:
        try:
            return super().__exit__(*exc)
        except sqlite3.DatabaseError as error:
            self._refused(error)
            raise

    def _refused(self, exc: sqlite3.DatabaseError) -> None:
        """Raise ``exc`` as an error naming the file if the file system failed it or the file
        holds no database SQLite can read."""
        read_only = (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_READONLY
        if read_only and self.by_uri:  # opened so on purpose (mode=ro): the caller's to handle
            return
        failed = state_error(self.path, self.what, exc)
        if failed is not None:
            raise failed from exc


# SQLite's extended codes of a failed read, and of a refused write (the rest of its I/O
# errors — a lock, a stat, a close that failed — are neither: the file "cannot be used")
_READS = {sqlite3.SQLITE_IOERR_READ, sqlite3.SQLITE_IOERR_SHORT_READ}
_WRITES = {
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_IOERR_WRITE,
    sqlite3.SQLITE_IOERR_FSYNC,
    sqlite3.SQLITE_IOERR_DIR_FSYNC,
    sqlite3.SQLITE_IOERR_TRUNCATE,
    sqlite3.SQLITE_IOERR_SHMSIZE,
}


# SQLite's primary codes of a file that is no database, or a damaged one
_UNREADABLE = {sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT}
# SQLite's primary codes of a file another connection holds locked (past the busy wait)
_HELD = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def state_error(path: Path, what: str, exc: sqlite3.Error) -> ScholarKGError | None:
    """``exc`` from the SQLite file ``path`` (holding ``what``) as one line saying which file
    could not be read, written or used, if the file system failed it (full disk, I/O error),
    it may not be written (read-only), the file is no database SQLite can read, or another
    process holds it locked; ``None`` for any other error."""
    primary = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if primary in _UNREADABLE:
        return StateUnreadable(path, what, f"{exc} (no SQLite database, or a damaged one)")
    if primary in _HELD:
        return StateInUse(path, what, str(exc))
    if primary == sqlite3.SQLITE_READONLY:  # a file it may not write (immutable, read-only)
        return WriteFailed(path, str(exc), what=what)
    if not refused_write(exc):
        return None
    code = getattr(exc, "sqlite_errorcode", 0)
    verb = "read" if code in _READS else "write" if code in _WRITES else "use"
    return WriteFailed(path, str(exc), what=what, verb=verb)


def connect_state(path: Path | str, what: str, **options: Any) -> StateConnection:
    """``sqlite3.connect(path, **options)`` as a :class:`StateConnection` holding ``what``. A
    file path SQLite cannot open (a directory there) is a :class:`StateUnreadable` naming it
    (before: sqlite3's bare "unable to open database file"); a URI's refusal is as it was."""
    try:
        db = sqlite3.connect(path, factory=StateConnection, **options)
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code != sqlite3.SQLITE_CANTOPEN or options.get("uri"):
            raise
        raise StateUnreadable(path, what, f"{exc} (a directory there, say)") from exc
    assert isinstance(db, StateConnection)
    db.path, db.what, db.by_uri = Path(path), what, bool(options.get("uri"))
    return db


def open_state_db(path: Path, schema: str, what: str) -> sqlite3.Connection:
    """A state database beside the store (made with its directory if new): write-ahead log,
    ``schema`` applied (``CREATE … IF NOT EXISTS``), waits up to 30 s for another writer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connect_state(path, what, timeout=30.0)
    db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
    db.executescript(schema)
    db.commit()
    return db


def batches(values: Sequence[T], size: int = BATCH) -> Iterator[list[T]]:
    """``values`` ``size`` at a time, in order."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def _expanded(sql: str, count: int) -> str:
    if sql.count(IN) != 1:
        raise ValueError(f"expected one {IN!r} in: {sql}")
    return sql.replace(IN, f"IN ({','.join('?' * count)})")


def select_in(db: sqlite3.Connection, sql: str, values: Sequence[Any]) -> Iterator[Any]:
    """The rows of ``sql`` — a statement with one ``IN (?)`` — for all ``values``, read
    :data:`BATCH` values a statement (rows of one batch come before the next batch's)."""
    for part in batches(values):
        yield from db.execute(_expanded(sql, len(part)), part)


def grouped_in(db: sqlite3.Connection, sql: str, keys: Sequence[str]) -> dict[str, set[str]]:
    """``sql`` selects (key, value) pairs with one ``IN (?)`` over ``keys``: the values of each
    key, keys with none left out."""
    found: dict[str, set[str]] = {}
    for key, value in select_in(db, sql, keys):
        found.setdefault(str(key), set()).add(str(value))
    return found


def execute_in(db: sqlite3.Connection, sql: str, values: Sequence[Any]) -> int:
    """Run ``sql`` (an update or delete with one ``IN (?)``) for all ``values``; returns the
    rows it changed."""
    changed = 0
    for part in batches(values):
        changed += db.execute(_expanded(sql, len(part)), part).rowcount
    return changed

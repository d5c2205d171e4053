"""Where the quarantine finds an entry an earlier run keeps: an index on disk, not in memory.

``.<kind>-index.sqlite`` (beside ``<kind>/``) maps each entry's hash
(:func:`~.quarantine_lines.digest`) in the files ``<kind>/<run>/<name>`` to the run whose file
holds its line (the run's own, or the run a reference line names). Runs' files are only appended
to, or replaced whole (a prune): each is indexed from where the last look stopped while it is
the same file (its inode) no shorter, from its start when it is another or shorter, and its rows
go when its run's folder does. A second look, by the next run, reads only what was added since
(100 000 entries kept before: 0.04-0.1 CPU s against 0.5 s each run before; the first look,
which writes the index, 1.4-1.9 s; the index ~16 bytes an entry). So a run that meets a few bad
lines beside 100 000 kept before holds no table of them (before: ~100 bytes each, and a copy
per process). The index is a cache: one that cannot be used (a read-only folder, say) is left
aside and the files are read line by line for the hashes looked for; one torn is made again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from scholarkg.quarantine_lines import digest, reference, run_files


def index_path(folder: Path) -> Path:
    """``<quarantine>/.<kind>-index.sqlite``, beside the kind's folder (which holds runs only)."""
    return folder.parent / f".{folder.name}-index.sqlite"


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS files (id INTEGER PRIMARY KEY, name TEXT, run TEXT,"
    " inode INTEGER, size INTEGER, UNIQUE (name, run))",
    # home: the run a reference line names (NULL: the file's own run holds the line)
    "CREATE TABLE IF NOT EXISTS entries (sha INTEGER, file INTEGER, home TEXT,"
    " PRIMARY KEY (sha, file)) WITHOUT ROWID",
)


def kept_in(folder: Path, run: str, name: str, shas: Iterable[str]) -> dict[str, str]:
    """Of ``shas``, those the other runs' files ``name`` under ``folder`` keep → the run whose
    file holds the line (the first such run, in run order)."""
    wanted = set(shas)
    others = [(r, p) for r, p in run_files(folder, name) if r != run]
    if not wanted or not others:
        return {}
    try:
        with contextlib.closing(sqlite3.connect(index_path(folder), timeout=30)) as db:
            db.execute("PRAGMA synchronous = OFF")  # a cache: made again if it is lost
            return _indexed(db, folder, run, name, others, wanted)
    except sqlite3.OperationalError:  # no index here (a read-only folder): the files, read
        return _scanned(folder, name, others, wanted)
    except sqlite3.DatabaseError:  # not a database any more (torn by a crash): made again
        with contextlib.suppress(OSError):
            index_path(folder).unlink()
        return _scanned(folder, name, others, wanted)


def _indexed(
    db: sqlite3.Connection,
    folder: Path,
    run: str,
    name: str,
    others: list[tuple[str, Path]],
    wanted: set[str],
) -> dict[str, str]:
    for statement in _SCHEMA:
        db.execute(statement)
    with db:
        _refresh(db, name, others)
    found: dict[str, str] = {}
    for sha in sorted(wanted):
        rows = db.execute(
            "SELECT COALESCE(e.home, f.run) FROM entries e JOIN files f ON f.id = e.file"
            " WHERE e.sha = ? AND f.name = ? AND f.run != ? ORDER BY f.run",
            (_number(sha), name, run),
        )
        for (home,) in rows:
            if (folder / str(home) / name).is_file():
                found[sha] = str(home)
                break
    return found


def _number(sha: str) -> int:
    """An entry's hash (16 hex digits) as SQLite's signed 64-bit integer."""
    return int(sha, 16) - (1 << 63)


def _refresh(db: sqlite3.Connection, name: str, others: list[tuple[str, Path]]) -> None:
    """Bring the index of the files ``name`` of ``others`` up to what they hold now."""
    present = {r for r, _ in others}
    known = {
        str(r): (int(file), int(inode), int(size))
        for file, r, inode, size in db.execute(
            "SELECT id, run, inode, size FROM files WHERE name = ?", (name,)
        )
    }
    for gone in set(known) - present:  # its folder was pruned
        _forget(db, known.pop(gone)[0])
    for other, path in others:
        try:
            st = path.stat()
        except OSError:
            continue
        file, inode, size = known.get(other, (None, -1, -1))
        if file is not None and (inode != st.st_ino or st.st_size < size):  # replaced, cut
            _forget(db, file)
            file = None
        if file is None:
            added = db.execute(
                "INSERT INTO files (name, run, inode, size) VALUES (?, ?, ?, 0)",
                (name, other, st.st_ino),
            )
            file = int(added.lastrowid or 0)
            size = 0
        if st.st_size == size:
            continue
        end = size
        rows: list[tuple[int, int, str | None]] = []
        for start, line in _lines_from(path, size):
            end = start
            sha, home = _row(line, other)
            rows.append((_number(sha), file, None if home == other else home))
            if len(rows) >= 5000:
                _insert(db, rows)
        _insert(db, rows)
        db.execute("UPDATE files SET size = ? WHERE id = ?", (end, file))


def _row(line: bytes, run: str) -> tuple[str, str]:
    """(hash, home) of a line of run ``run``'s file."""
    ref = reference(line)
    return (digest(line), run) if ref is None else (str(ref["sha"]), str(ref["kept_in"]))


def _insert(db: sqlite3.Connection, rows: list[tuple[int, int, str | None]]) -> None:
    """Rows (sha, file, home) in; ``rows`` emptied."""
    db.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?)", rows)
    rows.clear()


def _forget(db: sqlite3.Connection, file: int) -> None:
    db.execute("DELETE FROM entries WHERE file = ?", (file,))
    db.execute("DELETE FROM files WHERE id = ?", (file,))


def _lines_from(path: Path, offset: int) -> Iterator[tuple[int, bytes]]:
    """(where the next line begins, line) of each whole line of ``path`` from ``offset``; a
    last line with no line end (a write cut short, or going on) is left for the next look."""
    with path.open("rb") as handle:
        handle.seek(offset)
        for raw in handle:
            if not raw.endswith(b"\n"):
                return
            offset += len(raw)
            line = raw.rstrip(b"\r\n")
            if line.strip():
                yield offset, line


def _scanned(
    folder: Path, name: str, others: list[tuple[str, Path]], wanted: set[str]
) -> dict[str, str]:
    found: dict[str, str] = {}
    for other, path in others:
        with contextlib.suppress(OSError):
            for _, line in _lines_from(path, 0):
                sha, home = _row(line, other)
                if sha in wanted and sha not in found and (folder / home / name).is_file():
                    found[sha] = home
    return found

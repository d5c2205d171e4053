"""The wide keys of the co-author pair index by person: a key past :data:`SCANNED` rows (a
profile's thousands of papers beside one co-author) has its rows copied to ``coauthor_held``
with their authorship's person (kept by triggers whatever writes ``mentions``; the pair index's
writers, :class:`~.evidence.EvidenceTables`, copy and drop a paper's rows of wide keys), so that
a look-up walks its persons, not its papers. Other keys, almost all, are scanned as before."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from scholarkg.sqlite_in import execute_in

SCANNED = 64
"""A key of at most this many rows is read in one scan; one of more, a person at a time."""

_TABLES = """
CREATE TABLE IF NOT EXISTS coauthor_wide (pair INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS coauthor_held (
    pair INTEGER NOT NULL, person INTEGER, co_name TEXT NOT NULL, paper TEXT NOT NULL,
    node TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS coauthor_held_key ON coauthor_held (pair, person, co_name, paper);
CREATE INDEX IF NOT EXISTS coauthor_held_node ON coauthor_held (node);
CREATE INDEX IF NOT EXISTS coauthor_held_paper ON coauthor_held (paper);
"""
# made with the first wide key: a registry without one pays no trigger on its writes
_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS mentions_held_added AFTER INSERT ON mentions BEGIN
    UPDATE coauthor_held SET person = NEW.person
    WHERE node = NEW.node AND person IS NOT NEW.person; END;""",
    """CREATE TRIGGER IF NOT EXISTS mentions_held_moved AFTER UPDATE OF person ON mentions BEGIN
    UPDATE coauthor_held SET person = NEW.person
    WHERE node = NEW.node AND person IS NOT NEW.person; END;""",
    """CREATE TRIGGER IF NOT EXISTS mentions_held_dropped AFTER DELETE ON mentions BEGIN
    UPDATE coauthor_held SET person = NULL WHERE node = OLD.node; END;""",
]


def hold_wide_keys(db: sqlite3.Connection) -> None:
    """The tables (a registry written before them has no wide key yet: each is made wide by
    the first look-up that finds it so, :func:`widen`, which makes the triggers)."""
    db.executescript(_TABLES)


def any_wide(db: sqlite3.Connection) -> bool:
    """Whether the registry has a wide key (else look-ups need not ask which keys are)."""
    return db.execute("SELECT 1 FROM coauthor_wide LIMIT 1").fetchone() is not None


def drop_papers(db: sqlite3.Connection, papers: Sequence[str]) -> None:
    """Before the pair rows of ``papers`` are deleted: their copies under wide keys."""
    if papers and db.execute("SELECT 1 FROM coauthor_held LIMIT 1").fetchone():
        execute_in(db, "DELETE FROM coauthor_held WHERE paper IN (?)", papers)


def copy_papers(db: sqlite3.Connection, papers: Sequence[str]) -> None:
    """After the pair rows of ``papers`` are written: copy those under wide keys."""
    if papers and db.execute("SELECT 1 FROM coauthor_wide LIMIT 1").fetchone():
        execute_in(
            db,
            "INSERT INTO coauthor_held SELECT c.pair, m.person, c.co_name, c.paper, c.node"
            " FROM coauthor_pairs c JOIN coauthor_wide w ON w.pair = c.pair"
            " LEFT JOIN mentions m ON m.node = c.node WHERE c.paper IN (?)",
            papers,
        )


def wide_of(db: sqlite3.Connection, keys: Sequence[int]) -> set[int]:
    """Which of ``keys`` are wide (one statement)."""
    if not keys:
        return set()
    marks = ",".join("?" * len(keys))
    query = f"SELECT pair FROM coauthor_wide WHERE pair IN ({marks})"  # noqa: S608
    rows = db.execute(query, [*keys])
    return {int(k) for (k,) in rows}


def widen(db: sqlite3.Connection, key: int) -> None:
    """Make pair ``key`` wide, once a look-up scanned more than :data:`SCANNED` of its rows:
    its rows are copied with their persons (keys only grow wide)."""
    for trigger in _TRIGGERS:  # execute, not executescript: that would commit
        db.execute(trigger)
    if not db.execute("INSERT OR IGNORE INTO coauthor_wide VALUES (?)", (key,)).rowcount:
        return  # made wide already (by another registry object on the file)
    db.execute(
        "INSERT INTO coauthor_held SELECT c.pair, m.person, c.co_name, c.paper, c.node"
        " FROM coauthor_pairs c LEFT JOIN mentions m ON m.node = c.node WHERE c.pair = ?",
        (key,),
    )


def persons_at(db: sqlite3.Connection, key: int) -> list[int]:
    """The persons holding a row of wide ``key``, in id order: one index seek a person (a
    skip scan), however many rows each holds."""
    found: list[int] = []
    row = db.execute(
        "SELECT MIN(person) FROM coauthor_held WHERE pair = ? AND person IS NOT NULL", (key,)
    ).fetchone()
    while row is not None and row[0] is not None:
        found.append(int(row[0]))
        row = db.execute(
            "SELECT person FROM coauthor_held WHERE pair = ? AND person > ?"
            " ORDER BY person LIMIT 1",
            (key, found[-1]),
        ).fetchone()
    return found


def first_papers(
    db: sqlite3.Connection, key: int, person: int, paper: str
) -> list[tuple[str, str]]:
    """(co-author name, first paper but ``paper``) of each name ``person`` is beside under
    wide ``key``: a few seeks a name, however many papers."""
    out: list[tuple[str, str]] = []
    row = db.execute(
        "SELECT MIN(co_name) FROM coauthor_held WHERE pair = ? AND person = ?", (key, person)
    ).fetchone()
    while row is not None and row[0] is not None:
        name = str(row[0])
        first = db.execute(
            "SELECT paper FROM coauthor_held WHERE pair = ? AND person = ? AND co_name = ?"
            " AND paper != ? ORDER BY paper LIMIT 1",
            (key, person, name, paper),
        ).fetchone()
        if first is not None:
            out.append((name, str(first[0])))
        row = db.execute(
            "SELECT co_name FROM coauthor_held WHERE pair = ? AND person = ? AND co_name > ?"
            " ORDER BY co_name LIMIT 1",
            (key, person, name),
        ).fetchone()
    return out


def holds_open(db: sqlite3.Connection, key: int, person: int, paper: str) -> bool:
    """Whether ``person`` holds a row of wide ``key`` on a paper but ``paper`` whose
    authorship co-authors or no evidence decided, unpinned (stops at the first)."""
    row = db.execute(
        "SELECT 1 FROM coauthor_held c JOIN mentions m ON m.node = c.node"
        " WHERE c.pair = ? AND c.person = ? AND c.paper != ?"
        " AND m.rule IN ('shared-coauthor', 'first-seen') AND m.pinned = 0 LIMIT 1",
        (key, person, paper),
    ).fetchone()
    return row is not None

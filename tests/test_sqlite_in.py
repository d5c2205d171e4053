"""``select_in`` / ``execute_in``: many keys in a few statements, every key read once, and no
statement past SQLite's parameter limit (a real in-memory SQLite database)."""

from __future__ import annotations

import sqlite3

import pytest

from scholarkg.sqlite_in import BATCH, batches, execute_in, select_in


@pytest.fixture
def db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?)", ((k, f"v{k}") for k in range(5000)))
    return db


def test_batches_keep_order_and_size() -> None:
    parts = list(batches(list(range(2 * BATCH + 1))))
    assert [len(p) for p in parts] == [BATCH, BATCH, 1]
    assert [v for p in parts for v in p] == list(range(2 * BATCH + 1))
    assert list(batches([])) == []


def test_select_in_reads_every_key_in_batches(db: sqlite3.Connection) -> None:
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    keys = list(range(0, 4000, 2))  # 2 000 keys, more than any one statement may bind
    rows = dict(select_in(db, "SELECT k, v FROM t WHERE k IN (?)", [*keys, 99_999]))
    assert rows == {k: f"v{k}" for k in keys}
    assert len(statements) == 5  # 2 001 keys, BATCH a statement
    assert list(select_in(db, "SELECT k FROM t WHERE k IN (?)", [])) == []


def test_execute_in_counts_the_rows_changed(db: sqlite3.Connection) -> None:
    assert execute_in(db, "DELETE FROM t WHERE k IN (?)", list(range(1200))) == 1200
    assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (3800,)


@pytest.mark.parametrize("sql", ["SELECT k FROM t", "SELECT k FROM t WHERE k IN (?) OR v IN (?)"])
def test_a_statement_needs_exactly_one_in_list(db: sqlite3.Connection, sql: str) -> None:
    with pytest.raises(ValueError, match="expected one"):
        list(select_in(db, sql, [1]))

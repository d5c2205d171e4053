"""``select_in`` / ``execute_in``: many keys in a few statements, every key read once, and no
statement past SQLite's parameter limit (a real in-memory SQLite database)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from scholarkg.sqlite_in import BATCH, batches, execute_in, select_in, state_error


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


def refused(code: int) -> sqlite3.OperationalError:
    """SQLite's error for an I/O failure with extended result ``code``, as its module raises
    it (a read error cannot be caused here: no failing disk)."""
    exc = sqlite3.OperationalError("disk I/O error")
    exc.sqlite_errorcode = code
    return exc


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (sqlite3.SQLITE_IOERR_WRITE, "cannot write"),
        (sqlite3.SQLITE_FULL, "cannot write"),
        (sqlite3.SQLITE_IOERR_FSYNC, "cannot write"),
        (sqlite3.SQLITE_IOERR_READ, "cannot read"),
        (sqlite3.SQLITE_IOERR_SHORT_READ, "cannot read"),
        (sqlite3.SQLITE_IOERR_FSTAT, "cannot use"),
        (sqlite3.SQLITE_IOERR_LOCK, "cannot use"),
    ],
)
def test_a_state_file_the_file_system_failed_says_how(code: int, said: str) -> None:
    path = Path("/data/store/identity.sqlite")
    failed = state_error(path, "identity registry", refused(code))
    assert failed is not None and failed.path == path
    assert str(failed) == f"{path}: {said} the identity registry: disk I/O error"


def test_other_sqlite_errors_are_no_state_file_failure() -> None:
    error = sqlite3.OperationalError("no such table: t")
    assert state_error(Path("x.sqlite"), "manifest", error) is None


REFUSED = """
import resource, signal, sys
from pathlib import Path
from scholarkg.errors import WriteFailed
from scholarkg.sqlite_in import open_state_db

db = open_state_db(Path(sys.argv[1]), "CREATE TABLE IF NOT EXISTS t (v TEXT);", "title index")
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))  # a file past 64 KiB: refused
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
try:
    for _ in range(100):
        db.execute("INSERT INTO t VALUES (?)", ("x" * 4000,))
        db.commit()
except WriteFailed as exc:
    print(exc)
"""


def test_a_state_write_the_file_system_refuses_says_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "titles.sqlite"
    done = subprocess.run(
        [sys.executable, "-c", REFUSED, str(path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{path}: cannot write the title index: disk I/O error\n"

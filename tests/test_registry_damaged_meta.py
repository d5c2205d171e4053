"""CONSTRUCTED: an identity registry whose ``meta`` table was damaged by hand (a version row
gone or holding no number): opening it is one line naming the file and the row, the file left
as it was (before: sqlite3's 'UNIQUE constraint failed: meta.key' or Python's 'invalid literal
for int()' out of the run, a traceback naming no file). A sound registry still opens."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from scholarkg.errors import StateUnreadable
from scholarkg.identity.registry import Registry


def _made(path: Path, damage: str, values: tuple[str, ...] = ()) -> bytes:
    """A new registry at ``path`` damaged by the statement ``damage``; its bytes after."""
    Registry(path).close()
    with closing(sqlite3.connect(path)) as db:
        db.execute(damage, values)
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


@pytest.mark.parametrize(
    ("damage", "values", "said"),
    [
        ("DELETE FROM meta WHERE key = 'schema'", (), "meta holds no 'schema' (its layout)"),
        ("UPDATE meta SET value = ? WHERE key = 'names'", ("zz",), "meta 'names' is 'zz'"),
        ("UPDATE meta SET value = ? WHERE key = 'pairs'", ("7b",), "meta 'pairs' is '7b'"),
        (
            "UPDATE meta SET value = ? WHERE key = 'slugs_settled_below'",
            ("",),
            "meta 'slugs_settled_below' is ''",
        ),
        ("INSERT INTO meta VALUES ('review', ?)", ("x",), "meta 'review' is 'x'"),
    ],
)
def test_a_damaged_meta_row_is_one_line_naming_the_registry(
    tmp_path: Path, damage: str, values: tuple[str, ...], said: str
) -> None:
    path = tmp_path / "identity.sqlite"
    before = _made(path, damage, values)
    with pytest.raises(StateUnreadable) as caught:
        Registry(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: cannot read the identity registry: {said}"), message
    assert path.read_bytes() == before


def test_a_sound_registry_opens_again(tmp_path: Path) -> None:
    path = tmp_path / "identity.sqlite"
    _made(path, "UPDATE meta SET value = value WHERE key = 'names'")
    Registry(path).close()


def test_a_directory_where_the_registry_belongs_is_one_line_naming_it(tmp_path: Path) -> None:
    """CONSTRUCTED: a directory at the registry's path (made by hand, or a botched restore):
    one line naming it, the directory left (before: sqlite3's bare 'unable to open database
    file' out of the run, a traceback naming no file)."""
    path = tmp_path / "identity.sqlite"
    path.mkdir()
    with pytest.raises(StateUnreadable) as caught:
        Registry(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: cannot read the identity registry: unable to open")
    assert path.is_dir() and not any(path.iterdir())

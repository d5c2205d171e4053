"""What the identity registry of a run's directory decided, to compare two runs: its tables
of persons and authorships and its notes but the store's id (:func:`decisions`). Shared by
test_snapshot_killed_identity.py, test_stop_configured.py and test_stop_restatement.py."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

TABLES = ("persons", "mentions", "mention_names", "paper_authors")


def decisions(directory: Path) -> dict[str, list[tuple[object, ...]]]:
    """The registry's tables of persons and authorships, and its notes but the store's id."""
    path = directory / "store" / "identity.sqlite"
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        found = {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
        found["meta"] = db.execute("SELECT * FROM meta WHERE key != 'store' ORDER BY 1").fetchall()
    return found

"""The latest arXiv version of each record a store holds, so no door rolls a paper back.

A run that reads an older copy of a record than the store already holds — a month-old snapshot
after daily harvests, an API or OAI-PMH answer replayed late — would replace the newer graph
with it. Each store remembers the latest version number it loaded of every record (SQLite,
beside its manifest and deletions: a store made afresh starts without any); a copy whose latest
version is lower is held back (read, not loaded, counted and noted), a copy of the same or a
newer version loads as before. Records whose source gives no version numbers (OAI-PMH
``oai_dc``) are never held back and leave nothing here.

Versions are kept when the chunk's graphs go to the loader: a run stopped before they are
written errs on the side of holding back, never of rolling back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from scholarkg.config import Config
from scholarkg.load.manifest import store_state_dir
from scholarkg.sqlite_in import open_state_db, select_in

WHAT = "record versions"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    arxiv_id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
"""


def versions_path(config: Config) -> Path:
    return store_state_dir(config) / "scholarkg-versions.sqlite"


class StoreVersions:
    """The latest version loaded of each record of one store (one writer at a time)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = open_state_db(self.path, _SCHEMA, WHAT)

    def close(self) -> None:
        self.db.close()

    def of(self, ids: Sequence[str]) -> dict[str, int]:
        """The latest version the store holds of those of ``ids`` it holds a version of."""
        query = "SELECT arxiv_id, version FROM versions WHERE arxiv_id IN (?)"
        return {str(i): int(v) for i, v in select_in(self.db, query, ids)}

    def keep(self, loaded: Iterable[tuple[str, int]]) -> None:
        """Remember these ``(arXiv id, latest version)`` as loaded; a higher one kept stays."""
        with self.db:
            self.db.executemany(
                "INSERT INTO versions VALUES (?, ?) ON CONFLICT (arxiv_id)"
                " DO UPDATE SET version = MAX(version, excluded.version)",
                list(loaded),
            )

    def older(self, latest: Mapping[str, int | None]) -> dict[str, tuple[int, int]]:
        """Of records ``{arXiv id: latest version read}``, those older than the store's:
        ``{arXiv id: (version read, version held)}``."""
        numbered = {i: v for i, v in latest.items() if v is not None}
        held = self.of(list(numbered)) if numbered else {}
        return {i: (numbered[i], v) for i, v in held.items() if numbered[i] < v}


def held_back_note(count: int, shown: str) -> str:
    """The report's note on ``count`` records held back (``shown``: some of them, as
    ``id (vN < vM)``)."""
    return (
        f"{count} records held back: older than the store's (the store keeps the newer "
        f"version it holds): {shown}"
    )


def describe(held: Mapping[str, tuple[int, int]]) -> Iterable[str]:
    return (f"{i} (v{read} < v{kept})" for i, (read, kept) in held.items())

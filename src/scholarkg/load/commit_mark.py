"""What the last commit of a run held, noted in the manifest with it.

Each commit of the bulk loader (of a segment) and of the transactional one (of a chunk or a
profile's graphs) notes, in the same SQLite transaction as its manifest rows, the run, the
source records (a build: the listed papers) it loaded so far, those of chunks it skipped as
loaded before included, the records it had read by then (the run's count as it handed the
loader the last chunk committed), and the sizes of its change set files, whose lines for what
it commits are written and made durable before (:meth:`ChangeSet.sync`). One note per store,
the last commit's: the next run reads it before it loads anything, so a run killed part-way is
known by what it committed (its records read and loaded, and its change set cut to what was
committed: :func:`~scholarkg.load.changes.cut_to`), not by what it had begun.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from scholarkg.load.manifest import Manifest

KEY = "last_commit"


@dataclass(frozen=True)
class CommitMark:
    """The last commit of run ``run``: its records loaded (a build's: ``papers``, the listed
    papers of its profiles loaded), its change set files' sizes, the graphs it dropped
    (``removed``; None: a mark of a version that did not note them), its records read by the
    last chunk committed (``read``; None: a mark of a version that did not note them)."""

    run: str
    records: int
    changes: dict[str, int]
    papers: int = 0
    removed: int | None = None
    read: int | None = None


def note_commit(manifest: Manifest, mark: CommitMark) -> None:
    """Note ``mark`` (kept with the manifest's next commit, or dropped with it)."""
    value = json.dumps(
        {
            "run": mark.run,
            "records": mark.records,
            "changes": mark.changes,
            "papers": mark.papers,
            "removed": mark.removed,
            "read": mark.read,
        }
    )
    manifest.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (KEY, value))


def last_commit(manifest: Manifest, run: str) -> CommitMark | None:
    """The mark of the last commit if ``run`` made it (None: it loaded nothing in bulk, or
    another run committed since)."""
    row = manifest.db.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
    try:
        data = json.loads(str(row[0])) if row is not None else None
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("run") != run:
        return None
    changes = data.get("changes")
    changes = changes if isinstance(changes, dict) else {}
    sizes = {str(k): int(v) for k, v in changes.items() if isinstance(v, int)}
    removed, read = data.get("removed"), data.get("read")
    return CommitMark(
        run,
        int(data.get("records") or 0),
        sizes,
        int(data.get("papers") or 0),
        removed if isinstance(removed, int) else None,
        read if isinstance(read, int) and not isinstance(read, bool) else None,
    )

"""Graphs a publication found gone from the store (removed outside scholarkg, e.g. a SPARQL
Update through ``serve --allow-updates``): the manifest no longer records them, so their
persons are due again in the identity registry now or never (nothing else writes a person's
graph again)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from urllib.parse import unquote

from scholarkg.errors import ExportError, StateInUse
from scholarkg.identity.registry import Registry
from scholarkg.iris import Minter
from scholarkg.runs.identity_opening import registry_at


def persons_due_again(registry: Registry, minter: Minter, graphs: Sequence[str]) -> str:
    """Mark the live persons whose graphs are among ``graphs`` due again in ``registry``
    (committed), and say so in one warning line naming a graph. A registry SQLite refuses
    (locked by another process) is an :class:`ExportError` naming it: the publication stops
    before its manifest forgets the graphs."""
    prefix = str(minter.person_graph(""))
    slugs = [unquote(g.removeprefix(prefix)) for g in graphs if g.startswith(prefix)]
    try:
        persons = registry.lost(slugs)  # IRIs percent-encode slugs that are not ASCII
        registry.commit()
    except StateInUse as exc:  # locked by another process
        raise _refused(registry.path, graphs, exc.reason) from exc
    except sqlite3.Error as exc:  # any other refusal (a full disk: WriteFailed)
        raise _refused(registry.path, graphs, exc) from exc
    return (
        f"{len(graphs)} graphs the manifest recorded are gone from the store (removed outside "
        f"scholarkg, e.g. {graphs[0]}): loaded again when their sources are next read"
        + (f"; {persons} person graphs are written again by the next run" if persons else "")
    )


def persons_due_again_at(path: Path, minter: Minter, graphs: Sequence[str]) -> str:
    """:func:`persons_due_again` in the registry at ``path``, opened for it (``scholarkg
    export``) as a run opens it (:func:`~scholarkg.runs.identity_opening.registry_at`): one
    another process holds locked (in exclusive locking mode) is the same :class:`ExportError`
    (before: sqlite3's bare error, a traceback)."""
    try:
        registry = registry_at(path)
    except StateInUse as exc:
        raise _refused(path, graphs, exc.reason) from exc
    except sqlite3.Error as exc:  # any other refusal at its opening, as before
        raise _refused(path, graphs, exc) from exc
    with closing(registry):
        return persons_due_again(registry, minter, graphs)


def _refused(path: Path, graphs: Sequence[str], exc: sqlite3.Error | str) -> ExportError:
    return ExportError(
        f"{path}: not published: the identity registry did not take the persons of the "
        f"{len(graphs)} graphs gone from the store as due again ({exc}); the next publication "
        "finds them gone again"
    )

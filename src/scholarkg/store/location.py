"""Whether a path can be the directory of an on-disk store (kind ``oxigraph`` or ``files``).

Checked before a run asks any source for anything, so a mistyped ``--store`` costs no request
and no fetched record is left without a store to go to; and by the stores themselves, so a
path that is a file is said to be one (RocksDB's 'File exists' read as a lock).
"""

from __future__ import annotations

import os
from pathlib import Path

from scholarkg.errors import LoadError


def store_path_problem(path: Path) -> str | None:
    """Why ``path`` cannot be (or become) a store directory, or None if it can."""
    if path.exists():
        if not path.is_dir():
            return "is a file, not a store directory"
        return None
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"cannot be a store directory: {ancestor} is a file"
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"cannot create the store directory: {ancestor} is not writable"
    return None


def check_store_path(path: Path) -> None:
    """:class:`~scholarkg.errors.LoadError` naming ``path`` when it cannot be a store
    directory (see :func:`store_path_problem`)."""
    if problem := store_path_problem(Path(path)):
        raise LoadError(f"{path}: {problem}")

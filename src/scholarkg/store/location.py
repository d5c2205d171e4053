"""Whether a path can be the directory of an on-disk store (kind ``oxigraph`` or ``files``).

Checked before a run asks any source for anything, so a mistyped or unwritable ``--store``
costs no request and no fetched record is left without a store to go to; and by the stores
themselves, so a path that is a file is said to be one (RocksDB's 'File exists' read as a lock).

Whether a directory can be written is found by writing in it: a probe directory and file are
made where the store goes and removed at once. Asking ``os.access`` instead said yes to root for
every directory, ``/proc`` and ``/sys`` and a read-only mount too.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from scholarkg.errors import LoadError

_PROBE = ".scholarkg-probe-"


def _write_problem(directory: Path) -> str | None:
    """The system's reason a directory and a file cannot be made in ``directory``, or None."""
    try:
        probe = Path(tempfile.mkdtemp(prefix=_PROBE, dir=directory))
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        handle, _ = tempfile.mkstemp(prefix=_PROBE, dir=probe)
        os.close(handle)
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    return None


def store_path_problem(path: Path, *, writable: bool = True) -> str | None:
    """Why ``path`` cannot be (or become) a store directory, or None if it can; with
    ``writable`` False (a store opened read-only), only whether it can be one."""
    if path.is_symlink() and not path.exists():  # a loop (before: a RuntimeError traceback)
        return "is a symbolic link to nothing (a loop, or its target is not there)"
    if path.exists():
        if not path.is_dir():
            return "is a file, not a store directory"
        if writable and (why := _write_problem(path)):
            return f"cannot write in the store directory: {why}"
        return None
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"cannot be a store directory: {ancestor} is a file"
    if writable and (why := _write_problem(ancestor)):
        return f"cannot create the store directory in {ancestor}: {why}"
    return None


def check_store_path(path: Path, *, writable: bool = True) -> None:
    """:class:`~scholarkg.errors.LoadError` naming ``path`` when it cannot be a store
    directory (see :func:`store_path_problem`)."""
    if problem := store_path_problem(Path(path), writable=writable):
        raise LoadError(f"{path}: {problem}")

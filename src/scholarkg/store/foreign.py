"""What a store directory holds that is not an Oxigraph (RocksDB) store, said before the store
is opened: read-only it read as "no store here yet", and a read-write open made a new, empty
RocksDB store among it (a pyoxigraph 0.2 store, Sled's, became an empty one to scholarkg).

Oxigraph's own files and scholarkg's state beside them (manifest, seal, marks, their temporary
files) are the store's; a directory of nothing else without RocksDB's ``CURRENT`` is a store not
made yet, or not finished (see :mod:`scholarkg.store.reading`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from scholarkg.errors import LoadError
from scholarkg.files import temp_target

SLED = ("conf", "db")
"""Files every Sled 0.34 database has (pyoxigraph 0.2's store), beside ``blobs/`` or ``heap/``
and ``snap.*``."""

_ROCKSDB = re.compile(
    r"CURRENT|IDENTITY|LOCK|LOG(?:\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+(?:\.dbtmp)?"
    r"|\d+\.(?:sst|log|blob|dbtmp)"
)
_SCHOLARKG = re.compile(r".+\.sqlite(?:-wal|-shm|-journal)?|.+\.json|written-around")
_SHOWN = 3  # entries an error names


def _ours(name: str) -> bool:
    """Whether an entry named ``name`` is Oxigraph's or scholarkg's (a temporary file by what
    it was to become; scholarkg's probe of the directory, see :mod:`.location`)."""
    name = temp_target(name) or name
    if name.startswith(".scholarkg-probe-"):
        return True
    return bool(_ROCKSDB.fullmatch(name) or _SCHOLARKG.fullmatch(name))


def foreign(path: Path) -> str | None:
    """What the directory ``path`` holds that is not an Oxigraph store, for an error; None
    when it holds one, nothing, or only part of one (or ``path`` is no directory)."""
    try:
        names = sorted(p.name for p in Path(path).iterdir())
    except OSError:  # missing, a file, unreadable: said by whoever opens it
        return None
    if all((Path(path) / name).is_file() for name in SLED):
        shown = [n + "/" if (Path(path) / n).is_dir() else n for n in names[: _SHOWN + 1]]
        return (
            f"a pyoxigraph 0.2 store (Sled: {', '.join(shown)}"
            f"{', …' if len(names) > len(shown) else ''}), which pyoxigraph {ox.__version__} "
            "cannot read: dump it with pyoxigraph 0.2 and load the dump into a new store"
        )
    if "CURRENT" in names:
        return None
    others = [n for n in names if not _ours(n)]
    if not others:
        return None
    more = f" and {len(others) - _SHOWN} more" if len(others) > _SHOWN else ""
    return f"no Oxigraph store but other files: {', '.join(others[:_SHOWN])}{more}"


def check_not_foreign(path: Path) -> None:
    """A one-line :class:`LoadError` naming ``path`` and what it holds when that is not an
    Oxigraph store (see :func:`foreign`); nothing is opened or written."""
    if what := foreign(path):
        raise LoadError(
            f"{path}: the store directory holds {what}; not opened (give a new or empty "
            "directory as the store)"
        )

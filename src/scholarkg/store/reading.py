"""Opening an embedded store (or a checkpoint of it) to read, for every reader: the CLI, the
server and its query workers.

pyoxigraph opens read-only only a store whose making finished. A read-write open makes the
RocksDB database, then Oxigraph's column families, then writes its version key; a reader that
comes first (``scholarkg serve`` or ``query`` while the first run starts) or after that open was
killed finds RocksDB's ``CURRENT`` missing, ``Column family not found: …``, or ``Inserts are
only possible on read-write instances`` (Oxigraph would write the missing key). None of these
holds data, and the next writer finishes it: each is said as "no store here yet", never as a
damaged or locked store, and nothing is written to say it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from scholarkg.errors import LoadError
from scholarkg.locations import not_utf8, shown_path
from scholarkg.store import served
from scholarkg.store.foreign import check_not_foreign
from scholarkg.store.location import check_store_path

NO_STORE = "no store here yet"
NOT_UTF8_STORE = "a path that is not UTF-8 text, which the embedded store cannot open; rename it"
# pyoxigraph's words (0.5) for a store whose first read-write open has not finished
UNFINISHED = ("Column family not found", "Inserts are only possible on read-write instances")


# pyoxigraph's words (0.5) for a store in an on-disk format it does not read as it is: an
# older one it upgrades when opened read-write, an older one it cannot upgrade, a newer one
FORMATS = {
    "It is not possible to upgrade read-only Oxigraph instances": (
        "an older Oxigraph's, which this pyoxigraph ({version}) reads once it has upgraded it "
        "in place: the next `scholarkg run` does (older Oxigraph versions cannot read it then)"
    ),
    "is using the outdated encoding version": (
        "an Oxigraph's too old for this pyoxigraph ({version}) to upgrade: dump it with the "
        "Oxigraph that wrote it and load the dump into a new store"
    ),
    "is using the too recent version": (
        "a newer Oxigraph's than this pyoxigraph ({version}) reads: upgrade pyoxigraph"
    ),
}


def cannot_open(path: Path, exc: BaseException) -> LoadError:
    """The error for a store that is there but does not open (damaged, a lock held, or in an
    on-disk format this pyoxigraph does not read)."""
    for words, what in FORMATS.items():
        if words in str(exc):
            what = what.format(version=ox.__version__)
            return LoadError(f"{path}: the store's on-disk format is {what}")
    return LoadError(
        f"{path}: cannot open the Oxigraph store ({exc}); is another process using it?"
    )


def open_read_only(path: Path) -> ox.Store:
    """The store (or checkpoint) at ``path`` opened read-only, or a one-line
    :class:`LoadError` naming ``path``: "no store here yet" where nothing finished is there."""
    path = Path(path)
    if not_utf8(str(path)):  # RocksDB takes UTF-8 paths only (before: "is another process
        raise LoadError(f"{shown_path(str(path))}: {NOT_UTF8_STORE}")  # using it?")
    if path.is_symlink() and not path.exists():  # a loop or a dangling link: said as one,
        check_store_path(path, writable=False)  # as a run says it (before: no store here yet)
    if not path.exists():
        raise LoadError(f"{path}: {NO_STORE} (run `scholarkg run` first)")
    check_store_path(path, writable=False)  # a file, not a directory
    check_not_foreign(path)  # a Sled store, other files: not "no store here yet"
    if not (path / "CURRENT").is_file():  # RocksDB's first file of a database
        what = "an empty directory; run `scholarkg run` first"
        if not _empty(path):  # scholarkg's state, or RocksDB's first files: not made yet
            what = "its creation has not started or finished; the next `scholarkg run` makes it"
        raise LoadError(f"{path}: {NO_STORE} ({what})")
    try:
        return ox.Store.read_only(str(path))
    except RuntimeError as exc:
        if any(words in str(exc) for words in UNFINISHED):
            raise LoadError(
                f"{path}: {NO_STORE} (its creation has not finished: a run is making it, or "
                "was stopped while it did; the next `scholarkg run` finishes it)"
            ) from exc
        raise cannot_open(path, exc) from exc
    except OSError as exc:
        raise cannot_open(path, exc) from exc


def require_store(path: Path) -> None:
    """:func:`open_read_only`'s error unless a finished store is at ``path``: it has a
    checkpoint, or it opens read-only. For commands that would open it to write."""
    if served.current(Path(path)) is None:
        store = open_read_only(path)
        del store  # closed


def _empty(path: Path) -> bool:
    try:
        return next(path.iterdir(), None) is None
    except OSError:
        return False

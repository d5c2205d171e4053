"""What readers of an embedded store open: the state the last run (or update) left, never the
store while it is written.

pyoxigraph calls a read-only open beside a process that writes the store undefined behaviour;
measured, such opens took up to 12 s during a load, answers saw graphs half replaced, and every
write made the server reopen its workers. So whoever writes the store ends by taking a RocksDB
checkpoint of it (``Store.backup``: hard links on the same file system, milliseconds) into
``<store>.served/<n>`` and pointing ``<store>.served/current`` at it. Readers open that
checkpoint, which no process writes, and hold a shared lock on its lease file while they have it
open; a checkpoint that is not current and that nobody holds is removed when the next one is
taken. ``current`` also names the store it was taken from (RocksDB's ``IDENTITY``), so a store
deleted and made again is never served from the old one's checkpoint.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from scholarkg.errors import LoadError
from scholarkg.files import write_atomic

CURRENT = "current"
LEASE_SUFFIX = ".lease"
OPEN_ATTEMPTS = 5  # a reader that loses a race with a newer checkpoint looks again


def served_dir(store: Path) -> Path:
    """Where the checkpoints of the store at ``store`` live (beside it)."""
    store = Path(store)
    return store.with_name(store.name + ".served")


def _identity(store: Path) -> str:
    """The unique id RocksDB gave the store when it made it (a new store at the same path, or
    on a reused inode, has another)."""
    return (store / "IDENTITY").read_text(encoding="utf-8").strip()


def take(store: Any, path: Path) -> Path:
    """Checkpoint ``store`` (an open, writable ``pyoxigraph.Store`` at ``path``), make it the
    one readers open, and remove the older ones nobody holds. Returns the checkpoint."""
    root = served_dir(path)
    root.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name) for p in root.iterdir() if p.name.isdigit()]
    name = f"{max(numbers, default=0) + 1:08d}"
    staging = root / f".{name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        store.flush()
        store.backup(str(staging))
        staging.rename(root / name)
    except (OSError, RuntimeError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise LoadError(f"{root}: cannot checkpoint the store for its readers: {exc}") from exc
    pointer = {"checkpoint": name, "store": _identity(Path(path))}
    write_atomic(root / CURRENT, (json.dumps(pointer) + "\n").encode("utf-8"), durable=True)
    prune(path)
    return root / name


def current(path: Path) -> Path | None:
    """The checkpoint readers of the store at ``path`` open, or None: none was taken, or it
    was taken from another store that was at this path before."""
    root = served_dir(path)
    try:
        pointer = json.loads((root / CURRENT).read_text(encoding="utf-8"))
        name, taken_from = str(pointer["checkpoint"]), str(pointer["store"])
        if taken_from != _identity(Path(path)):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    checkpoint = root / name
    return checkpoint if checkpoint.is_dir() else None


@dataclass
class Lease:
    """A reader's hold on one checkpoint (a shared lock, released with the file or process)."""

    checkpoint: Path
    handle: IO[bytes] | None
    """None: the checkpoint's folder cannot be written, so nothing can prune it."""

    def release(self) -> None:
        if self.handle is not None:
            with contextlib.suppress(OSError):
                self.handle.close()


def lease(path: Path) -> Lease | None:
    """Hold the current checkpoint of the store at ``path`` (None: there is none). Taken
    before the checkpoint is opened; a checkpoint removed meanwhile sends it to the newer one."""
    for _ in range(OPEN_ATTEMPTS):
        checkpoint = current(path)
        if checkpoint is None:
            return None
        handle = _lease_handle(checkpoint)
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_SH)
        if checkpoint.is_dir():
            return Lease(checkpoint, handle)
        if handle is not None:
            handle.close()  # pruned between reading ``current`` and the lock: look again
    raise LoadError(f"{served_dir(path)}: the checkpoint changed under every attempt to open it")


def _lease_handle(checkpoint: Path) -> IO[bytes] | None:
    """The checkpoint's lease file, opened to be locked (made if it is not there). Where it
    cannot be made, the folder cannot be written (a read-only copy or mount): opened to read
    if it is there (a shared lock needs no write), else None: no lease, and none is needed,
    for a prune must write in that folder to remove the checkpoint (before: a
    ``PermissionError`` traceback from ``export`` and ``query`` on a read-only store copy)."""
    path = _lease_file(checkpoint)
    try:
        return open(path, "ab")
    except OSError as exc:
        if not isinstance(exc, PermissionError) and exc.errno != errno.EROFS:
            raise LoadError(f"{path}: cannot hold the store's checkpoint ({exc})") from exc
    try:
        return open(path, "rb")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LoadError(f"{path}: cannot hold the store's checkpoint ({exc})") from exc


def _lease_file(checkpoint: Path) -> Path:
    return checkpoint.with_name(checkpoint.name + LEASE_SUFFIX)


def prune(path: Path) -> list[Path]:
    """Remove the checkpoints of the store at ``path`` that are not current and that no reader
    holds (and leftovers of cut-short ones). Returns what it removed."""
    root = served_dir(path)
    keep = current(path)
    removed: list[Path] = []
    for checkpoint in _checkpoints(root):
        if checkpoint == keep:
            continue
        with open(_lease_file(checkpoint), "ab") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a reader has it open
            shutil.rmtree(checkpoint, ignore_errors=True)
            _lease_file(checkpoint).unlink(missing_ok=True)
            removed.append(checkpoint)
    for partial in root.glob(".*.partial"):
        shutil.rmtree(partial, ignore_errors=True)
    return removed


def _checkpoints(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for entry in sorted(root.iterdir()):
        if entry.name.isdigit() and entry.is_dir():
            yield entry

"""One export at a time to one path: an ``flock`` on ``.<name>.lock`` beside the dump.

Two exports to one path at once each renamed its dump, then its checksum, into place: one
caught between its two renames while the other wrote both left a dump beside the other's
checksum. Held for the whole export (a publication's N-Quads dump too), the lock makes a second
export to the path wait for the first to finish (then write its own); the kernel releases it
when its holder dies, so a killed export holds nothing up. The holder removes the file when it
is done; a waiter that locked a file removed meanwhile opens the new one again (its inode no
longer the name's)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from scholarkg.errors import ExportError
from scholarkg.lifecycle import pause

EXPORT_WAIT = 600.0  # seconds an export waits for another one to the same path to finish


def lock_path(target: Path) -> Path:
    """The lock file of exports to ``target``."""
    return target.with_name(f".{target.name}.lock")


def _opened(path: Path, target: Path) -> int:
    """The lock file at ``path`` opened (made if missing), never through a symbolic link nor
    into anything but a regular file: :class:`ExportError` naming ``target`` (before: the pid
    was written into the file a link there named, the store's ``CURRENT`` or any other)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        raise ExportError(_not_a_lock(target, path, "a symbolic link")) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ExportError(_not_a_lock(target, path, "not a regular file"))
    return fd


def _not_a_lock(target: Path, path: Path, what: str) -> str:
    return (
        f"{target}: not written: {path}, where its export lock goes, is {what}, "
        "which no export makes; remove it"
    )


def _still_named(fd: int, path: Path) -> bool:
    """Whether the file ``fd`` has open is still the one called ``path`` (its last holder
    removes it when done)."""
    try:
        named = os.lstat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


def _pause_or_close(fd: int) -> None:
    try:
        pause(0.1)
    except BaseException:  # a stop request: the wait ends
        os.close(fd)
        raise


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, ValueError):
        return f"pid {int(path.read_text(encoding='ascii'))}"
    return "pid unknown"


@contextlib.contextmanager
def exporting_to(target: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the lock of exports to ``target`` (its folder made if missing) inside; wait up to
    ``wait`` seconds (:data:`EXPORT_WAIT`) for another export to finish with it (a stop request
    ends the wait), then :class:`ExportError` in one line naming the holder's pid. An
    :class:`OSError` (the folder not writable…) is raised as it is; a symbolic link or other
    file that is not a regular one where the lock goes, :class:`ExportError`."""
    wait = EXPORT_WAIT if wait is None else wait
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    fd = _opened(path, target)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() < deadline:
                _pause_or_close(fd)
                continue
            os.close(fd)
            raise ExportError(
                f"{target}: not written: another export ({_holder(path)}) is writing it; "
                f"waited {wait:g} s, try again when it has finished"
            ) from None
        if _still_named(fd, path):
            break
        os.close(fd)  # locked a file its holder removed: the name's file now
        fd = _opened(path, target)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # before the lock is let go: a waiter then opens a new file
        os.close(fd)

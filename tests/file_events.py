"""The entries made in a folder, as the kernel saw them made (Linux's inotify, through ctypes):
none is missed however briefly it stayed, and nothing is polled while none comes."""

from __future__ import annotations

import ctypes
import os
import select
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

_IN_CREATE = 0x100
_IN_MOVED_TO = 0x80
_HEADER = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then the name
_LIBC = ctypes.CDLL(None, use_errno=True)


def _watch(fd: int, folder: Path) -> int:
    wd = int(_LIBC.inotify_add_watch(fd, os.fsencode(folder), _IN_CREATE | _IN_MOVED_TO))
    if wd < 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), str(folder))
    return wd


def _events(fd: int, seconds: float) -> Iterator[tuple[int, str]]:
    """(watch, name) of the events queued now, waiting up to ``seconds`` for the first."""
    if not select.select([fd], [], [], seconds)[0]:
        return
    data = os.read(fd, 64 * 1024)
    at = 0
    while at < len(data):
        wd, _mask, _cookie, size = _HEADER.unpack_from(data, at)
        at += _HEADER.size
        yield wd, data[at : at + size].rstrip(b"\0").decode(errors="replace")
        at += size


def appearing(folder: Path, ended: Callable[[], bool]) -> Iterator[str]:
    """The names of the entries made in ``folder`` as they are made (``folder`` itself may be
    made meanwhile; its parent must be there), until ``ended()``; a name may come twice."""
    fd = int(_LIBC.inotify_init1(os.O_CLOEXEC))
    if fd < 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))
    try:
        _watch(fd, folder.parent)
        inside: int | None = None
        while True:
            if inside is None and folder.is_dir():
                inside = _watch(fd, folder)
                yield from os.listdir(folder)  # made before the watch began
            for wd, name in _events(fd, 0.1):  # the wait for an event; ended() seen meanwhile
                if wd == inside:
                    yield name
            if ended():
                return
    finally:
        os.close(fd)

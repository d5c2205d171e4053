"""A folder opened once and held: its files written, read, removed and looked at through that
descriptor (``dir_fd``), never by a path through the folder's name again.

A folder written by path, its name swapped for a symbolic link between two writes by anyone who
can write its parent, had the later writes follow the link: into any folder the writer can
write. Held open (``O_DIRECTORY | O_NOFOLLOW``: a link at its place is refused when it is
opened), the writes land in the folder that was opened, wherever its name points since.
"""

from __future__ import annotations

import contextlib
import os
import stat
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from scholarkg.files import open_regular, remove_stale_in, temp_in, writing

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC

Identity = tuple[int, int, int]


def identity(found: os.stat_result) -> Identity:
    """What tells a file from another one, or from itself written since: its inode (a file
    put in its place has another), its size and its change time (which a write sets and no
    user can set back); a write of as many bytes within one tick of the kernel's clock is
    not told."""
    return found.st_ino, found.st_size, found.st_ctime_ns


class HeldFolder:
    """The folder at ``path`` held open; a symbolic link or a file there is ENOTDIR naming it.
    Errors about its files name them under ``path``. Closed by :meth:`close` (or ``with``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd = os.open(self.path, _FOLDER)
        self._closer = weakref.finalize(self, os.close, self.fd)

    def close(self) -> None:
        self._closer()

    def __enter__(self) -> HeldFolder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def where(self, name: str) -> Path:
        """The path ``name`` in this folder had when it was opened (for messages)."""
        return self.path / name

    @contextlib.contextmanager
    def _naming(self) -> Iterator[None]:
        """An :class:`OSError` inside about a file of this folder (named relative to it, as
        ``dir_fd`` calls name it) names it by :meth:`where`."""
        try:
            yield
        except OSError as exc:
            if isinstance(exc.filename, str) and not os.path.isabs(exc.filename):
                exc.filename = str(self.where(exc.filename))
            if isinstance(exc.filename2, str) and not os.path.isabs(exc.filename2):
                exc.filename2 = str(self.where(exc.filename2))
            raise

    def names(self) -> list[str]:
        """The names of what the folder holds."""
        return os.listdir(self.fd)

    def identity(self, name: str) -> Identity | None:
        """:func:`identity` of ``name`` if it is a regular file itself (no symbolic link),
        else ``None``."""
        try:
            found = os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except OSError:
            return None
        return identity(found) if stat.S_ISREG(found.st_mode) else None

    def open_read(self, name: str) -> BinaryIO:
        """``name`` opened to read, unbuffered (:func:`~scholarkg.files.open_regular`): a
        symbolic link there is refused, ELOOP naming it, never read through; anything but a
        regular file (a FIFO, a device, a socket) EINVAL naming it."""
        with self._naming():
            return open_regular(name, dir_fd=self.fd)

    @contextlib.contextmanager
    def replacing(
        self, name: str, *, durable: bool = False, what: str | None = None
    ) -> Iterator[BinaryIO]:
        """Write ``name`` whole or not at all, as :func:`~scholarkg.files.replacing` does: a
        temporary file in this folder to write, which replaces ``name`` when the block ends
        (``durable``: fsynced first); an error inside removes it and leaves ``name`` as it
        was, a write the file system refused is a :class:`~scholarkg.errors.WriteFailed`."""
        with writing(self.where(name), what=what), self._naming():
            fd, temp = temp_in(self.fd, self.path, name)
            try:
                with os.fdopen(fd, "wb") as out:
                    yield out
                    if durable:
                        out.flush()
                        os.fsync(out.fileno())
                os.replace(temp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            except BaseException:
                self.remove(temp)
                raise

    def write_atomic(self, name: str, data: bytes, *, what: str | None = None) -> None:
        """Write ``data`` to ``name`` (see :meth:`replacing`)."""
        with self.replacing(name, what=what) as out:
            out.write(data)

    def remove(self, name: str) -> None:
        """Remove ``name`` if it is there (a link itself, never what it names)."""
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=self.fd)

    def remove_stale_temps(self, targets: Iterable[str]) -> list[str]:
        """Remove the temporaries a killed writer left for these files (see
        :func:`~scholarkg.files.remove_stale_in`); returns the names removed."""
        return remove_stale_in(self.fd, set(targets))

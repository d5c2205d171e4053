"""A file the user named to write (``--output``): its folder must be there, as ``cp`` wants it.

A mistyped folder is not made (a dump or a generated page would go somewhere nobody looks) and
a folder that is not there is one line naming it, never a traceback.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from scholarkg.errors import ScholarKGError, WriteFailed
from scholarkg.files import write_atomic


class NotWritten(ScholarKGError):
    """A file the user named was not written (its folder is missing or is not a folder, or the
    file system refused it); the message names the file and why."""


def folder_problem(path: Path) -> str | None:
    """Why ``path``'s folder cannot take it (``no folder X (make it first)``, ``X is not a
    folder``); ``None`` when it is a folder, or cannot be looked at (the write says why)."""
    folder = path.parent
    try:
        if stat.S_ISDIR(folder.stat().st_mode):
            return None
    except FileNotFoundError:
        return f"no folder {folder} (make it first)"
    except NotADirectoryError:  # a file stands where a folder of the path should be
        pass
    except OSError:  # not reachable (permissions)
        return None
    return f"{folder} is not a folder"


def _streamed(path: Path) -> bool:
    """Whether ``path`` (symlinks followed) is a device, a named pipe or a socket (``/dev/stdout``,
    ``/dev/null``, a FIFO): written into as it stands, since a rename would put a regular file
    in its place."""
    try:
        mode = path.stat().st_mode
    except OSError:  # nothing there (or not reachable: the write says why)
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def write_output(text: str, target: str) -> None:
    """``text`` (UTF-8, ``\\n`` line ends) to stdout when ``target`` is ``-``, straight into a
    device or named pipe, else into the file ``target`` (for a symlink: the file it names)
    whole or not at all. Raises :class:`NotWritten` (one line) when its folder is not there or
    the file system refuses it, nothing written."""
    if target == "-":
        sys.stdout.write(text)
        return
    path = Path(target)
    if _streamed(path):
        try:
            with path.open("w", encoding="utf-8", newline="\n") as out:
                out.write(text)
        except OSError as exc:
            raise NotWritten(f"{path}: not written: {exc.strerror or exc}") from exc
        return
    if path.is_symlink():  # the file it names is replaced; the link stays
        path = Path(os.path.realpath(path))
    problem = folder_problem(path)
    if problem is not None:
        raise NotWritten(f"{path}: not written: {problem}")
    try:
        write_atomic(path, text.encode("utf-8"))
    except WriteFailed as exc:
        raise NotWritten(str(exc)) from exc
    except OSError as exc:  # a directory where the file goes, permissions…
        raise NotWritten(f"{path}: not written: {exc.strerror or exc}") from exc

"""Files written whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def absolute(path: Path) -> Path:
    """``path`` absolute, its symlinks resolved where they can be. A symlink loop (which
    :meth:`Path.resolve` raises RuntimeError for before Python 3.13) or an unreadable folder
    leaves it absolute as written, ``..`` folded: whoever reads the file then says what is
    wrong with it, as for any path that names no file."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def file_name_for(key: str, readable: str) -> str:
    """A short file name for ``key`` (an IRI): ``readable`` cut to 60 safe characters, then a
    hash of all of ``key``, so distinct keys never share a name and no name is too long."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", readable)[:60].strip("._-")
    return f"{safe or 'graph'}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def temp_file_beside(target: Path) -> tuple[int, Path]:
    """A temporary file beside ``target``, world-readable like a published file (not 0600)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.fchmod(fd, 0o644)
    return fd, Path(name)


_TEMP_NAME = re.compile(r"\.(?P<target>.+)\.[a-z0-9_]{8}\.part")


def temp_target(name: str) -> str | None:
    """The name of the file a temporary called ``name`` (made by :func:`temp_file_beside`) was
    to become; ``None`` when ``name`` is not such a temporary."""
    found = _TEMP_NAME.fullmatch(name)
    return None if found is None else found["target"]


def write_atomic(path: Path, data: bytes, *, durable: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it and a rename; ``durable``
    fsyncs the temporary file before the rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = temp_file_beside(path)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        remove_quietly([temp])
        raise
    return path


def remove_quietly(paths: Iterable[Path]) -> None:
    """Remove what exists of ``paths`` (temporary files left by a failed write)."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()

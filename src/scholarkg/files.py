"""Files written whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import sqlite3
import stat
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from scholarkg.errors import WriteFailed

# SQLite's primary result codes for a write the file system refused (full disk, file-size
# limit, quota: SQLITE_FULL; a failed write, truncate or sync: SQLITE_IOERR and its variants)
_WRITE_REFUSED = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR}
FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def refused_write(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an error it was raised from) says the file system refused a write:
    disk full, file too large, quota, an I/O error; as an OSError (also one without an errno
    that says so in its message, as RocksDB's do) or an SQLite error."""
    while exc is not None:
        if isinstance(exc, sqlite3.OperationalError):
            if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _WRITE_REFUSED:
                return True
        elif isinstance(exc, OSError):
            if exc.errno in FULL_ERRNOS:
                return True
            if exc.errno is None and any(os.strerror(e) in str(exc) for e in FULL_ERRNOS):
                return True
        exc = exc.__cause__
    return False


@contextlib.contextmanager
def writing(path: Path | str, *, what: str | None = None) -> Iterator[None]:
    """A write inside that the file system refused is raised as :class:`WriteFailed` naming
    ``path`` (and ``what`` it holds); any other error as it is."""
    try:
        yield
    except WriteFailed:
        raise
    except (OSError, sqlite3.OperationalError) as exc:
        if not refused_write(exc):
            raise
        if isinstance(exc, OSError):
            reason, code = exc.strerror or str(exc), exc.errno or 0
            raise WriteFailed(path, reason, what=what, errno=code) from exc
        raise WriteFailed(path, str(exc), what=what) from exc


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
    """A temporary file beside ``target`` (see :func:`temp_in`), opened to write."""
    fd, name = temp_in(None, target.parent, target.name)
    return fd, target.parent / name


_TEMP_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_TEMP_TRIES = 100  # names drawn at most, each taken already (1 in 36**8 each)


def temp_in(folder_fd: int | None, folder: Path, target: str) -> tuple[int, str]:
    """A new temporary file for the file ``target`` of ``folder`` (through ``folder_fd``, the
    folder held open, unless ``None``), made for this process alone, never through a link;
    world-readable like a published file (not 0600), named ``.<target>.<pid>.<8 random>.part``:
    once this process is gone, whoever writes ``target`` next knows the file for a leftover
    (:func:`remove_stale_temps`). Returns it opened to read and write, and its name."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(_TEMP_TRIES):
        drawn = "".join(secrets.choice(_TEMP_LETTERS) for _ in range(8))
        name = f".{target}.{os.getpid()}.{drawn}.part"
        where = name if folder_fd is not None else str(folder / name)
        try:
            fd = os.open(where, flags, 0o600, dir_fd=folder_fd)
        except FileExistsError:
            continue
        except OSError as exc:  # the folder refuses it: said of the file to be written
            exc.filename = str(folder / target)
            raise
        os.fchmod(fd, 0o644)
        return fd, name
    raise FileExistsError(errno.EEXIST, "no temporary file name left", str(folder / target))


# the pid is in the names made since; older ones (no pid) are still read for their target
_TEMP_NAME = re.compile(r"\.(?P<target>.+?)(?:\.(?P<pid>[0-9]+))?\.[a-z0-9_]{8}\.part")
_PID_MAX = 1 << 22  # Linux's highest possible pid (pid_max's limit)


def temp_target(name: str) -> str | None:
    """The name of the file a temporary called ``name`` (made by :func:`temp_file_beside`) was
    to become; ``None`` when ``name`` is not such a temporary."""
    found = _TEMP_NAME.fullmatch(name)
    return None if found is None else found["target"]


def _gone(pid: int) -> bool:
    """Whether no process ``pid`` exists (one of another user's counts as existing)."""
    if not 0 < pid <= _PID_MAX or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # EPERM: it exists
        return False
    return False


def _held_open(paths: Iterable[Path]) -> bool:
    """Whether a process holds one of ``paths`` open, as far as ``/proc`` shows (Linux; those of
    other users are not readable, and a file of this user is not theirs); without ``/proc``
    nothing can be told, which counts as held."""
    wanted = {os.path.realpath(p) for p in paths}
    try:
        pids = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return True
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:  # gone meanwhile, or another user's
            continue
        for fd in fds:
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") in wanted:
                    return True
    return False


def _regular_in(folder_fd: int, name: str) -> bool:
    """Whether ``name`` in the folder ``folder_fd`` holds is a regular file (no link)."""
    try:
        return stat.S_ISREG(os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _older_than_target(folder_fd: int, name: str, target: str) -> bool:
    """Whether ``name`` is this user's regular file (no symlink), last written before
    ``target`` was (so ``target`` was replaced after it), both in the folder ``folder_fd``
    holds."""
    try:
        mine = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
        theirs = os.stat(target, dir_fd=folder_fd)
    except OSError:
        return False
    return (
        stat.S_ISREG(mine.st_mode)
        and mine.st_uid == os.geteuid()
        and mine.st_mtime_ns < theirs.st_mtime_ns
    )


def _stale_unnamed(folder_fd: int, found: list[tuple[str, str]]) -> list[str]:
    """Of the temporaries an older version left here without its pid (``(name, target)``),
    those proved stale: every one is this user's, older than the file it was to replace, and
    no process holds any of them open (a writer holds its dump's open while it writes, and
    its checksum's, made first, sits closed meanwhile: so all of them or none)."""
    if not found or not all(_older_than_target(folder_fd, n, t) for n, t in found):
        return []
    try:  # where the folder held open is now
        folder = os.readlink(f"/proc/self/fd/{folder_fd}")
    except OSError:  # no /proc: nothing can be told, which counts as held
        return []
    held = _held_open(Path(folder, name) for name, _ in found)
    return [] if held else [name for name, _ in found]


def remove_stale_temps(targets: Iterable[Path]) -> list[Path]:
    """Remove the temporary files a killed process left beside these files (see
    :func:`remove_stale_in`); returns those removed."""
    removed: list[Path] = []
    by_folder: dict[Path, set[str]] = {}
    for target in targets:
        by_folder.setdefault(Path(target).parent, set()).add(Path(target).name)
    for folder, names in sorted(by_folder.items()):
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:  # no folder yet, or not readable: whoever writes there says so
            continue
        try:
            removed += [folder / name for name in remove_stale_in(fd, names)]
        finally:
            os.close(fd)
    return removed


def remove_stale_in(folder_fd: int, targets: Collection[str]) -> list[str]:
    """Remove the temporary files a killed process left (SIGKILL, a crash: nothing removed
    them) beside these files of the folder ``folder_fd`` holds open: only those named as
    :func:`temp_in` names them for one of ``targets``, with the pid of a process that is gone;
    and those of an older version named without a pid when they are proved stale
    (:func:`_stale_unnamed`). Never another file (a user's, one of a live writer). Returns the
    names of those removed, in order."""
    try:
        entries = [name for name in os.listdir(folder_fd) if name.endswith(".part")]
    except OSError:  # not readable: whoever writes there says so
        return []
    stale: list[str] = []
    unnamed: list[tuple[str, str]] = []
    for name in sorted(entries):
        found = _TEMP_NAME.fullmatch(name)
        if found is None or found["target"] not in targets:
            continue
        if found["pid"] is None:
            unnamed.append((name, found["target"]))
        elif _gone(int(found["pid"])) and _regular_in(folder_fd, name):
            stale.append(name)
    removed: list[str] = []
    for name in sorted([*stale, *_stale_unnamed(folder_fd, unnamed)]):
        with contextlib.suppress(FileNotFoundError):  # another one removed it first
            os.unlink(name, dir_fd=folder_fd)
            removed.append(name)
    return removed


@contextlib.contextmanager
def replacing(
    path: Path | str, *, durable: bool = False, what: str | None = None
) -> Iterator[Path]:
    """Write ``path`` whole or not at all: yields a temporary file beside it (its folder made
    if missing) to write, which replaces ``path`` when the block ends (``durable``: fsynced
    first). An error inside removes the temporary file and leaves ``path`` as it was; a write
    the file system refused (full disk, …) is a :class:`WriteFailed` naming ``path`` (and
    ``what`` it holds), any other error is raised as it is."""
    path = Path(path)
    with writing(path, what=what):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = temp_file_beside(path)
        os.close(fd)
        try:
            yield temp
            if durable:
                fd = os.open(temp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            os.replace(temp, path)
        except BaseException:
            remove_quietly([temp])
            raise


def write_atomic(
    path: Path, data: bytes, *, durable: bool = False, what: str | None = None
) -> Path:
    """Write ``data`` to ``path`` (see :func:`replacing`)."""
    path = Path(path)
    with replacing(path, durable=durable, what=what) as temp:
        temp.write_bytes(data)
    return path


def remove_quietly(paths: Iterable[Path]) -> None:
    """Remove what exists of ``paths`` (temporary files left by a failed write)."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def open_regular(name: str | Path, *, dir_fd: int | None = None) -> BinaryIO:
    """``name`` (in the folder ``dir_fd`` is open on, if given) opened to read, unbuffered: a
    symbolic link there is refused (ELOOP), never read through; anything but a regular file (a
    FIFO, a device, a socket) is EINVAL naming it, opened without waiting for a writer."""
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(
                errno.EINVAL, "not a regular file (a FIFO or a device stands there)", str(name)
            )
        return os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise

"""The N-Quads dump, kept as parts so that a small change rewrites a small part.

Each named graph belongs to one of :data:`~scholarkg.load.contents.BUCKETS` parts (a hash of
its IRI); a part is its graphs' N-Quads in IRI order, taken from the store's manifest
(:mod:`scholarkg.load.contents`), never read back from the store. A run rewrites the parts of
the graphs it touched, then the published file is assembled from the parts in one streaming
pass that also computes its SHA-256. Parts of another store, missing ones, or ones another
process replaced or wrote since (``parts.json`` keeps each one's
:func:`~scholarkg.held_folder.identity`) are rewritten. A symbolic link where the parts'
folder or a part goes is replaced, never followed; the folder is held open
(:class:`~scholarkg.held_folder.HeldFolder`), every part written and read through it, so a
link swapped in for it meanwhile leads nothing astray.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from scholarkg.errors import ExportError
from scholarkg.export_lock import exporting_to
from scholarkg.files import remove_stale_temps, replacing, write_atomic, writing
from scholarkg.held_folder import HeldFolder, Identity, identity
from scholarkg.lifecycle import check_stop
from scholarkg.load.contents import BUCKETS, Contents

STATE = "parts.json"


def _name(bucket: int) -> str:
    return f"part-{bucket:02d}.nq"


PART_NAMES = frozenset([*map(_name, range(BUCKETS)), STATE])
"""The names of the files of the parts' folder: the parts and their state, no other."""

_CHANGED = "changed since the publication wrote it (another process wrote there)"
_TRIES = 100  # links put back at a folder's place as often as they are removed: refused then


@dataclass(frozen=True)
class Assembled:
    """The assembled dump: where, how many quads, its SHA-256 and size."""

    path: Path
    quads: int
    sha256: str
    byte_size: int


class DumpParts:
    """The parts of one data directory's N-Quads dump, for one store."""

    def __init__(self, folder: Path, store_key: str) -> None:
        self.folder = Path(folder)
        # a link here is replaced, as one at a published file's place is (publish): the
        # parts are the publication's own, rewritten from the manifest (before: the link
        # was followed, parts and parts.json written over files of those names it held);
        # held open from here on: a link swapped in for it later is never followed (before:
        # the parts written after it, and the assembly's reads, went where the link pointed)
        self.held = own_folder(self.folder)
        self.key = store_key
        state = self._read_state()
        self.quads: dict[int, int] = {}
        self.files: dict[int, Identity] = {}  # each part's file as publications left it
        counts, files = state.get("quads"), state.get("files")
        if state.get("key") == store_key and isinstance(counts, dict):
            with contextlib.suppress(TypeError, ValueError):  # not as written: none valid
                self.quads = {int(b): int(n) for b, n in counts.items()}
        if state.get("key") == store_key and isinstance(files, dict):
            with contextlib.suppress(TypeError, ValueError):
                self.files = {int(b): (int(i), int(n), int(t)) for b, (i, n, t) in files.items()}
        # a part that is a link (to /etc/passwd, a private file) is no part, nor is a file
        # another put in its place or wrote since (a copy, an export there): all are written
        # again, replacing it (before: one not rewritten was read through into the dump)
        self.valid = len(self.quads) == BUCKETS and all(
            self.files.get(b) == self.held.identity(_name(b)) for b in range(BUCKETS)
        )

    def close(self) -> None:
        """Let the folder go (the parts are not written or read after)."""
        self.held.close()

    def _read_state(self) -> dict[str, object]:
        """The parts' state, if ``parts.json`` is a regular file of at most
        :data:`_STATE_MOST` bytes; none (the parts are written again) for a link, a FIFO or a
        device there (before: read through, a FIFO hung every publication, /dev/zero filled
        memory)."""
        try:
            with self.held.open_read(STATE) as state:
                data = state.read(_STATE_MOST + 1)
            if len(data) > _STATE_MOST:
                return {}
            loaded = json.loads(data.decode("utf-8"))
        except (OSError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def _write_state(self, quads: dict[int, int] | None = None) -> None:
        counts = self.quads if quads is None else quads
        files = {str(b): self.files[b] for b in sorted(counts) if b in self.files}
        state = {"key": self.key, "quads": {str(b): n for b, n in sorted(counts.items())}}
        state["files"] = files
        self.held.write_atomic(STATE, json.dumps(state).encode("utf-8"))

    def expect(self, buckets: Iterable[int] | None) -> None:
        """Note on disk, before the manifest commits a change to them, that these parts
        (``None``: all) are about to be rewritten: a publication killed before it rewrote them
        leaves the parts not valid, and the next one rewrites every part. Without the note, a
        part left stale stayed stale: the manifest was in line already, so nothing said its
        graphs had changed."""
        todo = set(range(BUCKETS) if buckets is None else buckets)
        if todo & self.quads.keys():
            state = {b: n for b, n in self.quads.items() if b not in todo}
            self._write_state(state)

    def refresh(self, contents: Contents, buckets: Iterable[int] | None = None) -> int:
        """Rewrite these parts (all of them when ``None`` or when the parts are not valid)
        from the manifest's contents; returns how many were written."""
        todo = sorted(set(range(BUCKETS) if buckets is None or not self.valid else buckets))
        # those a publication killed while it wrote them left (SIGKILL)
        self.held.remove_stale_temps(PART_NAMES)
        for bucket in todo:
            check_stop()  # a stop leaves the state as it was: the next run writes every part
            self.quads[bucket] = self._write_part(contents, bucket)
        self._write_state()
        self.valid = True
        return len(todo)

    def _write_part(self, contents: Contents, bucket: int) -> int:
        count = 0
        with self.held.replacing(_name(bucket), what="dump part") as out:
            for data, quads in contents.bucket(bucket):
                out.write(data)
                count += quads
        self.files[bucket] = self.held.identity(_name(bucket)) or (0, 0, 0)
        return count

    def assemble(self, target: Path) -> Assembled:
        """Concatenate the parts into ``target`` (atomically) and write ``<target>.sha256``
        (the temporary files of a killed publication's removed first), as one export to it
        (:func:`~scholarkg.export_lock.exporting_to`: a ``scholarkg export --output`` of that
        path waits for it, or it for that one)."""
        sums = target.with_name(target.name + ".sha256")
        with writing(target, what="N-Quads dump"), exporting_to(target):
            remove_stale_temps([target, sums])
            sha, size = self._concatenate(target)
            write_atomic(sums, f"{sha}  {target.name}\n".encode(), what="dump's checksum")
        return Assembled(target, sum(self.quads.values()), sha, size)

    def _check_unchanged(self, bucket: int, part: BinaryIO) -> None:
        """A part another process replaced or wrote since this publication did is refused,
        EINVAL naming it, and the parts are not valid for the next one (before: its bytes
        were assembled into the dump)."""
        if identity(os.fstat(part.fileno())) != self.files.get(bucket):
            raise OSError(errno.EINVAL, _CHANGED, str(self.held.where(_name(bucket))))

    def _concatenate(self, target: Path) -> tuple[str, int]:
        """Copy the parts into ``target`` in the kernel (:func:`append`), then hash them: at
        100k records (1.35 GB) 2.3 s and 1.5 CPU-s, where copying them through Python while
        hashing took 3.0–5.9 s and 2.4–4.9 CPU-s."""
        digest, size = hashlib.sha256(), 0
        with (
            replacing(target, durable=True, what="N-Quads dump") as temp,
            temp.open("wb", buffering=0) as out,
        ):
            for bucket in range(BUCKETS):
                check_stop()
                with self.held.open_read(_name(bucket)) as part:
                    self._check_unchanged(bucket, part)
                    size += append(part, out)
                    part.seek(0)
                    while block := part.read(1 << 20):
                        digest.update(block)
        return digest.hexdigest(), size


def own_folder(folder: Path) -> HeldFolder:
    """Make ``folder`` a folder of its own (its parents first), never following a link there,
    and hold it open: a symbolic link found there is removed, and so is one put back before
    the folder is made or opened (``mkdir`` never follows a link, nor does the opening; a link
    planted between the removal and the ``mkdir`` was taken for the folder). A file there is
    FileExistsError naming it; links put back every time, an :class:`ExportError`."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(_TRIES):
        with contextlib.suppress(FileExistsError):
            folder.mkdir()
        try:
            return HeldFolder(folder)
        except (FileNotFoundError, NotADirectoryError):  # removed meanwhile, a link, a file
            pass
        try:
            found = folder.lstat().st_mode
        except FileNotFoundError:  # removed meanwhile: made at the next try
            continue
        if stat.S_ISLNK(found):
            with contextlib.suppress(FileNotFoundError):
                folder.unlink()
        elif not stat.S_ISDIR(found):  # a folder put back meanwhile: opened at the next try
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder))
    raise ExportError(
        f"{folder}: not published: a symbolic link was put back there each of the {_TRIES} "
        "times it was removed (the next run publishes again)"
    )


_STATE_MOST = 1 << 20  # bytes of parts.json read at most (its counts: ~2 KB)


# copy_file_range refused for these files (another file system, an old kernel, a target
# opened to append to: EBADF, ...): copy through Python instead; any other error (a full
# disk: ENOSPC, EFBIG) is the write's
_NO_KERNEL_COPY = frozenset(
    {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM, errno.EBADF}
)


def append(source: BinaryIO, out: BinaryIO) -> int:
    """Copy the rest of ``source`` to the end of ``out`` (both unbuffered), in the kernel
    where it can (``os.copy_file_range``, until the source ends); returns the bytes copied."""
    copied = 0
    try:
        while n := os.copy_file_range(source.fileno(), out.fileno(), 1 << 30):
            copied += n
        return copied
    except OSError as exc:
        if exc.errno not in _NO_KERNEL_COPY:
            raise
    while block := source.read(1 << 20):  # from where the kernel's copy stopped
        view = memoryview(block)
        while view:  # an unbuffered write may take part of it
            view = view[out.write(view) :]
        copied += len(block)
    return copied

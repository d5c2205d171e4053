"""Reading a snapshot file line by line within limits: the one way both snapshot paths read.

:func:`snapshot_lines` never holds more than ``[limits] line_bytes`` of one line: a longer line
is skipped in bounded pieces and handed on as a :class:`SnapshotLine` with a ``problem``; a stop
request (SIGTERM) ends the reading between lines and between the pieces of a skip with
:class:`~scholarkg.lifecycle.Interrupted` (a line that never ends, from a pipe or a device, was
read for ever). Damage
in the middle of a file (a truncated or corrupt ``.gz``, an I/O error) ends the reading with one
last line naming it, so what came before still loads. A file that cannot be a snapshot at all
(a plain file named ``.gz``, one JSON array, UTF-16 or UTF-32 text, an archive or compression
other than a ``.gz``: Kaggle's ``archive.zip``, bzip2, xz, zstd, or gzip not named ``.gz``) is a
one-line error before anything is read.

:func:`scholarkg.extract.snapshot.read_line` turns one such line into a record or a
quarantined record, whichever reader (``SnapshotReader`` or a bulk worker process) calls it.

Blank lines one after another, each the same bytes (``\\n``, ``\\r\\n``), come as one
:class:`BlankRun`, counted where the reading finds them (a regular expression over what is
buffered), not read a line at a time (before: a ``.gz`` of 300 MB of ``\\n`` was 300 million
lines, each through the reader, a chunk, its digest and the manifest: 18 minutes).
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import re
import select
import stat
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

from scholarkg.errors import ExtractError, LimitExceeded, ParseError
from scholarkg.extract.page_text import wide_text
from scholarkg.lifecycle import check_stop
from scholarkg.limits import Limits

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
_SKIP_PIECE = 1024 * 1024  # how much of an oversize line is read at a time while skipping it
_KEPT_OF_OVERSIZE = 4096  # what a quarantined oversize line keeps
_DAMAGE = (EOFError, zlib.error, OSError)  # gzip.BadGzipFile is an OSError
_WAIT = 0.25  # the longest wait for a pipe's data between looks for a stop request (seconds)
_RUN_LINE = 64  # the longest blank line whose repeats are counted as a run (bytes)


class SnapshotLine(NamedTuple):
    """One line as read: its number, its bytes (the start only, if too long) and any problem."""

    number: int
    data: bytes
    problem: str | None = None

    @property
    def blank(self) -> bool:
        """Whether the line holds no record: white space alone, read without a problem (every
        other line is a record read, loaded or quarantined)."""
        return self.problem is None and not self.data.strip()


class BlankRun(NamedTuple):
    """``times`` blank lines in a row, each ``line`` (its bytes, line end included), the first
    numbered ``number``: what ``times`` :class:`SnapshotLine` of them would be, read in bulk."""

    number: int
    times: int
    line: bytes

    def lines(self) -> list[SnapshotLine]:
        """The run as the lines it is."""
        return [SnapshotLine(n, self.line) for n in range(self.number, self.number + self.times)]


Read = SnapshotLine | BlankRun
"""What :func:`snapshot_lines` hands on: a line, or blank lines in a row."""


# A file packed as this reader does not unpack, told by its first bytes (no JSON line starts
# with them), and what to do with it.
_PACKED = (
    (b"PK\x03\x04", "a zip archive, not a snapshot (JSON Lines): unzip it first (unzip {path})"),
    (b"BZh", "bzip2-compressed: decompress it first (bunzip2 -k {path})"),
    (b"\xfd7zXZ\x00", "xz-compressed: decompress it first (unxz -k {path})"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed: decompress it first (unzstd {path})"),
    (GZIP_MAGIC, "gzip-compressed although not named .gz: rename it to end in .gz"),
)


def _refuse_packed(path: Path, head: bytes) -> None:
    """ExtractError when ``head``, the file's first bytes, says it is packed as nothing this
    reader unpacks (before, each of its binary 'lines' was read and quarantined)."""
    for magic, message in _PACKED:
        if head.startswith(magic):
            raise ExtractError(str(path), message.format(path=path))


class _StoppableRead(io.RawIOBase):
    """A pipe or device read so that a stop request (SIGTERM) ends a read that waits for data:
    it waits in :func:`select.select` for at most :data:`_WAIT` at a time, looking for the stop
    between waits (a blocked ``read`` is retried after the signal handler has run, so a writer
    that kept the pipe open and went silent held the run for ever, and a named pipe no writer
    had opened yet held it in ``open``)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def readinto(self, buffer: Any) -> int:
        while not select.select([self._fd], [], [], _WAIT)[0]:
            check_stop()
        data = os.read(self._fd, len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


class _FailedCheck(OSError):
    """A gzip member whose data check fails: its text is damaged somewhere in it."""


class _CheckedPart(io.RawIOBase):
    """The first ``size`` bytes of ``unpacked``, then :class:`_FailedCheck` with ``reason``: the
    members of a ``.gz`` that check, not the one found damaged (:func:`_checked_size`)."""

    def __init__(self, unpacked: IO[bytes], size: int, reason: str) -> None:
        super().__init__()
        self._unpacked, self._left, self._reason = unpacked, size, reason

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._left:
            raise _FailedCheck(self._reason)
        data = self._unpacked.read(min(len(buffer), self._left))
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._unpacked.close()
        super().close()


_CHECKS = ("incorrect data check", "incorrect length check")  # zlib's words for a failed check
_FAILED_CHECK = ("CRC check failed", "Incorrect length")  # gzip's


def _checked_size(path: Path) -> tuple[int, str] | None:
    """Where the first member of the ``.gz`` at ``path`` whose data check (CRC-32, length)
    fails starts in its decompressed bytes, and why; None when none fails (damage of another
    kind, a truncated file, is told where the reading meets it). Read once, unpacked a piece
    at a time and dropped, before a line is: gzip checks a member only at its end, so a byte
    changed inside it unpacks to other text without a word (before: those lines loaded as
    read, and the failed check was told as damage after them)."""
    done = 0  # the decompressed bytes of the members that checked
    with path.open("rb") as packed:
        inflater, member = zlib.decompressobj(31), 0
        data = packed.read(_SKIP_PIECE)
        while True:
            check_stop()
            try:
                out = len(inflater.decompress(data, _SKIP_PIECE))
            except zlib.error as exc:
                if not str(exc).endswith(_CHECKS):
                    return None
                return done, (
                    f"the gzip member from byte {done} of the decompressed data fails its data "
                    "check: its text is damaged somewhere in it (gzip checks a member only at "
                    "its end)"
                )
            member += out
            data = inflater.unconsumed_tail
            if inflater.eof:
                done, member = done + member, 0
                data, inflater = inflater.unused_data, zlib.decompressobj(31)
            if not data:
                data = packed.read(_SKIP_PIECE)
                if not data and not out:  # the file's end, no output held back
                    return None


def _opened(path: Path) -> io.BufferedReader:
    """``path`` opened to read, buffered; a pipe or character device through
    :class:`_StoppableRead`."""
    # a named pipe opens at once, not when a writer comes: that wait is the first read's
    waits = os.O_NONBLOCK if stat.S_ISFIFO(os.stat(path).st_mode) else 0
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | waits)
    try:
        mode = os.fstat(fd).st_mode
        stoppable = stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)
        raw: io.RawIOBase = _StoppableRead(fd) if stoppable else io.FileIO(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return io.BufferedReader(raw)


class _Gunzipped(gzip.GzipFile):
    """The unpacked bytes of ``handle``, which is closed with it: the file is read once, the
    bytes looked at to tell it is gzip included (opened again, a pipe waited for ever for a
    writer)."""

    def __init__(self, handle: io.BufferedReader) -> None:
        super().__init__(fileobj=handle, mode="rb")
        self._handle = handle

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._handle.close()


Handle = io.BufferedReader | gzip.GzipFile  # read by line, looked ahead in (peek)


def _open(path: Path) -> Handle:
    """The file to read lines of, told by its first bytes, which are looked at, not consumed:
    a pipe (``<(zcat …)``, ``/dev/stdin``) is read once, from its first byte."""
    try:
        handle = _opened(path)
        try:
            head = handle.peek(8)[:8]
            if path.suffix == ".gz" and head.startswith(GZIP_MAGIC):
                unpacked = _Gunzipped(handle)
                regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)  # a pipe: read once
                if regular and (failed := _checked_size(path)) is not None:
                    return io.BufferedReader(_CheckedPart(cast(IO[bytes], unpacked), *failed))
                return unpacked
            _refuse_packed(path, head)
            if path.suffix == ".gz":
                raise ExtractError(
                    str(path), "not gzip-compressed although named .gz: rename it without .gz"
                )
        except BaseException:
            handle.close()
            raise
        return handle
    except OSError as exc:
        raise ExtractError(str(path), f"cannot open snapshot: {exc.strerror or exc}") from exc


def _refuse_json_array(path: Path, first: bytes) -> None:
    if first.lstrip().startswith(b"["):
        raise ParseError(
            str(path),
            "this is one JSON array, but a snapshot is JSON Lines (one record per line); "
            f"convert it first, e.g. jq -c '.[]' {path} > {path.stem}.jsonl",
            line=1,
        )


def _refuse_wide_text(path: Path, first: bytes, number: int) -> None:
    """A first line in UTF-16 or UTF-32 (a byte-order mark, or UTF-16's NUL every other byte),
    a NUL in its first character as JSON's ``{`` or white space has there (so a line of damage
    that starts like a mark is one bad line): the file is no UTF-8, so every line of it would
    be quarantined; refused, saying so (before, each line was read and quarantined, ``not
    UTF-8`` or ``not JSON``)."""
    if b"\0" in first[:8] and (name := wide_text(first)):
        raise ParseError(
            str(path),
            f"{name} text, but a snapshot is UTF-8; convert it first "
            f"(iconv -f {name} -t UTF-8 {path} > {path.stem}.utf8.jsonl)",
            line=number,
        )


_BARE_CR = re.compile(rb"\r(?=[^\n])")  # a carriage return that ends no CRLF


def _refuse_cr_line_ends(path: Path, first: bytes, number: int) -> None:
    """A first line holding a bare carriage return: the file's lines end in CR only (old Mac),
    so the whole file would read as one line (then "over-long line"): refused, saying so."""
    if _BARE_CR.search(first):
        raise ParseError(
            str(path),
            "lines end in a carriage return only (old Mac line ends), but a snapshot's lines "
            "end in LF or CRLF; convert it first (tr '\\r' '\\n' < old > new)",
            line=number,
        )


def _rest_of_line(read: Callable[[int], bytes], head: bytes) -> int:
    """Skip what is left of an oversize line; returns the line's full size in bytes."""
    size = len(head)
    while True:
        check_stop()
        piece = read(_SKIP_PIECE)
        size += len(piece)
        if not piece or piece.endswith(b"\n"):
            return size


def snapshot_lines(
    path: Path | str, limits: Limits, marked: list[int] | None = None
) -> Iterator[Read]:
    """Every line of a snapshot (JSON Lines, ``.gz`` too), numbered from 1, within the limits;
    blank lines in a row, each the same bytes, as one :class:`BlankRun`.

    A UTF-8 byte-order mark opening a line is no part of it: the first line's, as some editors
    write one, and a later line's, where files that each began with one were joined (``cat a
    b``); the number of each later line read without one is added to ``marked``. (Before, such a
    line in the middle of a file was quarantined, ``not JSON: Unexpected UTF-8 BOM``.)
    """
    path = Path(path)
    limit = limits.line_bytes
    number = offset = 0
    seen_content = False
    with _open(path) as handle:
        while True:
            current = number + 1  # the line being read, for a damage report
            check_stop()
            run: BlankRun | None = None
            try:
                data = handle.readline(limit + 1)
                if not data:
                    return
                number = current
                if _runs(data):
                    run = BlankRun(number, 1, data)
                    offset += len(data)
                    while more := _repeats(handle, data):  # stopped between buffers
                        run = run._replace(times=run.times + more)
                        number += more
                        offset += more * len(data)
                    yield run
                    continue
                mark = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
                if not seen_content and data[mark:].strip():
                    _refuse_wide_text(path, data, number)
                    _refuse_json_array(path, data[mark:])
                    _refuse_cr_line_ends(path, data[mark:], number)
                    seen_content = True
                if len(data) > limit and not data.endswith(b"\n"):  # the mark counts too
                    size = _rest_of_line(handle.readline, data)
                    offset += size
                    too_long = LimitExceeded(f"line is {size} bytes", "[limits] line_bytes", limit)
                    yield SnapshotLine(number, data[mark : mark + _KEPT_OF_OVERSIZE], str(too_long))
                    continue
            except _DAMAGE as exc:
                if offset == 0 and isinstance(exc, gzip.BadGzipFile):
                    raise ExtractError(str(path), f"not a readable gzip file: {exc}") from exc
                if run is not None:  # the blank lines read before the damage
                    yield run
                    current = number + 1
                yield _damage(path, current, offset, exc)
                return
            offset += len(data)
            if mark and number > 1 and marked is not None:
                marked.append(number)
            yield SnapshotLine(number, data[mark:])


def _runs(data: bytes) -> bool:
    """Whether ``data``, a line, is blank and short enough to count its repeats as a run."""
    return len(data) <= _RUN_LINE and data.endswith(b"\n") and not data.strip()


@functools.lru_cache(maxsize=16)
def _repeated(line: bytes) -> re.Pattern[bytes]:
    return re.compile(b"(?:" + re.escape(line) + b")+")


def _repeats(handle: Handle, line: bytes) -> int:
    """How many times ``line`` comes again next in what ``handle`` holds buffered (read once
    more when none is), consumed; 0 when the next bytes are not ``line`` or the file ends."""
    check_stop()
    found = _repeated(line).match(handle.peek(len(line)))
    if found is None:
        return 0
    handle.read(found.end())
    return found.end() // len(line)


def _damage(path: Path, number: int, offset: int, exc: BaseException) -> SnapshotLine:
    what: object = exc
    if isinstance(exc, EOFError):
        what = "compressed data ends early (truncated file?)"
    elif isinstance(exc, gzip.BadGzipFile) and str(exc).startswith(_FAILED_CHECK):
        # a pipe, read once, so not checked before (:func:`_checked_size`)
        what = f"{exc}: a gzip member failed its data check, so lines read before may be damaged"
    data = "decompressed data" if path.suffix == ".gz" else "file"
    problem = f"damaged input after byte {offset} of the {data}: {what}; nothing after it was read"
    return SnapshotLine(number, b"", problem)

"""``scholarkg query``'s stdout while an answer streams: its text written to stdout's file
descriptor, every wait for the reader to take more bounded by the query's time limit. A reader
that never reads (a pipe whose other end is open but idle) ends the query at its limit, as rows
that keep coming do (before: the write blocked in the kernel, where no limit reached it, and the
command and its worker stayed forever); a stop request (SIGTERM/SIGINT) ends a wait at once.

No write can block: each waits (``poll``) until the descriptor takes more, then writes at most
:data:`PIPE_BUF` bytes to a pipe, terminal or socket (what one ready for writing takes without
blocking), more at a time to a file (never held by a reader). Stdout stays in blocking mode: its
file description may be shared with the shell and other processes."""

from __future__ import annotations

import codecs
import contextlib
import os
import select
import stat
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from scholarkg.lifecycle import Interrupted

PIPE_BUF = select.PIPE_BUF  # bytes a pipe that polls writable takes without blocking
HOLD = 1 << 16  # bytes held before they are written out
_WAIT_SLICE = 0.25  # seconds between looks at a stop request while the reader takes nothing


class DeadlineOutput:
    """Text written to the file descriptor ``fd`` in ``encoding``; a wait for the reader past
    ``deadline`` (``time.monotonic()``) raises ``late()``, a stop request raises
    :class:`Interrupted`. Text is held up to :data:`HOLD` bytes, all of it written by
    :meth:`flush`."""

    def __init__(
        self,
        fd: int,
        deadline: float,
        late: Callable[[], Exception],
        *,
        encoding: str = "utf-8",
        errors: str = "strict",
        stop: threading.Event | None = None,
    ) -> None:
        self.fd, self.deadline, self.late, self.stop = fd, deadline, late, stop
        self.encoder = codecs.getincrementalencoder(encoding)(errors)
        self.pending = bytearray()
        self.sent = 0  # bytes written to ``fd``
        self.chunk = HOLD if stat.S_ISREG(os.fstat(fd).st_mode) else PIPE_BUF
        self.poller = select.poll()
        self.poller.register(fd, select.POLLOUT)

    def write(self, text: str) -> int:
        self.pending += self.encoder.encode(text)
        if len(self.pending) >= HOLD:
            self.flush()
        return len(text)

    def flush(self) -> None:
        """Write out every byte held, waiting no longer than the deadline."""
        while self.pending:
            self._wait()
            try:  # a reader gone: BrokenPipeError, which ends the command as SIGPIPE would
                written = os.write(self.fd, self.pending[: self.chunk])
            except BlockingIOError:  # stdout left non-blocking by another process
                continue
            del self.pending[:written]
            self.sent += written

    @property
    def position(self) -> int:
        """Bytes of the text written so far: those sent and those held."""
        return self.sent + len(self.pending)

    def _wait(self) -> None:
        """Until ``fd`` takes more (or its reader is gone: the write then says so)."""
        while True:
            if self.stop is not None and self.stop.is_set():
                raise Interrupted("stop requested")
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise self.late()
            if self.poller.poll(min(left, _WAIT_SLICE) * 1000):
                return


def bounded_stdout(
    deadline: float, late: Callable[[], Exception], stop: threading.Event | None = None
) -> TextIO | DeadlineOutput:
    """``sys.stdout`` as a :class:`DeadlineOutput` over its file descriptor (what it holds
    written first), or ``sys.stdout`` itself when it has none (replaced, captured)."""
    out = sys.stdout
    try:
        fd = out.fileno()
    except (AttributeError, ValueError):  # io.UnsupportedOperation is a ValueError
        return out
    out.flush()
    with contextlib.suppress(OSError):  # e.g. a descriptor poll does not take
        return DeadlineOutput(
            fd,
            deadline,
            late,
            encoding=getattr(out, "encoding", None) or "utf-8",
            errors=getattr(out, "errors", None) or "strict",
            stop=stop,
        )
    return out

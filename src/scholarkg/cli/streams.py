"""The CLI's standard streams on a terminal whose encoding cannot hold every character
(``PYTHONIOENCODING=ascii``, a locale without UTF-8): stdout, which carries data (query
answers, exports, ``--json``; UTF-8 by their specifications), is written as UTF-8 whatever the
terminal's encoding; stderr, messages for people, shows what it cannot encode as escapes
(``L\\xe9onard``). Before, either failed with a traceback at the first such character."""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


def _is_utf8(stream: TextIO) -> bool:
    try:
        return codecs.lookup(stream.encoding or "utf-8").name == "utf-8"
    except LookupError:
        return False


def encode_every_character() -> None:
    """stdout as UTF-8, stderr escaping what it cannot encode (see the module's text)."""
    if isinstance(sys.stdout, io.TextIOWrapper) and not _is_utf8(sys.stdout):
        sys.stdout.flush()
        sys.stdout.reconfigure(encoding="utf-8")
    if isinstance(sys.stderr, io.TextIOWrapper) and not _is_utf8(sys.stderr):
        sys.stderr.reconfigure(errors="backslashreplace")


def _devnull_at(fd: int) -> TextIO:
    """``os.devnull`` open for writing, as file descriptor ``fd`` when that one is closed
    (inheritable, so a child the command starts has it too: the temporary Prefect API's
    uvicorn fails without a stdout), else as a descriptor of its own."""
    try:
        os.fstat(fd)
    except OSError:  # closed: devnull takes its place
        devnull = os.open(os.devnull, os.O_WRONLY)
        if devnull != fd:
            os.dup2(devnull, fd)  # inheritable
            os.close(devnull)
        os.set_inheritable(fd, True)
        return open(fd, "w", encoding="utf-8")  # closed by the caller
    devnull = os.open(os.devnull, os.O_WRONLY)
    return open(devnull, "w", encoding="utf-8")  # closed by the caller


@contextmanager
def closed_streams_to_devnull() -> Iterator[None]:
    """For the call: stdout or stderr the process was started without (``>&-``, ``2>&-``;
    Python has None for it) is ``os.devnull``, so a command runs as it would, showing nothing
    there. Before, ``print(..., file=sys.stderr)`` with stderr None wrote to stdout (an
    ``error: …`` line in the data a caller kept: ``2>&- > answer.json``), and writing an
    answer or a dump to stdout None was an AttributeError traceback."""
    closed = [
        (name, fd) for name, fd in (("stdout", 1), ("stderr", 2)) if getattr(sys, name) is None
    ]
    for name, fd in closed:
        setattr(sys, name, _devnull_at(fd))
    try:
        yield
    finally:
        for name, _ in closed:
            stand_in = getattr(sys, name)
            setattr(sys, name, None)
            if stand_in is not None:
                stand_in.close()

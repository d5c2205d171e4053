"""The time a snapshot's records are judged by: none of them can be dated after it.

The file's modification time (:func:`file_written`), as a store first read each chunk's bytes
with (:mod:`scholarkg.runs.first_written`), or as it is now when no store read them; a
:class:`Dated` says which. Apart from the reader so the CLI can name them without importing it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

FIRST_READ = "first read"  # the file's time when a store first read the chunk's bytes
FILE_NOW = "file now"  # the file's modification time now: no store read them


class Dated(NamedTuple):
    """The time a chunk is judged by (None: not judged, the file has none) and which time it
    is: :data:`FIRST_READ` or :data:`FILE_NOW`."""

    time: dt.datetime | None
    by: str


NO_TIME_BEFORE = dt.datetime(1991, 8, 1, tzinfo=dt.UTC)  # before arXiv's first paper: no time


def file_written(path: Path) -> dt.datetime | None:
    """When the snapshot file at ``path`` was last written (its modification time now, UTC): no
    record in it can be dated after. The raw archive records no snapshot file, so a chunk is
    judged by this time as it was when its bytes were first read
    (:mod:`scholarkg.runs.first_written`), so a file touched or copied since, or a killed load
    resumed, judges each line alike. None when it cannot be read (opening it then says why) or is
    before arXiv's first paper (:data:`NO_TIME_BEFORE`): an archive unpacked without times or a
    reproducible build stamps the epoch, which would refuse every record."""
    try:
        written = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except (OSError, ValueError, OverflowError):
        return None
    return written if written >= NO_TIME_BEFORE else None

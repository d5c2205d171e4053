"""The messages a logger gives while a test watches it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


class Kept(logging.Handler):
    """The messages of the records it handles, in ``said``."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record.getMessage())


@contextlib.contextmanager
def kept_logs(name: str) -> Iterator[Kept]:
    """What the logger ``name`` gives in the ``with`` block, whatever the handlers above it do
    (pytest's ``caplog`` got none of a Dask worker thread's in test_batch_stop_reads)."""
    kept, logger = Kept(), logging.getLogger(name)
    logger.addHandler(kept)
    try:
        yield kept
    finally:
        logger.removeHandler(kept)

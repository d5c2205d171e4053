"""Whether the query workers can open the store: its failure and its end each logged once."""

from __future__ import annotations

import logging
import threading

from scholarkg.serve.middleware import loggable

log = logging.getLogger("scholarkg.serve.worker_supply")  # where operators have read it


class OpenFailure:
    """Why no query worker could open the store, until one does (``why``; None: it opens).
    Threads that fail or succeed at once log one line between them (before: each retry thread
    that looked before another had noted the failure logged it again)."""

    def __init__(self) -> None:
        self.why: str | None = None
        self._lock = threading.Lock()

    def failed(self, error: Exception) -> None:
        """A worker could not open the store: one warning until one can."""
        with self._lock:
            first, self.why = self.why is None, str(error)
        if first:
            log.warning(
                "the store cannot be opened for a query worker (retrying every second): %s",
                loggable(str(error)),
            )

    def ended(self) -> None:
        """A worker opened the store: said once, if it could not before."""
        with self._lock:
            failed, self.why = self.why is not None, None
        if failed:
            log.info("the store opened again: queries are answered")

"""SPARQL Update for ``scholarkg serve --allow-updates``.

An embedded store is written only by one update worker process (a :class:`WorkerPool` of one
that opens the store read-write), under the query time and memory limits: an update a limit
stops commits nothing (Oxigraph applies an update as one transaction) and a new update worker
takes the store. A SPARQL-server store gets each update as one request to its update endpoint.

Opening the embedded store to write changes RocksDB's files, which breaks the seal of a store a
run closed in line with its manifest (:mod:`scholarkg.store.seal`). A server that applied no
update leaves the store as in line as it found it: once its update worker is gone it seals the
store again (not when it was killed: then the next run compares every graph name, as after a
run that was).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from scholarkg.errors import ConfigError, LoadError, QueryError, QueryLimitError
from scholarkg.load.written_around import mark_written_around
from scholarkg.serve.guard import QueryLimits, check_query
from scholarkg.serve.job_errors import STORE_DOWN_RETRY_AFTER
from scholarkg.serve.middleware import loggable
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.worker_failures import store_unreachable
from scholarkg.serve.workers import WorkerPool
from scholarkg.store.seal import seal, take_seal

log = logging.getLogger(__name__)


class Updates:
    """Where the server's SPARQL Updates go; :meth:`apply` blocks until one is done. Each is
    noted first beside the store's manifest (``state_dir``; an embedded store's own directory
    when not given), so the next run publishes the graphs as the update left them."""

    def __init__(
        self, spec: StoreSpec, limits: QueryLimits, store: Any, state_dir: Path | None = None
    ) -> None:
        self.limits = limits
        self.store = store
        embedded = Path(spec.location) if spec.kind == "oxigraph" else None
        self.state_dir = state_dir or embedded
        self.pool: WorkerPool | None = None
        self.asked = False  # an update came (applied or not: the seal is not renewed)
        self._in_line = False  # the store was sealed when the update worker opened it
        if spec.kind != "oxigraph":
            return
        if not getattr(store, "read_only", True):
            raise ConfigError(
                f"{spec.location}: open the store read-only to serve it with updates: "
                "SPARQL Update runs in a worker process, the only one that opens it to write"
            )
        _refuse_unwritable(Path(spec.location), self.state_dir)
        # read (and removed) before the update worker opens the store, as a run does
        self._in_line = take_seal(Path(spec.location), self.state_dir or Path(spec.location))
        try:
            self.pool = WorkerPool(
                StoreSpec("oxigraph", spec.location, writable=True), limits, 1, lend=False
            )
        except QueryError as exc:
            raise LoadError(
                f"{spec.location}: cannot open the store to write ({exc}); "
                "is another process using it?"
            ) from exc

    def apply(self, text: str) -> None:
        self.asked = True
        if self.state_dir is not None:
            mark_written_around(self.state_dir)
        if self.pool is not None:
            self.pool.update(text)  # checks the text against the limits first
            return
        check_query(text, self.limits)
        if not hasattr(self.store, "update"):
            raise QueryError("this server cannot run SPARQL Update")
        try:
            self.store.update(text)
        except LoadError as exc:  # names the store and quotes its answer: the log's, not the
            kind = type(exc).__name__  # client's (as for a query the store could not answer)
            log.warning("the store could not apply the update: %s", loggable(f"{kind}: {exc}"))
            said = f"the store could not apply the update ({kind})"
            if store_unreachable(exc):  # the server down: nothing applied, worth a retry
                raise QueryLimitError(
                    f"{said}: it cannot be reached; try again shortly",
                    status=503,
                    retry_after=STORE_DOWN_RETRY_AFTER,
                ) from None
            raise QueryLimitError(said, status=502) from None  # the server refused or failed

    def close(self) -> None:
        """Stop the update worker; seal the store again if it was sealed and no update came."""
        if self.pool is None:
            return
        self.pool.close()  # the worker is gone: nothing writes the store now
        if self._in_line and not self.asked:
            path = Path(self.pool.spec.location)
            seal(path, self.state_dir or path)
        self._in_line = False


def _refuse_unwritable(*places: Path | None) -> None:
    """One line when a folder updates write in (the store's, its manifest's) cannot be written:
    a read-only copy or mount is served without ``--allow-updates`` (before: a
    ``PermissionError`` traceback removing the seal, and the server hung on its query workers)."""
    for place in places:
        if place is not None and place.is_dir() and not os.access(place, os.W_OK):
            raise ConfigError(
                f"{place}: cannot serve updates: the folder cannot be written (a read-only copy "
                "or mount?); serve it without --allow-updates"
            )

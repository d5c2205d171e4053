"""The error a caller of the worker pool gets: a failed job's by its kind, a limit, a busy pool."""

from __future__ import annotations

import logging
from typing import Protocol

from scholarkg.errors import QueryError, QueryLimitError, StoreAnswerError
from scholarkg.serve.jobs import JobFailure
from scholarkg.serve.middleware import loggable

log = logging.getLogger(__name__)
BUSY_RETRY_AFTER = 5  # seconds a client is told to wait when every worker was busy
STORE_DOWN_RETRY_AFTER = 5  # seconds a client is told to wait when the SPARQL server was down


class NotAcceptableError(QueryError):
    """The client accepts no format this kind of result comes in (``kind``: results | graph)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"no acceptable format for {kind} results")


class Gone(Protocol):
    """Whether a query's client has gone (a ``threading.Event``, or a flight's
    :class:`~scholarkg.serve.cache.Unwanted`): the pool stops a job for no one."""

    def is_set(self) -> bool: ...


def still_running(limit: float) -> QueryLimitError:
    """What a client waiting for the same query's running answer gets past its time limit."""
    return QueryLimitError(
        "the same query is being answered for another client (or the warm-up after a store "
        f"change) and took longer than {limit:g} s so far; its answer is kept for you: try "
        "again shortly",
        status=503,
        retry_after=BUSY_RETRY_AFTER,
    )


def exhausted_error(why: str) -> QueryLimitError:
    """A query refused at once: on this version of the store a limit stopped it (``why``)."""
    return QueryLimitError(
        f"query refused: on this version of the store it {why}; narrow it (a filter, "
        "a LIMIT) or use the dumps",
        status=503,
    )


def over_time(limit: float) -> QueryLimitError:
    """What the caller of a streamed query gets once its stream passed the time limit."""
    return QueryLimitError(
        f"query stopped: it ran longer than the time limit of {limit:g} s",
        status=503,
        limit="time",
    )


def client_left() -> QueryLimitError:
    """What a caller gets whose client closed its connection (logged 499, sent to no one)."""
    return QueryLimitError("query stopped: its client closed the connection", status=499)


def queue_full(waited: float, *, update: bool = False) -> QueryLimitError:
    """What a caller gets that waited ``waited`` seconds (``[serve] queue_wait``) for a worker
    while every one was busy."""
    busy = "the update worker was" if update else "every query worker was"
    return QueryLimitError(
        f"{busy} busy for {waited:g} s ([serve] queue_wait); try again shortly",
        status=503,
        retry_after=BUSY_RETRY_AFTER,
    )


def unopened() -> QueryLimitError:
    """What a caller gets while no worker can open the store (moved, or being replaced)."""
    return QueryLimitError(
        "the store could not be opened for this query; try again shortly",
        status=503,
        retry_after=BUSY_RETRY_AFTER,
    )


def failure_error(failure: JobFailure) -> QueryError:
    """The error a failed job is raised as (its kind decides the class and status); the
    store's own words (``detail``) are one line of the server's log, never the client's."""
    if failure.detail:
        log.warning("the store could not answer: %s", loggable(failure.detail))
    if failure.kind == "not-acceptable":
        return NotAcceptableError(failure.message)
    if failure.kind == "syntax":
        return QueryError(failure.message)
    if failure.kind == "unrepresentable":  # the format asked for cannot carry this result
        return QueryLimitError(failure.message, status=406)
    if failure.kind == "size":
        return QueryLimitError(f"query stopped: {failure.message}", status=507)
    if failure.kind == "memory":  # the same limit as a worker the allocator stopped
        return QueryLimitError(f"query stopped: {failure.message}", status=503, limit="memory")
    reason, said = failure.message, failure.said
    if failure.kind == "unavailable":  # a SPARQL server down: worth asking again shortly
        return StoreAnswerError(reason, said=said, status=503, retry_after=STORE_DOWN_RETRY_AFTER)
    if failure.kind == "upstream":  # a SPARQL server's error, timeout or unreadable answer
        return StoreAnswerError(reason, said=said, status=502)
    return StoreAnswerError(reason, said=said, status=500)

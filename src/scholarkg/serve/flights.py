"""Single flight: an identical query asked while one is being answered waits for that answer
(the warm-up's whole-store aggregates after a store change, a page many clients open at once)
instead of running it a second time; the one running is stopped once no client wants it."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from scholarkg.errors import ScholarKGError
from scholarkg.serve.job_errors import Gone, client_left

GONE_CHECK = 0.2  # seconds between looks at whether a waiting client has gone
STOP_GRACE = 10.0  # seconds a waiter allows, past its limit, for a stopped worker's killing


@dataclass
class Flight:
    """One query being answered: ``done`` is set once it ended; ``failure`` is the error it
    ended with that its waiters get too (:func:`shared`): a copy of it, with the run's
    traceback as it was, that nothing raises; each waiter raises :func:`copied` of it."""

    limit: float  # the time limit it runs under
    done: threading.Event = field(default_factory=threading.Event)
    failure: ScholarKGError | None = None

    def patience(self, limit: float) -> float:
        """How long a waiter whose own limit is ``limit`` waits for it: past its limit by
        :data:`STOP_GRACE` when its limit would stop it first, so the waiter sees that stop
        (before: its wait ended while the worker was being killed, and it was told the
        answer was coming)."""
        return limit + STOP_GRACE if self.limit <= limit else limit


class Flights:
    """Queries being answered now, by key: an identical query asked meanwhile waits for the
    first one's answer (kept in the result cache) instead of running it a second time — the
    warm-up's whole-store aggregates after a store change, a page many clients open at once.
    Every client waiting for one is counted (:meth:`settled`, :meth:`first`): the one running
    it is stopped only once its own client and every waiting one have left (:meth:`unwanted`)."""

    def __init__(self) -> None:
        self._running: dict[Hashable, Flight] = {}
        self._waiters: dict[Hashable, list[asyncio.Future[Flight]]] = {}  # :meth:`settled`'s
        self._threads: dict[Hashable, int] = {}  # :meth:`first`'s waiters, in query threads
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def first(self, key: Hashable, limit: float) -> Iterator[Flight | None]:
        """Yields None to the first asker of ``key`` (it runs the query under ``limit``;
        others wait until it leaves the block), or the running one's :class:`Flight`. An error
        :func:`shared` leaving the block is the flight's ``failure``."""
        with self._lock:
            running = self._running.get(key)
            if running is None:
                mine = self._running[key] = Flight(limit)
            else:
                self._threads[key] = self._threads.get(key, 0) + 1
        if running is not None:
            try:
                yield running
            finally:
                with self._lock:
                    left = self._threads.pop(key) - 1
                    if left:
                        self._threads[key] = left
            return
        try:
            yield None
        except ScholarKGError as exc:
            mine.failure = snapshot(exc) if shared(exc) else None
            raise
        finally:
            with self._lock:
                del self._running[key]
                waiters = self._waiters.pop(key, [])
            mine.done.set()
            for future in waiters:
                with contextlib.suppress(RuntimeError):  # its loop closed: nobody waits
                    future.get_loop().call_soon_threadsafe(_settle, future, mine)

    def unwanted(self, key: Hashable, gone: Gone) -> Unwanted:
        """What stops the running ``key``: ``gone`` (its asker left) and no client waiting."""
        return Unwanted(self, key, gone)

    def wanted(self, key: Hashable) -> bool:
        """Whether a client waits for the running answer of ``key``."""
        with self._lock:
            return bool(self._waiters.get(key)) or key in self._threads

    async def settled(self, key: Hashable, limit: float) -> Flight | Literal[False] | None:
        """Wait in the event loop (no thread) for the running answer of ``key``: None when
        none is running, its :class:`Flight` once it ended, False when the waiter's
        :meth:`Flight.patience` under ``limit`` ran out first. A waiter cancelled (its client
        gone) is no longer counted."""
        future: asyncio.Future[Flight] = asyncio.get_running_loop().create_future()
        with self._lock:
            running = self._running.get(key)
            if running is None:
                return None
            self._waiters.setdefault(key, []).append(future)
        try:
            return await asyncio.wait_for(asyncio.shield(future), running.patience(limit))
        except TimeoutError:
            return False
        finally:
            with self._lock:
                left = self._waiters.get(key)
                if left is not None and future in left:
                    left.remove(future)
                    if not left:
                        del self._waiters[key]

    def waiting(self) -> int:
        """How many requests wait in the event loop for a running answer (for tests)."""
        with self._lock:
            return sum(len(futures) for futures in self._waiters.values())

    def waiting_threads(self) -> int:
        """How many requests wait in a query thread for a running answer (for tests)."""
        with self._lock:
            return sum(self._threads.values())

    def running(self) -> int:
        """How many distinct queries are being answered (for tests and logs)."""
        with self._lock:
            return len(self._running)


class Unwanted:
    """Set (as the worker pool's ``CLIENT_GONE`` sees it) once the client that runs a flight
    has gone and no other waits for its answer: the query is stopped for no one."""

    def __init__(self, flights: Flights, key: Hashable, gone: Gone) -> None:
        self.flights, self.key, self.gone = flights, key, gone

    def is_set(self) -> bool:
        return self.gone.is_set() and not self.flights.wanted(self.key)


def shared(exc: ScholarKGError) -> bool:
    """Whether the waiters of a flight that failed with ``exc`` get that failure (a store's
    error, a result too large …; before: each asked it again, counted against its client's
    cap): not a time or memory limit's stop (what the waiter's own limit makes of it is
    :class:`~scholarkg.serve.cache.Exhausted`'s to say), nor its client's leaving."""
    limit, status = getattr(exc, "limit", None), getattr(exc, "status", None)
    return limit not in ("time", "memory") and status != 499


def copied(exc: ScholarKGError) -> ScholarKGError:
    """A new exception of ``exc``'s type, message and attributes, with no traceback: what one
    waiter of a failed flight raises (``from`` its ``failure``). Before: each raised the one
    exception object, from several threads at once, and each raise added its frames to that
    object's ``__traceback__`` (a log showed another thread's stack). Not built by its
    ``__init__``, whose arguments may not be its ``args`` (``StoreAnswerError``'s are not)."""
    kind = type(exc)
    copy = kind.__new__(kind, *exc.args)
    copy.__dict__.update(exc.__dict__)
    return copy


def snapshot(exc: ScholarKGError) -> ScholarKGError:
    """A copy of ``exc`` with its traceback and causes as they are now (the run's stack),
    which stay so as ``exc`` goes on up its own thread's stack."""
    copy = copied(exc).with_traceback(exc.__traceback__)
    copy.__cause__, copy.__context__ = exc.__cause__, exc.__context__
    copy.__suppress_context__ = exc.__suppress_context__
    return copy


def wait_for(flight: Flight, limit: float, gone: Gone | None) -> bool:
    """Wait in a thread for ``flight``'s answer: False past its :meth:`Flight.patience` under
    ``limit``; a client that has gone meanwhile stops waiting within :data:`GONE_CHECK`
    seconds (499)."""
    running = flight.done
    deadline = time.monotonic() + flight.patience(limit)
    while not running.wait(max(0.0, min(GONE_CHECK, deadline - time.monotonic()))):
        if gone is not None and gone.is_set():
            raise client_left()
        if time.monotonic() >= deadline:
            return False
    return True


def _settle(future: asyncio.Future[Flight], flight: Flight) -> None:
    if not future.done():
        future.set_result(flight)

"""Many sources in a bounded number of Prefect tasks: batches of sources, a window of them in
flight, their results in the sources' order.

One task (and one future) per source made 10 000 task runs for 5 000 one-line profile files,
all submitted at once: ~3 sources a second and a temporary Prefect API grown to 1.6 GB, each
task run's state changes written to it. A batch is one task run for up to ``size`` sources.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from prefect import get_run_logger
from prefect.exceptions import MissingContextError
from prefect.futures import PrefectFuture
from scholarkg_flows.stop_event import RECORD, event_call, event_name, keep, recorded

from scholarkg.config import Config
from scholarkg.errors import ScholarKGError
from scholarkg.lifecycle import Interrupted, check_stop

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

RUN_GONE = "the run that sent this batch stopped or ended"
UNREAD_MAX = 3  # reads of the stop in a row a batch may fail and go on as if not stopped


@dataclass(frozen=True)
class BatchStop:
    """A batch's look at its run's stop, before each of its sources; picklable, it goes with
    the batch. A batch in the flow's process (the thread runner's) sees the process's own stop
    (:func:`~scholarkg.lifecycle.check_stop`, set by the SIGTERM/SIGINT handler); a batch on a
    Dask worker, another process and maybe another machine, also reads the run's Dask event
    ``event``, set while the run goes on (:func:`run_going`), each read waiting at most
    ``deadline`` seconds (``[runner] dask_event_deadline``). Before, a Dask worker saw no
    stop: each batch in flight did all its sources after it."""

    event: str | None = None
    deadline: float = 2.0

    def batch_check(self) -> Callable[[], None]:
        """The check one batch makes before each of its sources (:class:`StopReads`)."""
        return StopReads(self.event, self.deadline).check


class StopReads:
    """One batch's reads of its run's stop. A read that fails (the scheduler out of reach:
    no answer within the deadline, ``OSError``, ``distributed``'s ``CommClosedError``; then,
    once the worker's client gave up reaching it again, ``RuntimeError`` or ``AttributeError``
    from within ``distributed``: any error of the read) is taken as no stop, said once in the
    log, for up to :data:`UNREAD_MAX` reads in a row: the flow's own process sees its stop
    itself and waits for no batch. One more fails the batch on one line naming the event.
    Before, the first failed read failed the batch, and so the run; and a read waited for a
    scheduler gone until ``distributed.comm.timeouts.connect`` (30 s) passed."""

    def __init__(self, event: str | None, deadline: float = 2.0) -> None:
        self.event = event
        self.deadline = deadline
        self.unread = 0  # the reads in a row that failed
        self.said = False

    def check(self) -> None:
        """Raise :class:`~scholarkg.lifecycle.Interrupted` once the run stopped."""
        check_stop()
        if self.event is None:
            return
        try:
            going = event_call("event_is_set", self.event, self.deadline)
        except Exception as exc:  # what a client that lost its scheduler raises varies
            self.unread += 1
            if self.unread > UNREAD_MAX:
                raise ScholarKGError(
                    f"Dask event {self.event}: the run's stop could not be read "
                    f"{self.unread} times in a row: {said(exc)}"
                ) from exc
            if not self.said:
                self.said = True
                run_logger().warning(
                    "Dask event %s: the run's stop could not be read (%s); the batch goes on "
                    "as if not stopped, for at most %d reads in a row",
                    self.event,
                    said(exc),
                    UNREAD_MAX,
                )
            return
        self.unread = 0
        if not going:
            raise Interrupted(RUN_GONE)


def said(exc: BaseException) -> str:
    """``exc`` on one line, its kind first (``CommClosedError`` says nothing else)."""
    return " ".join(f"{type(exc).__name__}: {exc}".split()).rstrip(": ")


def run_logger() -> logging.Logger | logging.LoggerAdapter[Any]:
    """The Prefect run's logger (its log in the Prefect API); outside a run, this module's."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


@contextlib.contextmanager
def run_going(client: Client | None, config: Config, run_id: str) -> Iterator[BatchStop]:
    """The run's :class:`BatchStop` while it sends batches. On a Dask cluster (``client``): a
    Dask event of the run's own (:func:`~scholarkg_flows.stop_event.event_name`), set meanwhile
    and cleared (which also removes it from the scheduler) on leaving, however the run leaves:
    stopped (the flow's wait raises the stop within half a second), failed or done. A batch
    still on the cluster then ends before its next source, the run's own process gone or not.
    Each call about it waits at most ``[runner] dask_event_deadline`` seconds.

    The event's name is kept in the data directory's state folder until it is cleared: the
    next run there (``run_id``'s run holds the run lock) first clears those an earlier run
    left set, killed (SIGKILL) or its clearing failed (the scheduler out of reach: said on one
    line naming it), which ends that run's batches still in flight too. Before, such an event
    stayed on the scheduler until it restarted, and its run's batches went on to their last
    source. Either way, an event left set stops no other run, nor keeps one going: each run
    reads its own."""
    deadline = config.runner.dask_event_deadline
    if client is None:
        yield BatchStop(deadline=deadline)
        return
    record = config.state_dir / RECORD
    left = [stale for stale in recorded(record) if not cleared(client, stale, deadline, True)]
    name = event_name(run_id)
    keep(record, [*left, name])  # before it is set: a run killed any time after is found
    try:
        event_call("event_set", name, deadline, client)
    except Exception as exc:  # what a client that lost its scheduler raises varies
        raise ScholarKGError(f"Dask event {name}: could not be set: {said(exc)}") from exc
    try:
        yield BatchStop(name, deadline)
    finally:
        if cleared(client, name, deadline, False):
            with contextlib.suppress(OSError, ScholarKGError):  # the next run clears it again
                keep(record, left)


def cleared(client: Client, name: str, deadline: float, earlier: bool) -> bool:
    """Whether the event ``name`` (an ``earlier`` run's, or this run's) was cleared; one
    warning in the log either way for an earlier run's (it was killed, or its clearing
    failed), for this run's only when it was not."""
    try:
        event_call("event_clear", name, deadline, client)
    except Exception as exc:  # what a client that lost its scheduler raises varies
        if earlier:
            run_logger().warning(
                "Dask event %s, left set by an earlier run of this data directory: could not "
                "be cleared (%s); kept for the next run",
                name,
                said(exc),
            )
        else:
            run_logger().warning(
                "Dask event %s: could not be cleared (%s); left set, it stops no other run "
                "and the next run of this data directory clears it",
                name,
                said(exc),
            )
        return False
    if earlier:
        run_logger().warning(
            "Dask event %s, left set by an earlier run of this data directory: cleared", name
        )
    return True


def batch_size(count: int, per_task: int, workers: int) -> int:
    """At most ``per_task`` sources a batch, fewer when there are few sources so that each of
    the ``workers`` still has one (ten pages and two workers: two batches of five, not one of
    ten on one worker)."""
    return max(1, min(per_task, -(-count // max(workers, 1))))


def in_batches(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` cut into consecutive lists of ``size`` (the last one shorter)."""
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def batched_results(
    batches: Sequence[list[T]],
    submit: Callable[[list[T]], PrefectFuture[list[R]]],
    settle: Callable[[PrefectFuture[list[R]], list[T]], list[R]],
    window: int,
) -> Iterator[tuple[T, R]]:
    """Each item with its result, in the items' order: ``window`` batches submitted at first,
    then the next one each time the oldest is settled (``settle`` waits on its future and
    gives one result per item, in order), so at most ``window`` futures are in flight."""
    waiting = iter(batches)
    pending: deque[tuple[list[T], PrefectFuture[list[R]]]] = deque()

    def submit_next() -> None:
        batch = next(waiting, None)
        if batch is not None:
            pending.append((batch, submit(batch)))

    for _ in range(max(window, 1)):
        submit_next()
    while pending:
        batch, future = pending.popleft()
        results = settle(future, batch)
        submit_next()
        yield from zip(batch, results, strict=True)

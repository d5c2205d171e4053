"""Many sources in a bounded number of Prefect tasks: batches of sources, a window of them in
flight, their results in the sources' order.

One task (and one future) per source made 10 000 task runs for 5 000 one-line profile files,
all submitted at once: ~3 sources a second and a temporary Prefect API grown to 1.6 GB, each
task run's state changes written to it. A batch is one task run for up to ``size`` sources.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from prefect.futures import PrefectFuture

T = TypeVar("T")
R = TypeVar("R")


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

"""Python's cyclic garbage collector, set for a run's batch work.

A run's processes allocate containers in large batches that live until the batch is done (a
chunk of 1 000 records unpickled at once, a segment's manifest rows, a batch of identity
decisions). With Python's default threshold (a young collection every 700 new containers)
each batch sets off hundreds of young collections, which promote whatever is in flight to the
old generation and so bring on full collections that walk the whole heap: 31 of them in the
run's process at 30 000 records, ~7 s with the GIL held. What a run frees, reference
counting frees (it makes little cyclic garbage), so during a run young objects are collected
every :data:`RUN_THRESHOLDS`\\[0] new containers instead (two paired 30 000-record loads:
17 % and 7 % less wall time; the README has the bench figures).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

RUN_THRESHOLDS = (50_000, 20, 20)

_lock = threading.Lock()
_open = 0  # blocks open in this process (runs in threads may overlap in any order)
_before: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def batch_collection() -> Iterator[None]:
    """Within the block, collect with :data:`RUN_THRESHOLDS`; the thresholds from before the
    first open block are restored when the last one closes."""
    global _open, _before
    with _lock:
        if _open == 0:
            _before = gc.get_threshold()
            gc.set_threshold(*RUN_THRESHOLDS)
        _open += 1
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _open == 0:
                gc.set_threshold(*_before)


def set_for_batches() -> None:
    """For a process that only does a run's batch work (a worker): :data:`RUN_THRESHOLDS`
    for the rest of its life."""
    gc.set_threshold(*RUN_THRESHOLDS)

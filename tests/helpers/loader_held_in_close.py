"""Run ``scholarkg`` with the arguments, its bulk loader's thread held at the first chunk it
takes until the run closes the loader (every chunk queued, and the end: the queue is made long
enough to hold them all), then until a stop is asked for, saying ``killed_at: waiting for a stop
at <point>`` on stderr as ``helpers/killed_at.py``'s ``KILLED_BY=WAIT`` does: a test's SIGTERM
then comes while ``BulkLoader.close`` waits for queued work. Each chunk the thread takes is
said on stderr (``loader: took a chunk``), the held one once it goes on."""

from __future__ import annotations

import sys
import threading
from typing import Any

from killed_at import WAIT_BOUND, wait_for_a_stop

POINT = "scholarkg.load.bulk:BulkLoader.close (its thread held at its first chunk)"
QUEUE_CHUNKS = 1000  # the whole run's chunks and its end: the run gets to close


def install() -> None:
    from scholarkg.load.bulk import BulkLoader

    closing = threading.Event()
    taken = [0]
    init, close, take = BulkLoader.__init__, BulkLoader.close, BulkLoader._take

    def long_queue(self: BulkLoader, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **{**kwargs, "queue_chunks": QUEUE_CHUNKS})

    def closed(self: BulkLoader) -> Any:
        closing.set()
        return close(self)

    def held(self: BulkLoader, chunk: Any) -> None:
        taken[0] += 1
        if taken[0] == 1:
            closing.wait(WAIT_BOUND)
            wait_for_a_stop(POINT)
        print("loader: took a chunk", file=sys.stderr, flush=True)
        take(self, chunk)

    BulkLoader.__init__ = long_queue  # type: ignore[method-assign]
    BulkLoader.close = closed  # type: ignore[method-assign]
    BulkLoader._take = held  # type: ignore[method-assign]


if __name__ == "__main__":
    from scholarkg.cli import main

    install()
    sys.exit(main(sys.argv[1:]))

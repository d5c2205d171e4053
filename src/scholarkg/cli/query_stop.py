"""``scholarkg query``'s run in a thread of its own, which SIGTERM or SIGINT stops at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scholarkg.serve.workers import WorkerPool


def run_stoppable(pool: WorkerPool, work: Callable[[], None]) -> None:
    """``work()`` (the query's run in ``pool``) in a thread of its own, so that SIGTERM or
    SIGINT meanwhile closes the pool (its worker killed mid-query) and raises
    :class:`Interrupted` at once (before: SIGTERM ended the command and left the worker running
    the query, holding the caller's pipes; a Ctrl-C waited for the query to finish)."""
    import signal
    import threading

    from scholarkg.lifecycle import Interrupted, request_stop

    if threading.current_thread() is not threading.main_thread():  # no signals here
        work()
        return
    failed: list[BaseException] = []

    def answer() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the main thread
            failed.append(exc)

    def stop(signum: int, _frame: object) -> None:
        request_stop(signum)  # the exit code says which signal
        raise Interrupted("stop requested")

    worker = threading.Thread(target=answer, name="query", daemon=True)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        worker.start()
        while worker.is_alive():
            worker.join(1.0)  # a signal's handler runs here
    except Interrupted:
        pool.close()  # kills the worker the query runs in; its wait then ends
        worker.join(10)
        raise
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed:
        raise failed[0]

"""The bulk loader's thread as the run sees it: a bounded queue of chunks to it, and every wait
on it in slices, each with an end. A failure of the thread raises in the caller's next wait; a
stop (the run's, set by a SIGTERM) raises :class:`~scholarkg.lifecycle.Interrupted` within a
slice, the thread taking no chunk after the one it is writing and committing nothing more; a
thread that makes no progress past its deadline fails the wait in one line naming it."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from scholarkg.errors import LoadError
from scholarkg.lifecycle import Interrupted

LOADER = "scholarkg-loader"  # the thread's name, in the lines that name it
WAIT_SLICE = 0.5  # seconds between the caller's looks at the thread and at a stop
# the defaults of [store] loader_idle_deadline and loader_abort_deadline, which a run passes in
IDLE_DEADLINE = 3600.0  # seconds a close waits on a thread that takes no chunk, ends nothing
ABORT_DEADLINE = 60.0  # seconds an abort waits for the thread to end the chunk it is writing
STOPPED = "stop requested (SIGTERM/SIGINT)"  # as :func:`scholarkg.lifecycle.check_stop` says
UNCOMMITTED = "its segment in progress is not committed: the next run writes it again"

Item = TypeVar("Item")


class LoaderThread(Generic[Item]):
    """``work`` run in a thread of its own, fed through :meth:`put` (None: the end).

    ``work`` reads :attr:`inbox`, keeps its failure in :attr:`error`, calls :meth:`moved`
    whenever it takes an item or ends a segment, and commits nothing once :meth:`aborting`."""

    def __init__(
        self,
        work: Callable[[], None],
        *,
        queue_items: int,
        stop: threading.Event | None = None,
        idle_deadline: float = IDLE_DEADLINE,
        abort_deadline: float = ABORT_DEADLINE,
    ) -> None:
        self.inbox: queue.Queue[Item | None] = queue.Queue(maxsize=queue_items)
        self.error: BaseException | None = None
        self.stop = threading.Event() if stop is None else stop
        self.idle_deadline, self.abort_deadline = idle_deadline, abort_deadline
        self._aborted = False
        self._moved = time.monotonic()
        self._thread = threading.Thread(target=work, name=LOADER, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def aborting(self) -> bool:
        """Whether the thread is to take no further item and commit nothing more: aborted,
        or a stop was asked for (before: a stop during :meth:`wait_ended` went unheeded, and
        the thread loaded and committed every queued chunk)."""
        return self._aborted or self.stop.is_set()

    def moved(self) -> None:
        """The thread took an item or ended a segment: its idle clock starts again."""
        self._moved = time.monotonic()

    def raise_if_failed(self) -> None:
        if self.error is not None:
            raise LoadError(f"loading stopped: {self.error}") from self.error

    def put(self, item: Item | None) -> None:
        """Queue ``item`` (None: the end), waiting in slices for room while the thread goes
        on: its failure raises here (before: a drop or close waited for room for ever once the
        thread had failed with the queue full), and so does a stop."""
        while True:
            self.raise_if_failed()
            if not self._thread.is_alive():  # ended without a word: no room will come
                raise LoadError("loading stopped: the loader thread ended")
            try:
                self.inbox.put(item, timeout=WAIT_SLICE)
                return
            except queue.Full:
                if self.stop.is_set():  # the thread takes no more: no room is needed
                    raise Interrupted(STOPPED) from None

    def wait_ended(self) -> None:
        """Wait, in slices, for the thread to end after the end was queued. A stop asked for
        meanwhile raises :class:`~scholarkg.lifecycle.Interrupted` (the caller aborts; before:
        the wait had no end and took no stop); a thread that takes no item and ends no segment
        for ``idle_deadline`` seconds fails it in one line naming the thread."""
        while True:
            self.raise_if_failed()
            if self.stop.is_set():
                raise Interrupted(STOPPED)
            if not self._thread.is_alive():
                return
            if time.monotonic() - self._moved > self.idle_deadline:
                self._aborted = True  # if it ever ends its operation: nothing more committed
                raise LoadError(
                    f"the bulk loader's thread ({LOADER}) took no chunk and ended no segment "
                    f"for {self.idle_deadline:g} s (a store operation that never returned?); "
                    + UNCOMMITTED
                )
            self._thread.join(WAIT_SLICE)

    def abort(self) -> None:
        """Drop what is queued and end the thread after the item it is on; one not ended
        ``abort_deadline`` seconds later is a :class:`LoadError` naming it (before: it was
        left running without a word)."""
        self._aborted = True
        while True:
            try:
                self.inbox.get_nowait()
            except queue.Empty:
                break
        self.inbox.put(None)  # room: emptied just now, and only the caller puts
        self._thread.join(timeout=self.abort_deadline)
        if self._thread.is_alive():
            raise LoadError(
                f"the bulk loader's thread ({LOADER}) did not end within "
                f"{self.abort_deadline:g} s of being stopped (a store operation that never "
                f"returned?); {UNCOMMITTED}"
            )


__all__ = ["ABORT_DEADLINE", "IDLE_DEADLINE", "LOADER", "LoaderThread"]

"""The run's worker processes: a task at a time each, over pipes of its own, its results taken
in the order the run asks for them — and never waited on without a limit.

A worker that ends abruptly (SIGKILL, the out-of-memory killer) — even in the middle of sending
a result — closes the only writing end of its pipe: its reader thread sees the end of the file
and the run's wait raises :class:`~scholarkg.errors.WorkerLost`. The run waits in slices,
checking for a stop between them (SIGTERM while a worker is held, or slow, still stops it).
:meth:`WorkerPool.abort` kills the workers and waits for no thread that could be stuck: the
workers are daemonic and their reader threads daemon threads, so the interpreter's exit joins
nothing that waits on them. (``concurrent.futures.ProcessPoolExecutor``, used before, shares one
result pipe among its workers: a worker killed mid-send left its manager thread reading the rest
of a message for ever, no error raised, and its exit joining that thread.)
"""

from __future__ import annotations

import contextlib
import queue
import threading
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any, Generic, TypeVar

from scholarkg.errors import WorkerLost
from scholarkg.lifecycle import check_stop, interrupts_held_for_children

T = TypeVar("T")
SLICE = 0.5  # seconds a wait lasts before it looks for a stop again
ENDED = 30.0  # seconds a worker told to end (or killed) is given to go
LOST_WORKER = (
    "a worker process ended abruptly (killed, or out of memory); the run stopped there, and "
    "the next run redoes the chunks it had not loaded"
)
_CONTEXT = get_context("spawn")


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker (its ``__cause__`` in the run)."""


class Ticket(Generic[T]):
    """A task given to the pool; :meth:`result` waits for it (in slices, see the module)."""

    def __init__(self, pool: WorkerPool) -> None:
        self._pool = pool
        self._done = False
        self._value: Any = None
        self._error: BaseException | None = None

    def _settle(self, ok: bool, value: Any) -> None:
        if ok:
            self._value = value
        else:
            self._error = value
        self._done = True  # last: the run's thread reads it without the pool's lock

    def result(self) -> T:
        while not self._done:
            self._pool.wait_once()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[no-any-return]


class _Worker:
    """A worker process, the run's end of its pipe, and the thread that reads it."""

    def __init__(self, process: BaseProcess, tasks: Connection, replies: Connection) -> None:
        self.process = process
        self.tasks = tasks  # the run writes, the worker reads
        self.replies = replies  # the worker writes, the run reads
        self.task: Ticket[Any] | None = None  # the one in its hands
        self.ended = False  # told to end, or killed: the end of its pipe is no loss
        self.reader: threading.Thread | None = None


class WorkerPool:
    """``workers`` processes, each set up by ``initializer(*initargs)``, all started (with
    interrupts held for them) when the first task comes. A worker's reader thread takes its
    reply and gives it the next task waiting (the run's thread need not be waiting)."""

    def __init__(
        self, workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...] = ()
    ) -> None:
        self.workers = workers
        self.initializer = initializer
        self.initargs = initargs
        self._all: list[_Worker] = []
        self._waiting: deque[tuple[Ticket[Any], Callable[..., Any], tuple[Any, ...]]] = deque()
        self._lock = threading.Lock()  # the waiting tasks, and who holds which
        self._news: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()  # None: a reply

    def submit(self, fn: Callable[..., T], *args: Any) -> Ticket[T]:
        ticket: Ticket[T] = Ticket(self)
        with self._lock:
            self._waiting.append((ticket, fn, args))
        if not self._all:
            self._start()
        self._dispatch()
        return ticket

    def wait_once(self) -> None:
        """Wait a slice at most for news of the workers; a stop asked for raises
        :class:`~scholarkg.lifecycle.Interrupted`, a worker gone :class:`WorkerLost`."""
        check_stop()
        try:
            ended = self._news.get(timeout=SLICE)
        except queue.Empty:
            return
        if ended is not None and not ended.ended:
            raise WorkerLost(LOST_WORKER)

    def _dispatch(self) -> None:
        """Give waiting tasks to idle workers (any thread)."""
        given = []
        with self._lock:
            for worker in self._all:
                if self._waiting and worker.task is None and not worker.ended:
                    task = self._waiting.popleft()
                    worker.task = task[0]
                    given.append((worker, task))
        for worker, (ticket, fn, args) in given:
            try:  # it reads it whole: nothing is sent to a worker that is sending
                worker.tasks.send((fn, args))
            except OSError:  # it ended: its reader sees the end of its pipe
                pass
            except Exception as exc:  # the task cannot be sent (pickled)
                with self._lock:
                    worker.task = None
                ticket._settle(False, exc)
                self._news.put(None)

    def _read(self, worker: _Worker) -> None:
        """A worker's reader thread: its replies, until its end of the pipe is closed."""
        while True:
            try:
                ok, value = worker.replies.recv()
            except (EOFError, OSError):  # ended, perhaps in the middle of a message
                self._news.put(worker)
                return
            if not ok:  # an exception, and its traceback in the worker
                value[0].__cause__ = RemoteTraceback(value[1])
                value = value[0]
            with self._lock:
                ticket, worker.task = worker.task, None
            assert ticket is not None
            ticket._settle(ok, value)
            self._news.put(None)
            self._dispatch()

    def _start(self) -> None:
        with interrupts_held_for_children():
            for _ in range(self.workers):
                reads, tasks = _CONTEXT.Pipe(duplex=False)
                replies, writes = _CONTEXT.Pipe(duplex=False)
                process = _CONTEXT.Process(
                    target=_serve,
                    args=(reads, writes, self.initializer, self.initargs),
                    daemon=True,
                )
                process.start()
                reads.close()  # its ends are its own: its death is the end of the file here
                writes.close()
                worker = _Worker(process, tasks, replies)
                worker.reader = threading.Thread(target=self._read, args=(worker,), daemon=True)
                with self._lock:
                    self._all.append(worker)
                worker.reader.start()

    def close(self) -> None:
        """Tell idle workers to end, then end every one (what is in flight is dropped)."""
        with self._lock:
            self._waiting.clear()
            told = [w for w in self._all if w.task is None and not w.ended]
            for worker in self._all:
                worker.ended = True
        for worker in told:
            with contextlib.suppress(OSError):  # ended already
                worker.tasks.send(None)
        for worker in told:
            worker.process.join(ENDED)
        self.abort()

    def abort(self) -> None:
        """Kill every worker now; tasks in flight or waiting are dropped."""
        with self._lock:
            self._waiting.clear()
            workers, self._all = self._all, []
            for worker in workers:
                worker.ended = True
        for worker in workers:
            if worker.process.exitcode is None:
                worker.process.kill()
        for worker in workers:
            worker.process.join(ENDED)
            if worker.reader is not None:  # its end of the pipe: seen to end with the process
                worker.reader.join(ENDED)
                if worker.reader.is_alive():  # never closed under a thread reading it
                    continue
            worker.replies.close()
            worker.tasks.close()


def _serve(
    tasks: Connection,
    replies: Connection,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> None:
    """A worker process: set up, then one task at a time until told to end (or the run ends)."""
    initializer(*initargs)
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, args = task
        try:
            reply: tuple[bool, Any] = (True, fn(*args))
        except Exception as exc:
            reply = (False, (exc, "".join(traceback.format_exception(exc))))
        try:
            data = ForkingPickler.dumps(reply)
        except Exception as exc:  # a result or error that cannot be sent as it is
            error = RuntimeError(f"a worker's reply could not be sent: {exc}")
            data = ForkingPickler.dumps((False, (error, "")))
        replies.send_bytes(data)


__all__ = ["LOST_WORKER", "Ticket", "WorkerPool"]

"""The run's worker processes: a task at a time each, over pipes of its own, its results taken
in the order the run asks for them — and never waited on without a limit.

A worker that ends abruptly (SIGKILL, the out-of-memory killer) — even in the middle of sending
a result — closes the only writing end of its pipe: its reader thread sees the end of the file
and the run's wait raises :class:`~scholarkg.errors.WorkerLost`. The run waits in slices,
checking for a stop between them (SIGTERM while a worker is held, or slow, still stops it).
Tasks are written to a worker by a writer thread of its own, never by the run's thread: a worker
held (SIGSTOP) before it reads a task larger than its pipe's buffer holds that thread only.
Every wait on a worker has a limit, past which the run fails in one line naming the worker and
its wait: ``take_deadline`` seconds to take in a task (written whole, the worker set up), then
``answer_deadline`` to answer it (held, stopped, or halfway through sending it: the reader
thread waits for the rest, the run does not). A reply that cannot be unpickled fails its task
alone (before: the reader thread died, and the run waited for that answer for ever).
Workers are started one at a time, as tasks come that no started worker is free to take.
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
import time
from collections import deque
from collections.abc import Callable
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any, Generic, TypeVar

from scholarkg.errors import WorkerLost
from scholarkg.lifecycle import check_stop, interrupts_held_for_children
from scholarkg.runs.pool_worker import serve

T = TypeVar("T")
SLICE = 0.5  # seconds a wait lasts before it looks for a stop again
ENDED = 30.0  # seconds a worker told to end (or killed) is given to go
TAKE_DEADLINE = 600.0  # seconds a worker is given to take in a task written to it
ANSWER_DEADLINE = 3600.0  # seconds a worker is given to answer a task it has taken in
LOST_WORKER = (
    "a worker process ended abruptly (killed, or out of memory); the run stopped there, and "
    "the next run redoes the chunks it had not loaded"
)
HELD_WORKER = (
    "{worker} took in no task for {seconds:g} s (held, or stopped); the run stopped there, and "
    "the next run redoes the chunks it had not loaded"
)
SILENT_WORKER = (
    "{worker} gave no answer to the task it took in for {seconds:g} s (held, or stopped); the "
    "run stopped there, and the next run redoes the chunks it had not loaded"
)
UNREAD_REPLY = "{worker}'s reply could not be read: {error}"
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


_Task = tuple[Ticket[Any], Callable[..., Any], tuple[Any, ...]]  # its ticket, what, with what


class _Worker:
    """A worker process, the run's ends of its pipes, and the threads that write and read them."""

    def __init__(
        self, number: int, process: BaseProcess, tasks: Connection, replies: Connection
    ) -> None:
        self.name = f"worker process {number} (pid {process.pid})"  # as the run's errors say
        self.process = process
        self.tasks = tasks  # the run writes, the worker reads
        self.replies = replies  # the worker writes, the run reads
        self.task: Ticket[Any] | None = None  # the one in its hands
        self.ended = False  # told to end, or killed: the end of its pipe is no loss
        self.outbox: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()  # None: to end
        # its task being taken in (time.monotonic): from its write until written and set up
        self.taking_since: float | None = None
        self.written = False  # its task written whole
        self.ready = False  # set up (its first message, empty, says so)
        self.answering_since: float | None = None  # its task taken in, its answer not read
        self.reader: threading.Thread | None = None
        self.writer: threading.Thread | None = None

    def taken(self) -> None:
        """With the pool's lock: a task written whole to a worker set up is being answered."""
        if self.ready and self.written and self.taking_since is not None:
            self.taking_since, self.answering_since = None, time.monotonic()


class WorkerPool:
    """Up to ``workers`` processes, each set up by ``initializer(*initargs)`` and started (with
    interrupts held for it) when a task comes that no started worker is free to take. A
    worker's reader thread takes its reply and gives it the next task waiting (the run's thread
    need not be waiting); its writer thread writes the task."""

    def __init__(
        self,
        workers: int,
        initializer: Callable[..., None],
        initargs: tuple[Any, ...] = (),
        *,
        take_deadline: float = TAKE_DEADLINE,
        answer_deadline: float = ANSWER_DEADLINE,
    ) -> None:
        self.workers = workers
        self.initializer = initializer
        self.initargs = initargs
        self.take_deadline = take_deadline
        self.answer_deadline = answer_deadline
        self._started = 0  # workers started: each is named by its number
        self._all: list[_Worker] = []
        self._waiting: deque[_Task] = deque()
        self._lock = threading.Lock()  # the waiting tasks, and who holds which
        self._news: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()  # None: a reply

    def submit(self, fn: Callable[..., T], *args: Any) -> Ticket[T]:
        ticket: Ticket[T] = Ticket(self)
        with self._lock:
            self._waiting.append((ticket, fn, args))
            free = sum(w.task is None and not w.ended for w in self._all)
            more = len(self._waiting) > free and len(self._all) < self.workers
        if more:
            self._start()
        self._dispatch()
        return ticket

    def wait_once(self) -> None:
        """Wait a slice at most for news of the workers; a stop asked for raises
        :class:`~scholarkg.lifecycle.Interrupted`, a worker gone, or one that has not taken in
        its task within ``take_deadline`` or answered it within ``answer_deadline``,
        :class:`WorkerLost` (one line naming the worker and what it was waited on for)."""
        check_stop()
        now = time.monotonic()
        for worker in list(self._all):
            if worker.ended:
                continue
            for since, limit, said in (
                (worker.taking_since, self.take_deadline, HELD_WORKER),
                (worker.answering_since, self.answer_deadline, SILENT_WORKER),
            ):
                if since is not None and now - since > limit:
                    raise WorkerLost(said.format(worker=worker.name, seconds=limit))
        try:
            ended = self._news.get(timeout=SLICE)
        except queue.Empty:
            return
        if ended is not None and not ended.ended:
            raise WorkerLost(LOST_WORKER)

    def _dispatch(self) -> None:
        """Give waiting tasks to idle workers' writers (any thread; none waits)."""
        with self._lock:
            for worker in self._all:
                if self._waiting and worker.task is None and not worker.ended:
                    task = self._waiting.popleft()
                    worker.task = task[0]
                    worker.outbox.put(task)

    def _write(self, worker: _Worker) -> None:
        """A worker's writer thread: its tasks, one at a time, until told to end (or the
        worker ends: the pipe is broken, and its reader sees the end of the other)."""
        while (task := worker.outbox.get()) is not None:
            ticket, fn, args = task
            try:
                data = ForkingPickler.dumps((fn, args))
            except Exception as exc:  # the task cannot be sent (pickled)
                with self._lock:
                    worker.task = None
                ticket._settle(False, exc)
                self._news.put(None)
                self._dispatch()
                continue
            with self._lock:
                worker.taking_since, worker.written = time.monotonic(), False
            try:  # it reads it whole: nothing is sent to a worker that is sending
                worker.tasks.send_bytes(data)
            except OSError:
                worker.taking_since = None  # ended: its reader says so
                return
            with self._lock:
                worker.written = True
                worker.taken()
        with contextlib.suppress(OSError):  # ended already
            worker.tasks.send(None)

    def _read(self, worker: _Worker) -> None:
        """A worker's reader thread: its replies, until its end of the pipe is closed."""
        while True:
            try:
                data = worker.replies.recv_bytes()
            except (EOFError, OSError):  # ended, perhaps in the middle of a message
                self._news.put(worker)
                return
            if not data:  # set up
                with self._lock:
                    worker.ready = True
                    worker.taken()
                continue
            try:  # read whole: a reply that cannot be unpickled leaves the pipe in step
                ok, value = ForkingPickler.loads(data)
            except Exception as exc:  # an exception class whose arguments do not rebuild it
                error = UNREAD_REPLY.format(worker=worker.name, error=exc)
                ok, value = False, (RuntimeError(error), "")
            if not ok:  # an exception, and its traceback in the worker
                value[0].__cause__ = RemoteTraceback(value[1])
                value = value[0]
            with self._lock:
                ticket, worker.task = worker.task, None
                worker.taking_since = worker.answering_since = None  # its writer may lag
            assert ticket is not None
            ticket._settle(ok, value)
            self._news.put(None)
            self._dispatch()

    def _start(self) -> None:
        """Start one more worker (from the run's thread: interrupts are held in it)."""
        with interrupts_held_for_children():
            reads, tasks = _CONTEXT.Pipe(duplex=False)
            replies, writes = _CONTEXT.Pipe(duplex=False)
            process = _CONTEXT.Process(
                target=serve, args=(reads, writes, self.initializer, self.initargs), daemon=True
            )
            process.start()
        reads.close()  # its ends are its own: its death is the end of the file here
        writes.close()
        self._started += 1
        worker = _Worker(self._started, process, tasks, replies)
        worker.reader = threading.Thread(target=self._read, args=(worker,), daemon=True)
        worker.writer = threading.Thread(target=self._write, args=(worker,), daemon=True)
        with self._lock:
            self._all.append(worker)
        worker.reader.start()
        worker.writer.start()

    def close(self) -> None:
        """Tell idle workers to end, then end every one (what is in flight is dropped)."""
        with self._lock:
            self._waiting.clear()
            told = [w for w in self._all if w.task is None and not w.ended]
            for worker in self._all:
                worker.ended = True
        for worker in told:
            worker.outbox.put(None)  # its writer tells it to end
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
            worker.outbox.put(None)  # an idle writer ends; one writing sees a broken pipe
        for worker in workers:
            worker.process.join(ENDED)
            threads = [t for t in (worker.reader, worker.writer) if t is not None]
            for thread in threads:  # its pipes: seen to end with the process
                thread.join(ENDED)
            if any(t.is_alive() for t in threads):  # never closed under a thread using them
                continue
            worker.replies.close()
            worker.tasks.close()


__all__ = ["ANSWER_DEADLINE", "LOST_WORKER", "TAKE_DEADLINE", "Ticket", "WorkerPool"]

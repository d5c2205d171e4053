"""Stopping cleanly, and processes that end with the run that started them.

:data:`STOP` is set by a SIGTERM/SIGINT handler (:func:`request_stop`); long loops and waits
check it (:func:`check_stop`, :func:`pause`) and raise :class:`Interrupted`, which each job turns
into a clean stop: what is staged is kept, the report says so, and the CLI exits as a process
ended by that signal would (:func:`stopped_exit_code`: 130 for SIGINT, 143 for SIGTERM).

Linux's ``prctl(PR_SET_PDEATHSIG)`` asks the kernel to signal a process when its parent dies,
even by ``SIGKILL``: worker processes call :func:`die_with_parent` first thing, and helper
servers are started with it as ``preexec_fn``. Elsewhere it does nothing (the run still ends its
children on every normal exit and on SIGTERM).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import resource_tracker

PR_SET_PDEATHSIG = 1
STOP = threading.Event()
_asked_by: list[int] = [signal.SIGTERM]  # the signal that last asked for a stop
_TAKING = threading.Lock()  # held while stop_once takes a signal


class Interrupted(Exception):
    """The run was asked to stop (SIGTERM/SIGINT); not a ScholarKGError, so no handler of
    source failures swallows it."""


def request_stop(signum: int = signal.SIGTERM, _frame: object = None) -> None:
    """Signal handler: ask the running job to stop at its next check."""
    _asked_by[0] = signum
    STOP.set()


def stop_quietly(signum: int, _frame: object = None) -> None:
    """SIGTERM/SIGINT handler of a job that says itself, in one line, what a stop left (as
    ``scholarkg export`` does): ask it to stop at its next check; a second signal stops at once
    (``KeyboardInterrupt``)."""
    if STOP.is_set():
        _asked_by[0] = signum
        raise KeyboardInterrupt
    request_stop(signum)


def stop_on_signal(signum: int, _frame: object = None) -> None:
    """SIGTERM/SIGINT handler: ask the running job to stop at its next check (within seconds),
    saying so on stderr; a second signal stops at once (``KeyboardInterrupt``)."""
    stop_quietly(signum)
    name = signal.Signals(signum).name
    print(f"stopping ({name}): finishing the current step", file=sys.stderr, flush=True)


def stop_once(signum: int, _frame: object = None) -> None:
    """SIGTERM/SIGINT handler of a Prefect flow run (``scholarkg run``, a served flow): the
    first signal asks the run to stop at its next check, saying so (:func:`stop_on_signal`);
    a later one changes nothing, the stop under way ending the run within seconds. Before, a
    second signal raised ``KeyboardInterrupt`` wherever Prefect's engine was: the run ended
    without its report, on ``interrupted``, and in some runs by SIGINT (exit -2). A signal
    whose handler runs while the first's still does (Python runs one inside another) returns
    at once: before, both saw no stop yet and each said so."""
    if not _TAKING.acquire(blocking=False):
        return
    try:
        if not STOP.is_set():
            stop_on_signal(signum)
    finally:
        _TAKING.release()


def stopped_exit_code() -> int | None:
    """``128 + N`` for the signal N that last asked for the stop under way (the shell's code
    for a process ended by it), or ``None`` when no stop was asked for."""
    return 128 + _asked_by[0] if STOP.is_set() else None


def check_stop() -> None:
    """Raise :class:`Interrupted` once a stop was asked for."""
    if STOP.is_set():
        raise Interrupted("stop requested (SIGTERM/SIGINT)")


def pause(seconds: float) -> None:
    """Sleep, but wake up (and raise :class:`Interrupted`) as soon as a stop is asked for."""
    if STOP.wait(max(seconds, 0.0)):
        check_stop()


def leave_interrupts_to_the_run() -> None:
    """In a worker process: ignore SIGINT. Ctrl-C in a terminal signals its whole foreground
    process group, workers included; the run that started them stops them itself (each would
    otherwise end its chunk with a ``KeyboardInterrupt`` traceback on the terminal). Then
    SIGINT is unblocked, if it was started with it blocked (:func:`interrupts_held_for_children`):
    a Ctrl-C that came meanwhile is dropped."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def interrupts_held_for_children() -> Iterator[None]:
    """Processes started meanwhile (by this thread) start with SIGINT blocked, as a signal mask
    is inherited across fork and exec: a Ctrl-C while one is still importing its modules,
    before :func:`leave_interrupts_to_the_run`, waits instead of ending it with a traceback.
    This thread takes a SIGINT after the block (or another thread takes it meanwhile): the run
    still stops. multiprocessing's resource tracker is started first: starting it blocks and
    then *unblocks* SIGINT in the calling thread, which would end the hold before the first
    spawned process starts."""
    resource_tracker.ensure_running()
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Have the kernel send ``sig`` to this process when its parent process dies."""
    if not sys.platform.startswith("linux"):
        return
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os.kill(os.getpid(), sig)

"""A test's view of the processes a command started, read from /proc (Linux only)."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from polls import until, within

STACKS = "Current thread "  # faulthandler's last stack: the dump is whole
SHOWN_BOUND = 60.0  # only catches a process that never ends or output never passed on
HELD_BOUND = 600.0  # only catches a process that never holds itself (a run starting up: slow)


def _stat_fields_of(entry: Path) -> list[str]:
    """The fields of ``<entry>/stat`` (a process's or a thread's folder in /proc) after the
    command name (which may hold spaces and parentheses): state first, then the parent's id.
    Raises OSError once it is gone."""
    return (entry / "stat").read_text().rpartition(")")[2].split()


def _stat_fields(pid: int) -> list[str]:
    return _stat_fields_of(Path(f"/proc/{pid}"))


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` now."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(_stat_fields(int(entry.name))[1])
            except (OSError, IndexError):  # ended while /proc was read
                continue
            if parent == pid:
                found.add(int(entry.name))
    return found


def descendants(pid: int) -> set[int]:
    """The children of ``pid``, theirs, and so on."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, ended but not yet reaped by its parent, does not)."""
    try:
        return _stat_fields(pid)[0] != "Z"
    except (OSError, IndexError):
        return False


def still_alive(pids: set[int]) -> set[int]:
    """``pids`` with those that have ended dropped (the caller's set: what is left to kill)."""
    pids.difference_update({pid for pid in pids if not alive(pid)})
    return pids


def state(pid: int) -> str:
    """The process's state letter (``T``: stopped, ``Z``: ended, not yet reaped); ``""`` once
    it is gone."""
    try:
        return _stat_fields(pid)[0]
    except (OSError, IndexError):
        return ""


def sleeping_alone(pid: int) -> bool:
    """Whether ``pid`` is one thread, asleep (``S``): a process whose only thread waits, for
    an event, a timer, a read (its other threads, a request's, ended)."""
    try:
        return state(pid) == "S" and len(list(Path(f"/proc/{pid}/task").iterdir())) == 1
    except OSError:  # ended while read
        return False


def wait_held(
    process: subprocess.Popen[Any],
    shown: Callable[[], object],
    bound: float = HELD_BOUND,
    shown_bound: float = SHOWN_BOUND,
) -> None:
    """Until ``process`` holds itself (SIGSTOP: helpers/killed_at.py with ``KILLED_BY=STOP``);
    fails with ``shown()`` if it ends first (:func:`_shown_after_end`: bounded by
    ``shown_bound``). One neither held nor ended after ``bound`` seconds is ended
    (:func:`_end_showing`: its stacks, then SIGKILL, its processes too) before ``shown()``,
    which may wait for it (its ``communicate``), and the test fails with both (before: no
    bound, and a process that never held itself hung the test)."""

    def held() -> bool:
        if state(process.pid) == "T":
            return True
        if process.poll() is None:
            return False
        raise AssertionError(
            f"pid {process.pid} ended (exit status {process.returncode}) before holding "
            f"itself: {process.args!r}:\n{_shown_after_end(process, shown, shown_bound)}"
        )

    if not within(held, bound):
        threads = _end_showing(process)
        raise AssertionError(
            f"pid {process.pid} never held itself in {bound:g} s: {process.args!r}:\n"
            f"{threads}\n{shown()}"
        )


def _shown_after_end(
    process: subprocess.Popen[Any], shown: Callable[[], object], bound: float
) -> str:
    """``shown()`` for ``process``, which has ended; still waiting after ``bound`` seconds (its
    ``communicate``, the process's pipes held open by a child that outlived it), the processes
    holding them are killed (:func:`_pipe_holders`) and it is waited for again, as long.
    Before, ``shown()`` was called as is, and such a child hung the test."""
    pipes = _pipes_of(process)
    said: list[str] = []

    def show() -> None:
        try:
            said.append(str(shown()))
        except Exception as exc:
            said.append(f"(shown() failed: {exc!r})")

    asking = threading.Thread(target=show, daemon=True)
    asking.start()
    asking.join(bound)
    if not asking.is_alive():
        return said[0]
    holders = _pipe_holders(pipes)
    _kill(holders)
    asking.join(bound)
    held = f"(its pipes held open after {bound:g} s by pids {sorted(holders)}: killed)"
    return f"{held}\n{said[0] if said else '(shown() still waiting)'}"


def _pipes_of(process: subprocess.Popen[Any]) -> set[str]:
    """The pipes of ``process``'s standard streams (the test's ends), as /proc names them."""
    pipes = set()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None and not stream.closed:
            found = os.fstat(stream.fileno())
            if stat.S_ISFIFO(found.st_mode):
                pipes.add(f"pipe:[{found.st_ino}]")
    return pipes


def _pipe_holders(pipes: set[str]) -> set[int]:
    """The processes other than the test with an end of one of ``pipes`` open."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:  # ended while read, or not ours to read
            continue
        for fd in fds:
            with contextlib.suppress(OSError):  # closed while read
                if os.readlink(fd) in pipes:
                    found.add(int(entry.name))
                    break
    return found


def worker_of(pid: int, letter: str | None = None) -> int | None:
    """A worker process of the run's pool (spawned), if one runs now; one in state ``letter``
    (``T``: one that holds itself), if given."""
    for child in children(pid):
        try:
            line = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in line and (letter is None or state(child) == letter):
            return child
    return None


def kill_worker_then_resume(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker of the held ``process``, wait until it has ended (a zombie: its
    parent, held, has not reaped it), then let ``process`` go on (SIGCONT). The wait is bounded
    by :data:`SHOWN_BOUND` (before: none, so a worker that never ended hung the test)."""
    worker = worker_of(process.pid)
    assert worker is not None
    os.kill(worker, signal.SIGKILL)
    until(
        lambda: state(worker) in ("Z", ""),
        lambda: f"worker {worker} still {state(worker)!r}",
        SHOWN_BOUND,
    )
    os.kill(process.pid, signal.SIGCONT)


def threads_shown(pid: int) -> str:
    """Each thread of ``pid``, a line each: its id, name, state letter and what the kernel has
    it wait in (``wchan``), for a hang's failure message (native threads, RocksDB's, too)."""
    lines = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*"), key=lambda p: int(p.name)):
        try:
            name = (task / "comm").read_text().strip()
            letter = _stat_fields_of(task)[0]
            waits = (task / "wchan").read_text() or "-"
        except (OSError, IndexError):  # ended while read
            continue
        lines.append(f"  thread {task.name} {name}: {letter}, in {waits}")
    return "\n".join(lines) or "  (no threads: it has ended)"


def communicate_all(
    started: Sequence[subprocess.Popen[str]], bound: float
) -> list[tuple[str, str]]:
    """Each process's ``communicate()``, in order; one still running after ``bound`` seconds
    fails the test with where every one still running was: its threads (:func:`threads_shown`)
    and, started with ``PYTHONFAULTHANDLER=1``, each Python thread's stack (SIGABRT, then
    SIGCONT for one stopped). Before, a hang said only ``TimeoutExpired`` (a CI run's held
    export)."""
    outputs = []
    for process in started:
        try:
            outputs.append(process.communicate(timeout=bound))
        except subprocess.TimeoutExpired:
            shown = [where(p) for p in started if p.poll() is None]
            raise AssertionError(
                f"pid {process.pid} still running after {bound:g} s:\n" + "\n".join(shown)
            ) from None
    return outputs


def wait_shown(process: subprocess.Popen[Any], bound: float, err: Callable[[], str]) -> int:
    """``process.wait()`` for one whose output goes to a file or to threads of the test; still
    running after ``bound`` seconds, it fails the test as :func:`communicate_all` does, with
    ``err()`` (its stderr so far, read once it has ended) for the Python stacks."""
    try:
        return process.wait(timeout=bound)
    except subprocess.TimeoutExpired:
        threads = _end_showing(process)
        raise AssertionError(
            f"pid {process.pid} still running after {bound:g} s: {process.args!r}:\n"
            f"{threads}\n{err()[-20000:]}"
        ) from None


def _end_showing(process: subprocess.Popen[Any]) -> str:
    """End a process that hangs and the processes it started, and say where its threads were
    (:func:`threads_shown`); started with ``PYTHONFAULTHANDLER=1``, it writes each Python
    thread's stack as it ends (SIGABRT, SIGKILL after :data:`SHOWN_BOUND` seconds)."""
    threads = threads_shown(process.pid)
    spawned = descendants(process.pid)
    _abort(process.pid)
    try:
        process.wait(timeout=SHOWN_BOUND)
    except subprocess.TimeoutExpired:  # in the kernel, not taking signals
        process.kill()
        process.wait()
    _kill(spawned)
    return threads


def where(process: subprocess.Popen[str]) -> str:
    """Where ``process`` is: its threads, then the Python stacks faulthandler writes at
    SIGABRT (the process ends), on its stderr (or its stdout, stderr sent there)."""
    threads = threads_shown(process.pid)
    spawned = descendants(process.pid)
    _abort(process.pid)
    deadline = time.monotonic() + SHOWN_BOUND
    while True:
        try:
            out, err = process.communicate(timeout=1)
            break
        except subprocess.TimeoutExpired:
            # ended, a child (a held worker) holding its pipes open; or in the kernel, not
            # taking signals
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                _kill(spawned)
                out, err = process.communicate()
                break
    _kill(spawned)
    shown = err if err is not None else out or ""
    return f"pid {process.pid} {process.args!r}:\n{threads}\n{shown[-20000:]}"


def where_pid(pid: int, output: Callable[[], str]) -> str:
    """Where ``pid`` is, a process the test did not start (the flow run Prefect's runner
    started for a served deployment), as :func:`where` shows one: its threads, then the Python
    stacks faulthandler writes at SIGABRT (the process ends) to its stderr, which whoever
    reads it (the runner) passes on to ``output()``, read until it holds them. The process and
    its own are killed. Before, such a run's hang said only that its Prefect state never
    became final."""
    threads = threads_shown(pid)
    spawned = descendants(pid)
    _abort(pid)
    deadline = time.monotonic() + SHOWN_BOUND  # one bound for both waits
    within(lambda: not alive(pid), SHOWN_BOUND, every=0.05)
    _kill({pid, *spawned})  # in the kernel, not taking signals
    within(lambda: STACKS in output(), max(0.0, deadline - time.monotonic()), every=0.05)
    shown = output()
    return f"pid {pid}:\n{threads}\n{shown[-20000:]}"


def kill_run(process: subprocess.Popen[Any]) -> None:
    """SIGKILL a run still running (a test that failed) and its processes: a held worker would
    outlive its run, its pipes open."""
    if process.poll() is None:
        _kill(descendants(process.pid))
        process.kill()
        process.wait(timeout=60)


def _abort(pid: int) -> None:
    """SIGABRT: with ``PYTHONFAULTHANDLER=1``, each Python thread's stack on stderr, then the
    end."""
    for sent in (signal.SIGABRT, signal.SIGCONT):  # SIGCONT: a stopped one takes the SIGABRT
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sent)


def _kill(spawned: set[int]) -> None:
    """SIGKILL those of ``spawned`` (a shown process's children, theirs…) still running: a held
    worker would outlive the test, its pipes open."""
    for pid in spawned:
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

"""A test's view of the processes a command started, read from /proc (Linux only)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def _stat_fields(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (which may hold spaces and
    parentheses): state first, then the parent's id. Raises OSError once the process is gone."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


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


def state(pid: int) -> str:
    """The process's state letter (``T``: stopped, ``Z``: ended, not yet reaped); ``""`` once
    it is gone."""
    try:
        return _stat_fields(pid)[0]
    except (OSError, IndexError):
        return ""


def wait_held(process: subprocess.Popen[bytes], shown: Callable[[], object]) -> None:
    """Until ``process`` holds itself (SIGSTOP: helpers/killed_at.py with ``KILLED_BY=STOP``);
    fails with ``shown()`` if it ends first."""
    while state(process.pid) != "T":
        assert process.poll() is None, shown()
        time.sleep(0.01)  # a poll, not a wait for time to pass


def worker_of(pid: int) -> int | None:
    """A worker process of the run's pool (spawned), if one runs now."""
    for child in children(pid):
        try:
            line = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in line:
            return child
    return None


def kill_worker_then_resume(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker of the held ``process``, wait until it has ended (a zombie: its
    parent, held, has not reaped it), then let ``process`` go on (SIGCONT)."""
    worker = worker_of(process.pid)
    assert worker is not None
    os.kill(worker, signal.SIGKILL)
    while state(worker) not in ("Z", ""):
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGCONT)

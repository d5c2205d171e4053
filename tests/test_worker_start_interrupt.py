"""Ctrl-C while a worker process is still starting. A terminal sends SIGINT to its whole
foreground process group; a spawned worker imports its modules before the pool's initializer
has it ignore SIGINT, so a Ctrl-C in that window (seconds on a loaded machine: it was seen in a
CI run of test_stop_terminal with both cores busy) printed a ``KeyboardInterrupt`` traceback
from the worker. Processes are now started with SIGINT blocked (a signal mask is inherited
across fork and exec) and unblock it once they ignore it."""

from __future__ import annotations

import os
import signal
import time
from multiprocessing import get_context
from pathlib import Path

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.lifecycle import interrupts_held_for_children
from scholarkg.runs.chunk_work import WorkerSetup, start_worker
from scholarkg.runs.worker_pool import WorkerPool

SIGINT_BIT = 1 << (signal.SIGINT - 1)


def _mask(pid: int, field: str) -> int:
    for line in open(f"/proc/{pid}/status", encoding="ascii"):  # noqa: SIM115
        if line.startswith(field + ":"):
            return int(line.split()[1], 16)
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def _own_masks() -> tuple[int, int]:
    return _mask(os.getpid(), "SigBlk"), _mask(os.getpid(), "SigIgn")


def test_a_process_started_meanwhile_outlives_a_sigint_as_it_starts() -> None:
    """A spawned Python that is told SIGINT as it starts (its interpreter still loading) ends
    normally; before, with KeyboardInterrupt (exit code 1) however far it had got."""
    context = get_context("spawn")
    with interrupts_held_for_children():
        child = context.Process(target=time.sleep, args=(0.5,))
        child.start()
    assert child.pid is not None
    os.kill(child.pid, signal.SIGINT)
    child.join(60)
    assert child.exitcode == 0
    assert _own_masks()[0] & SIGINT_BIT == 0  # this process is as it was


def test_a_runs_worker_ignores_sigint_and_blocks_it_no_longer(tmp_path: Path) -> None:
    """A worker of the run's pool, started with SIGINT blocked (the pool holds interrupts for
    it), set up as a run sets it up (:func:`start_worker`, which calls
    :func:`~scholarkg.lifecycle.leave_interrupts_to_the_run`): it ignores SIGINT, then unblocks
    it, so it neither dies of it nor keeps a mask its own children inherit."""
    setup = WorkerSetup.of(load_config(write_config(tmp_path, [SAMPLE_PROFILE])))
    pool = WorkerPool(1, start_worker, (setup,))
    try:
        blocked, ignored = pool.submit(_own_masks).result()
    finally:
        pool.close()
    assert blocked & SIGINT_BIT == 0 and ignored & SIGINT_BIT
    assert _own_masks()[0] & SIGINT_BIT == 0  # the run's own mask is as it was


def _exit_unless_sigint_ignored() -> None:
    os._exit(0 if signal.getsignal(signal.SIGINT) == signal.SIG_IGN else 3)


def test_a_query_worker_is_forked_with_sigint_ignored_from_its_first_instruction() -> None:
    """The serve workers' forkserver gives each child back the handlers it was started with;
    its preload ignores SIGINT before multiprocessing reads them, so a worker forked as Ctrl-C
    reaches the group does not die in ``_after_fork`` with a KeyboardInterrupt traceback (seen
    in test_serve_stop on a loaded machine)."""
    from scholarkg.serve.worker_handle import _context

    child = _context.Process(target=_exit_unless_sigint_ignored)
    child.start()
    child.join(60)
    assert child.exitcode == 0

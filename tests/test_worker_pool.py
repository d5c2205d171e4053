"""The run's worker pool (runs/worker_pool.py) with real worker processes: a worker is started
only when a task comes that no started worker is free to take, and a worker held (SIGSTOP)
before it reads a task larger than its pipe's buffer neither holds the run's thread nor is
waited on past the pool's deadline for taking in a task."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import write_config
from samples import ROOT
from scholarkg.config import load_config
from scholarkg.errors import WorkerLost
from scholarkg.runs import records
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.chunk_work import WorkerSetup, start_worker
from scholarkg.runs.worker_pool import WorkerPool

BOUND = 600.0  # only catches a hang
BIG = 256 * 1024  # bytes: four times a Linux pipe's buffer


def _note_start(directory: str) -> None:
    """The initializer: each worker started leaves a file named by its process id."""
    (Path(directory) / str(os.getpid())).touch()


def _noted_start_worker(setup: WorkerSetup) -> None:
    """The run's own initializer, each start noted in ``$STARTS_NOTED`` (inherited)."""
    _note_start(os.environ["STARTS_NOTED"])
    start_worker(setup)


def _hold_before_reading() -> None:
    """The initializer of a worker held (SIGSTOP) before it reads its first task."""
    os.kill(os.getpid(), signal.SIGSTOP)


def _wait_for(path: str) -> int:
    """A task that holds its worker until ``path`` exists (a poll, not a wait for time)."""
    give_up = time.monotonic() + BOUND
    while not Path(path).exists() and time.monotonic() < give_up:
        time.sleep(0.01)
    return os.getpid()


def _started(directory: Path) -> set[int]:
    return {int(p.name) for p in directory.iterdir()}


def test_one_task_starts_one_worker_of_two(tmp_path: Path) -> None:
    """Before: both workers were started with the first task (a one-chunk snapshot started a
    second worker process for nothing)."""
    pool = WorkerPool(2, _note_start, (str(tmp_path),))
    try:
        pid = pool.submit(os.getpid).result()
        pool.close()  # waits for every worker started to end (each set up first)
    finally:
        pool.abort()
    assert _started(tmp_path) == {pid}


def test_a_one_chunk_snapshot_load_starts_one_worker_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100 records in chunks of 1 000, two workers allowed: the chunk and the identity step's
    one batch of persons are taken by one worker (before: two were started)."""
    starts = tmp_path / "starts"
    starts.mkdir()
    monkeypatch.setenv("STARTS_NOTED", str(starts))
    monkeypatch.setattr(records, "start_worker", _noted_start_worker)
    config = load_config(write_config(tmp_path, []))
    snapshot = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
    report = load_snapshot(config, snapshot, chunk_records=1000, workers=2).report
    assert (report.records_loaded, report.outcome) == (100, "ok")
    assert len(_started(starts)) == 1


def test_a_task_no_started_worker_is_free_for_starts_the_next(tmp_path: Path) -> None:
    starts, free = tmp_path / "starts", tmp_path / "free"
    starts.mkdir()
    pool = WorkerPool(2, _note_start, (str(starts),))
    try:
        held = pool.submit(_wait_for, str(free))
        other = pool.submit(os.getpid).result()  # the first worker still holds its task
        free.touch()
        first = held.result()
        again = {pool.submit(os.getpid).result() for _ in range(4)}  # both free by now
        pool.close()
    finally:
        pool.abort()
    assert first != other
    assert _started(starts) == {first, other} and again <= {first, other}


def test_a_worker_held_before_it_reads_a_large_task_is_reported_lost(tmp_path: Path) -> None:
    """The task is larger than the pipe's buffer, its worker stopped before reading: the run's
    thread is not held in the write (before: ``submit`` wrote the task itself, for ever), and
    the wait raises WorkerLost past the deadline; ``abort`` ends the stopped worker."""
    pool = WorkerPool(1, _hold_before_reading, take_deadline=1.0)
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(pool.submit(len, b"x" * BIG).result())
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        thread.join(BOUND)
        assert not thread.is_alive(), "the run's thread is held in the write"
    finally:
        pool.abort()
    [lost] = outcome
    assert isinstance(lost, WorkerLost), lost
    assert str(lost).startswith("worker process 1 (pid "), lost
    assert ") took in no task for 1 s (held, or stopped)" in str(lost), lost
    assert "\n" not in str(lost)
    assert multiprocessing.active_children() == []


def _hold_while_working() -> None:
    """A task whose worker holds itself (SIGSTOP) once it has taken the task in."""
    os.kill(os.getpid(), signal.SIGSTOP)


class Unrebuildable(Exception):
    """An exception pickled by its message alone, so unpickling it raises TypeError."""

    def __init__(self, what: str, where: str) -> None:
        super().__init__(f"{what} at {where}")


def _raise_unrebuildable() -> None:
    raise Unrebuildable("bad", "line 3")


def _outcome(run: Callable[[], object]) -> BaseException | object:
    """What ``run`` returns or raises, in a thread the test waits for at most ``BOUND``."""
    outcome: list[BaseException | object] = []

    def target() -> None:
        try:
            outcome.append(run())
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(BOUND)
    assert not thread.is_alive(), "the wait for the task's answer has no end"
    [done] = outcome
    return done


def test_a_worker_held_while_it_works_on_a_task_is_reported_lost(tmp_path: Path) -> None:
    """Before: a worker held (SIGSTOP) after taking in its task was waited on for ever (only a
    stop ended the wait); now past ``answer_deadline``, in one line naming it."""
    pool = WorkerPool(1, _note_start, (str(tmp_path),), answer_deadline=1.0)
    try:
        lost = _outcome(pool.submit(_hold_while_working).result)
    finally:
        pool.abort()
    assert isinstance(lost, WorkerLost), lost
    [pid] = _started(tmp_path)
    said = f"worker process 1 (pid {pid}) gave no answer to the task it took in for 1 s"
    assert str(lost).startswith(said), lost
    assert "\n" not in str(lost)
    assert multiprocessing.active_children() == []


def test_a_reply_that_cannot_be_read_fails_its_task_alone(tmp_path: Path) -> None:
    """The worker's exception pickles but cannot be unpickled (its class takes two arguments):
    its task raises one line saying so, and the worker answers the next (before: the reader
    thread died of the TypeError, and the run waited for the answer for ever)."""
    pool = WorkerPool(1, _note_start, (str(tmp_path),))
    try:
        failed = _outcome(pool.submit(_raise_unrebuildable).result)
        assert pool.submit(len, [1, 2]).result() == 2
        pool.close()
    finally:
        pool.abort()
    assert isinstance(failed, RuntimeError), failed
    [pid] = _started(tmp_path)
    said = f"worker process 1 (pid {pid})'s reply could not be read: "
    assert str(failed).startswith(said) and "\n" not in str(failed), failed


def test_a_task_that_cannot_be_pickled_fails_alone(tmp_path: Path) -> None:
    """Its ticket raises pickle's error; the worker goes on with the next task."""
    pool = WorkerPool(1, _note_start, (str(tmp_path),))
    try:
        bad = pool.submit(len, [threading.Lock()])
        good = pool.submit(len, [1, 2, 3])
        with pytest.raises(TypeError, match="pickle"):
            bad.result()
        assert good.result() == 3
    finally:
        pool.close()

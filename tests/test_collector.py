"""A run collects cyclic garbage in large batches, in its own process and in its workers, and
leaves the caller's collector settings as they were."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.runs.chunk_work import WorkerSetup, start_worker
from scholarkg.runs.collector import RUN_THRESHOLDS
from scholarkg.runs.context import RunContext
from scholarkg.runs.worker_pool import WorkerPool


@pytest.fixture
def caller_thresholds() -> tuple[int, int, int]:
    """The caller's own settings (not Python's defaults, so a reset to defaults is seen)."""
    before = gc.get_threshold()
    gc.set_threshold(1234, 11, 12)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_a_run_collects_in_batches_and_restores_the_callers_settings(
    tmp_path: Path, caller_thresholds: tuple[int, int, int]
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    with RunContext(config, "snapshot"):
        assert gc.get_threshold() == RUN_THRESHOLDS
    assert gc.get_threshold() == caller_thresholds


def test_a_failed_run_restores_the_callers_settings_too(
    tmp_path: Path, caller_thresholds: tuple[int, int, int]
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    with pytest.raises(RuntimeError, match="boom"), RunContext(config, "snapshot"):
        raise RuntimeError("boom")
    assert gc.get_threshold() == caller_thresholds


def test_runs_that_overlap_in_threads_restore_the_callers_settings_after_the_last(
    tmp_path: Path, caller_thresholds: tuple[int, int, int]
) -> None:
    """Two runs that overlap (as runs in two threads of one process may), the first ending
    first: the second keeps collecting in batches, the caller's settings come back after it."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = RunContext(load_config(write_config(tmp_path / "a", [SAMPLE_PROFILE])), "snapshot")
    second = RunContext(load_config(write_config(tmp_path / "b", [SAMPLE_PROFILE])), "snapshot")
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == RUN_THRESHOLDS
    second.__exit__(None, None, None)
    assert gc.get_threshold() == caller_thresholds


def test_a_runs_worker_processes_collect_in_batches(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    pool = WorkerPool(1, start_worker, (WorkerSetup.of(config),))  # as a run starts them
    try:
        assert tuple(pool.submit(gc.get_threshold).result()) == RUN_THRESHOLDS
    finally:
        pool.close()

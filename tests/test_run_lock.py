"""One run at a time per data directory: a second run waits, then refuses clearly."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.lifecycle import pause
from scholarkg.runs import lock
from scholarkg.runs.build import build
from scholarkg.runs.context import RunContext
from scholarkg.runs.lock import RunBusy, RunLock


def test_a_second_run_refuses_clearly_while_the_first_holds_the_data(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    with (
        RunLock(config.data_dir, "build"),
        pytest.raises(RunBusy) as refused,
        RunContext(config, "snapshot", lock_wait=0.3),
    ):
        pass
    message = str(refused.value)
    assert "another scholarkg run is using this data directory" in message
    assert "build" in message and "pid" in message


def test_a_second_run_queues_behind_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run lets go only once the second has found the lock taken and waits: the
    second queued, however slowly either thread was scheduled."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    order: list[str] = []
    held, waiting = threading.Event(), threading.Event()

    def pausing(seconds: float) -> None:  # the second run, waiting its turn
        waiting.set()
        pause(seconds)

    monkeypatch.setattr(lock, "pause", pausing)

    def first() -> None:
        with RunLock(config.data_dir, "first"):
            held.set()
            assert waiting.wait(60), "the second run never waited"
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    assert held.wait(60)
    report = build(config).report  # waits for the lock (default: up to 60 s), then runs
    order.append("second done")
    thread.join()
    assert order == ["first done", "second done"] and report.outcome == "ok"

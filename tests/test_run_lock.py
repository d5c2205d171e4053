"""One run at a time per data directory: a second run waits, then refuses clearly."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
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


def test_a_second_run_queues_behind_the_first(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with RunLock(config.data_dir, "first"):
            held.set()
            time.sleep(0.5)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    report = build(config).report  # waits for the lock (default: up to 60 s), then runs
    order.append("second done")
    thread.join()
    assert order == ["first done", "second done"] and report.outcome == "ok"

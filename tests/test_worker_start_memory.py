"""A query worker that cannot start under ``[serve] memory_limit_mb`` says so. Below ~200 MiB
on this kind of machine the worker's threads cannot start (``std::system_error: Resource
temporarily unavailable``), far below it allocation fails at once; either way every query
ended in ``error: signal SIGABRT``, which names neither the worker nor the setting. The real
CLI over a real store (the sample profile), the limit set through the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.runs.build import build


@pytest.mark.parametrize("limit", [20, 60])
def test_a_worker_that_cannot_start_names_the_memory_limit(tmp_path: Path, limit: int) -> None:
    path = write_config(tmp_path, [SAMPLE_PROFILE])
    config = load_config(path)
    assert build(config).report.outcome == "ok"
    env = {**os.environ, "SCHOLARKG_SERVE__MEMORY_LIMIT_MB": str(limit)}
    command = ["query", "--sparql", "ASK {}", "--config", str(path)]
    done = subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {config.store.path}: the query worker ")
    assert f"[serve] memory_limit_mb = {limit} MiB" in line and line.endswith("raise it")

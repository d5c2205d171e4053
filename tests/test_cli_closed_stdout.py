"""``scholarkg run`` started with its stdout closed (``>&-``, a service manager's choice) runs
and ends as the run did, its two lines on stderr and nothing else.

Before, the temporary Prefect API it starts inherited no stdout and uvicorn failed on
``sys.stdout.isatty()``: a traceback, then 'error: the temporary Prefect API exited with 1';
past that, the command's own last flush of a stdout that is None was a traceback too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE

BOUND = 600  # only catches a hang


def _close_stdout() -> None:
    os.close(1)


@pytest.mark.flow
def test_a_run_with_stdout_closed_runs_and_says_its_two_lines(tmp_path: Path) -> None:
    config = write_config(tmp_path, [SAMPLE_PROFILE])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL",))}
    done = subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", "run", "--config", str(config)],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_close_stdout,
        env=env,
        cwd=tmp_path,
        timeout=BOUND,
        check=False,
    )
    assert done.stderr.decode().splitlines() == [
        "scholarkg run: 1 profile into the embedded Oxigraph store at store; arXiv enrichment"
        " off ([arxiv] enabled = false)",
        "Prefect: starting a temporary local API for this run (set PREFECT_API_URL to follow"
        " runs in a Prefect UI)",
    ]
    assert done.returncode == 0
    [report] = (tmp_path / "data" / "reports").glob("build-*.json")
    assert json.loads(report.read_text(encoding="utf-8"))["outcome"] == "ok"

"""Runs of the CLI whose writes a full disk refuses: ``run`` gives each file it writes a size
limit (``RLIMIT_FSIZE``, ``SIGXFSZ`` ignored, so a write over it fails as on a full disk)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from samples import ROOT

BOUND = 600  # only catches a hang


def limited(size: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return apply


SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
LOAD_SNAPSHOT = ("arxiv", "load-snapshot", str(SNAPSHOT), "--batch-size", "50")


def run(
    directory: Path, size: int | None = None, command: tuple[str, ...] = ("run",)
) -> subprocess.CompletedProcess[str]:
    """``scholarkg run`` (or ``command``) on ``directory``'s config, reporting to the test's
    Prefect API (the limit would stop a temporary API of the run's own first)."""
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ)
    if PREFECT_API_URL.value():
        env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    return subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", *command, "--config",
         str(directory / "scholarkg.toml")],
        capture_output=True, text=True, timeout=BOUND, check=False, env=env,
        preexec_fn=None if size is None else limited(size),
    )  # fmt: skip

"""A temporary Prefect API server Prefect started itself in a test leaves no "--- Logging error
---" at the end of the test process (tests/prefect_servers.py): a real pytest session in a
subprocess, whose one test starts Prefect's own temporary server and leaves it running."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.flow

TESTS = Path(__file__).parent
LEFT_RUNNING = """
def test_leaves_prefects_own_server_running():
    from prefect.logging.configuration import setup_logging
    from prefect.server.api.server import SubprocessASGIServer

    setup_logging()  # Prefect's console: pytest's capture of stderr, as in a flow test
    SubprocessASGIServer().start(timeout=120)
"""


def test_a_server_prefect_started_in_a_test_is_stopped_before_the_capture_closes(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_left.py").write_text(LEFT_RUNNING)
    env = os.environ | {
        "PYTHONPATH": str(TESTS),
        "PREFECT_HOME": str(tmp_path / "prefect"),  # its own database, not ~/.prefect's
        "PREFECT_API_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "prefect_servers", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    assert "Logging error" not in done.stdout + done.stderr, done.stderr

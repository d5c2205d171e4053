"""A hang in a process the test did not start itself (a flow run Prefect's runner started)
fails showing where it was: ``processes.where_pid`` gives its threads and, with
``PYTHONFAULTHANDLER=1``, its Python stacks, passed on by the process that reads its stderr,
and ends it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from processes import alive, communicate_all, where_pid

BOUND = 60.0  # only catches a hang
# the started process's stderr goes to the starter's, as a runner passes a run's on
STARTER = """
import subprocess, sys
subprocess.run([sys.executable, "-c", sys.argv[1]], check=False)
"""
HUNG = """
import os, threading
def waiting_for_ever():
    print(os.getpid(), flush=True)
    threading.Event().wait()
waiting_for_ever()
"""


def test_a_process_the_test_did_not_start_is_shown_with_its_python_stacks(
    tmp_path: Path,
) -> None:
    err = tmp_path / "stderr.txt"
    with err.open("wb") as out:
        starter = subprocess.Popen(
            [sys.executable, "-c", STARTER, HUNG],
            stdout=subprocess.PIPE, stderr=out, text=True,
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        )  # fmt: skip
    try:
        assert starter.stdout is not None
        hung = int(starter.stdout.readline())
        shown = where_pid(hung, lambda: err.read_text(errors="replace"))
        [(rest, _)] = communicate_all([starter], BOUND)  # it goes on once its process ended
    finally:
        if starter.poll() is None:
            starter.kill()
            starter.wait()
    assert shown.startswith(f"pid {hung}:\n  thread {hung} "), shown
    assert "Fatal Python error: Aborted" in shown, shown
    assert 'line 5 in waiting_for_ever\n  File "<string>", line 6 in <module>' in shown, shown
    assert not alive(hung) and rest == ""

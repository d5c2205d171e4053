"""A hang in a process the test did not start itself (a flow run Prefect's runner started)
fails showing where it was: ``processes.where_pid`` gives its threads and, with
``PYTHONFAULTHANDLER=1``, its Python stacks, passed on by the process that reads its stderr,
and ends it. So does a process that never holds itself (``processes.wait_held``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from polls import until
from processes import alive, communicate_all, kill_run, wait_held, where_pid

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


# never holds itself; its child keeps the pipes open after it ends
NEVER_HELD = """
import subprocess, sys, threading
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print(child.pid, flush=True)
def waiting_for_ever():
    threading.Event().wait()
waiting_for_ever()
"""


def test_a_process_that_never_holds_itself_fails_the_wait_held_within_its_bound() -> None:
    """``wait_held`` fails after its bound, with where the process was and what ``shown()``
    (here its ``communicate``) gives once it and its child are ended (before: no bound, and
    that ``communicate`` would wait on the process for ever)."""
    process = subprocess.Popen(
        [sys.executable, "-c", NEVER_HELD],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        child = int(process.stdout.readline())
        with pytest.raises(AssertionError) as failed:
            wait_held(process, process.communicate, bound=1.0)
    finally:
        kill_run(process)
    said = str(failed.value)
    assert said.startswith(f"pid {process.pid} never held itself in 1 s: "), said
    assert f"\n  thread {process.pid} " in said, said
    assert "Fatal Python error: Aborted" in said and "in waiting_for_ever" in said, said
    assert process.poll() is not None
    until(lambda: not alive(child), f"child {child} still running")  # killed: it ends


# ends without holding itself; its child keeps the pipes open after it ends
ENDED_FIRST = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print(child.pid, flush=True)
print("ended before holding itself", file=sys.stderr, flush=True)
sys.exit(3)
"""


def test_a_process_that_ends_first_fails_the_wait_held_within_its_bound() -> None:
    """``wait_held`` fails once the process has ended, with what ``shown()`` (its
    ``communicate``) gives after its child holding the pipes is killed, ``shown_bound`` seconds
    on (before: ``shown()`` was called as is and waited on the child for ever)."""
    process = subprocess.Popen(
        [sys.executable, "-c", ENDED_FIRST],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    failed: list[BaseException] = []

    def wait() -> None:
        try:
            wait_held(process, process.communicate, shown_bound=1.0)
        except AssertionError as exc:
            failed.append(exc)

    try:
        assert process.stdout is not None
        child = int(process.stdout.readline())
        waiting = threading.Thread(target=wait, daemon=True)
        waiting.start()
        waiting.join(BOUND)
        assert not waiting.is_alive(), f"wait_held still waiting after {BOUND:g} s"
    finally:
        kill_run(process)
        if alive(child):
            os.kill(child, signal.SIGKILL)
    [said] = [str(exc) for exc in failed]
    assert said.startswith(f"pid {process.pid} ended (exit status 3) before holding itself: "), said
    assert f"(its pipes held open after 1 s by pids [{child}]: killed)" in said, said
    assert "ended before holding itself" in said, said
    until(lambda: not alive(child), f"child {child} still running")


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

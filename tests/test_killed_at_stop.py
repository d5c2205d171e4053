"""The hold of ``tests/helpers/killed_at.py`` (``KILLED_BY=STOP``) goes on at SIGCONT however
late a signal handler would run, and holds the calling thread before it runs on. Before, the
calling thread waited for an event that SIGCONT's Python handler set, and Python runs a handler
in the main thread only: SIGCONT handed by the kernel to another thread (a RocksDB one) that
took it only once the main thread had gone to sleep in that wait left the process waiting out
the wait's bound, 600 s (a CI run's export, held in its main thread, never ended; about one
hold in a hundred on a busy machine). Here the process blocks SIGCONT, so no handler ever runs:
the late handler, every time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from processes import communicate_all, wait_held

HELPERS = Path(__file__).parent / "helpers"
BOUND = 120.0  # only catches a hang (the hold's own bound was 600 s)

CHILD = """
import os, signal, sys, threading
sys.path.insert(0, sys.argv[1])
import killed_at

killed_at.install("os:getcwd")
if sys.argv[2] == "main":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCONT})  # its threads' too
    threading.Thread(target=threading.Event().wait, daemon=True).start()
    os.getcwd()
else:  # held in a thread while this one runs Python code
    def held():
        os.getcwd()
        open(sys.argv[3], "w").close()
    other = threading.Thread(target=held)
    other.start()
    while other.is_alive():
        sum(range(1000))
print("went on")
"""


def _held(where: str, tmp_path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(HELPERS), where, str(tmp_path / "ran-on")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "KILLED_BY": "STOP", "PYTHONFAULTHANDLER": "1"},
    )  # fmt: skip
    wait_held(process, process.communicate)
    return process


def _let_go(process: subprocess.Popen[str]) -> None:
    try:
        process.send_signal(signal.SIGCONT)
        [(out, err)] = communicate_all([process], BOUND)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (process.returncode, out, err) == (0, "went on\n", "")


def test_a_main_thread_held_goes_on_at_sigcont_though_no_handler_runs(tmp_path: Path) -> None:
    _let_go(_held("main", tmp_path))


def test_a_thread_held_does_not_run_on_before_its_process_stops(tmp_path: Path) -> None:
    """The process is stopped (the main thread too) before the held thread's next line."""
    process = _held("thread", tmp_path)
    assert not (tmp_path / "ran-on").exists()
    _let_go(process)
    assert (tmp_path / "ran-on").exists()

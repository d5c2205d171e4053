"""A run held where it first calls a function (helpers/killed_at.py, ``KILLED_BY=STOP``), one
of its worker processes SIGKILLed, then let go: what the killed-snapshot tests do to a worker
(test_snapshot_killed_parts.py, test_snapshot_killed_identity.py)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from processes import kill_worker_then_resume, wait_held, wait_shown

# A load held (helpers/killed_at.py); a hang's failure shows each Python thread's stack
HELD = {"KILLED_BY": "STOP", "PYTHONFAULTHANDLER": "1"}


def kill_a_worker(
    command: list[str], output: Path, bound: float, held: Callable[[], object] = lambda: None
) -> tuple[int, str]:
    """Run ``command`` (held where it names), its output to the file ``output``; once it holds
    itself call ``held()``, SIGKILL one of its workers and let it go on until it ends (within
    ``bound`` seconds). Its exit status and output."""
    with output.open("w") as sink:  # not a pipe: nobody reads it while the test polls
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env={**os.environ, **HELD}
        )
    try:
        wait_held(process, lambda: output.read_text(encoding="utf-8"))
        held()
        kill_worker_then_resume(process)
        wait_shown(process, bound, lambda: output.read_text(encoding="utf-8"))
    finally:
        if process.poll() is None:  # only when the test itself failed
            process.kill()
            process.wait(timeout=60)
    return process.returncode, output.read_text(encoding="utf-8")

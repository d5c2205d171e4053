"""A snapshot load whose worker processes helpers/at_start cuts (``KILLED_IN=workers``: in the
worker processes only) where it is told, in their first send of a chunk's result unless told
(:func:`cut_mid_send`), and a stop of the run once one of them holds itself
(:func:`stop_while_held`). Shared by test_snapshot_worker_mid_send.py and
test_snapshot_worker_held.py."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from killed_snapshot import BOUND
from polls import until
from processes import kill_run, wait_shown, worker_of
from store_contents import reports

AT_START = Path(__file__).parent / "helpers" / "at_start"
# a worker's third write to the run: the body of its first chunk's result, its length written
# (its first: the empty message that says it is set up)
MID_SEND = "multiprocessing.connection:Connection._send@3"
# a worker's first read from the run: its first task
FIRST_READ = "multiprocessing.connection:Connection.recv"
LARGE = 100  # records a chunk: ~140 KiB of snapshot lines, more than a pipe's 64 KiB buffer


def cut_mid_send(how: str, point: str = MID_SEND) -> dict[str, str]:
    """The environment of a load whose workers are cut (``KILLED_BY``) at ``point``: in their
    first send, unless told."""
    paths = [str(AT_START), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(paths),
        "KILLED_AT": point,
        "KILLED_IN": "workers",
        "KILLED_BY": how,
        "PYTHONFAULTHANDLER": "1",  # a hang's failure shows each Python thread's stack
    }


def stop_while_held(directory: Path, argv: list[str], env: dict[str, str]) -> None:
    """Run ``argv``; once one of its workers holds itself, SIGTERM the run: it stops (exit 143,
    one "stop requested"), its report a failed run's."""
    output = directory / "output.txt"
    with output.open("w") as sink:  # not a pipe: nobody reads it while the test polls
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, env=env)

    def written() -> str:
        return output.read_text(encoding="utf-8")

    def held() -> bool:  # a worker of the run holds itself (SIGSTOP)
        if worker_of(process.pid, "T") is not None:
            return True
        assert process.poll() is None, written()
        return False

    try:
        until(held, written, BOUND)  # only a hang (before: no bound, a hang hung)
        process.send_signal(signal.SIGTERM)
        # before: the run never looked for a stop while it waited (SIGTERM did nothing)
        wait_shown(process, BOUND, written)
    finally:
        kill_run(process)  # running only when the test itself failed
    shown = written()
    assert process.returncode == 128 + signal.SIGTERM, shown  # stopped, as SIGTERM would
    assert "Traceback" not in shown
    assert "outcome: failed" in shown and "stop requested" in shown, shown
    assert reports(directory)[-1]["outcome"] == "failed"

"""A snapshot load whose worker process is held (SIGSTOP, by helpers/at_start with
``KILLED_IN=workers``) where the run waits on it ends in one line naming the worker and what
it was waited on for, once ``[runner] answer_deadline`` or ``take_deadline`` has passed: held
while it works on its first chunk (the chunk taken in, its answer never sent), or before it
reads a chunk larger than its pipe's buffer. Before, a worker held while it worked was waited
on for ever (only a stop ended the run). The deadlines are passed because the worker is held,
not because the test waits; one worker, so no other chunk's answer is timed. A deadline that
is no number of seconds is refused in one line."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from held_workers import FIRST_READ, LARGE, cut_mid_send, stop_while_held
from killed_snapshot import BOUND, command, make_input
from processes import communicate_all, kill_run
from store_contents import reports

# a worker's first chunk, once it has taken it in (the task unpickled: the hooked function)
WORKING = "scholarkg.runs.chunk_work:process_lines"


def held_load(directory: Path, argv: list[str], env: dict[str, str]) -> str:
    """Run the held load (its worker processes killed should the test itself fail); its
    output, once it has ended failed, with no traceback and no worker left."""
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    try:
        # before: a hang, to this bound; one shows where the run was (its workers then killed)
        [(shown, _)] = communicate_all([process], BOUND)
    finally:
        kill_run(process)  # running only when the test itself failed
    assert process.returncode == 1, shown
    assert "Traceback" not in shown
    assert "outcome: failed" in shown, shown
    assert reports(directory)[-1]["outcome"] == "failed"
    return shown


def one_line(shown: str) -> str:
    said = [line for line in shown.splitlines() if line.startswith(("error:", "failed:"))]
    assert len(said) == 1, shown
    return said[0]


def test_a_worker_held_while_it_works_fails_the_run_past_the_answer_deadline(
    tmp_path: Path,
) -> None:
    make_input(tmp_path)
    env = cut_mid_send("STOP", WORKING)
    env |= {"SCHOLARKG_RUNNER__MAX_WORKERS": "1", "SCHOLARKG_RUNNER__ANSWER_DEADLINE": "1"}
    said = one_line(held_load(tmp_path, command(tmp_path), env))
    pattern = r"worker process 1 \(pid \d+\) gave no answer to the task it took in for 1 s"
    assert re.search(pattern, said), said


def test_a_stop_while_a_worker_is_held_at_work_still_stops_the_run(tmp_path: Path) -> None:
    """SIGTERM within the answer deadline (3600 s by default): exit 143, "stop requested"."""
    make_input(tmp_path)
    stop_while_held(tmp_path, command(tmp_path), cut_mid_send("STOP", WORKING))


def test_a_small_take_deadline_is_honoured(tmp_path: Path) -> None:
    """A chunk larger than a pipe's buffer, its worker held before it reads it: the run fails
    past ``take_deadline`` (1 s here, 600 s by default)."""
    make_input(tmp_path)
    env = cut_mid_send("STOP", FIRST_READ)
    env |= {"SCHOLARKG_RUNNER__MAX_WORKERS": "1", "SCHOLARKG_RUNNER__TAKE_DEADLINE": "1"}
    said = one_line(held_load(tmp_path, command(tmp_path, batch=LARGE), env))
    pattern = r"worker process 1 \(pid \d+\) took in no task for 1 s \(held, or stopped\)"
    assert re.search(pattern, said), said


def test_a_deadline_of_no_seconds_is_refused_in_one_line(tmp_path: Path) -> None:
    make_input(tmp_path)
    for key, value in (("TAKE_DEADLINE", "0"), ("ANSWER_DEADLINE", "soon")):
        env = {**os.environ, f"SCHOLARKG_RUNNER__{key}": value}
        done = subprocess.run(
            command(tmp_path), capture_output=True, text=True, timeout=BOUND, env=env,
            check=False,
        )  # fmt: skip
        assert done.returncode == 1, done.stdout + done.stderr
        [line] = done.stderr.splitlines()
        named = f"error: environment SCHOLARKG_RUNNER__{key}: [runner] {key.lower()} "
        assert line.startswith(named) and repr(value) in line, line
        assert reports(tmp_path) == []

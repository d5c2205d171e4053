"""A snapshot load whose worker process dies, or is held, in the middle of sending a chunk's
result to the run (the message's length written, its body not): the run ends — it does not
wait for the rest of the message for ever — saying in one line that a worker process ended
abruptly, or, asked to stop (SIGTERM) while it waits on the held worker, as a stopped run; the
next run completes the load. Input as in test_snapshot_killed_parts.py (chunks of 10 records,
two worker processes; a chunk's result is sent in two writes, its length then its body).

The worker is cut by helpers/at_start (``KILLED_IN=workers``: in the worker processes only) at
its third low-level write (its first: the message that says it is set up), the body of its
first result: SIGKILL, or SIGSTOP. And a worker held (SIGSTOP) before it reads its first task, a
chunk of 100 records (~140 KiB, more than a pipe's buffer holds): the run's write of it cannot
end, yet SIGTERM stops the run."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from killed_snapshot import (
    BOUND,
    Clean,
    check_run_again,
    command,
    counted_in_store,
    make_input,
)
from processes import children, kill_run, state, wait_shown
from store_contents import reports

pytest_plugins = ("killed_snapshot_fixtures",)

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


def held_worker(pid: int) -> int | None:
    """A worker process of the run ``pid`` that holds itself (SIGSTOP), if one does now."""
    for child in children(pid):
        try:
            line = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in line and state(child) == "T":
            return child
    return None


def test_a_worker_killed_while_it_sends_a_result_fails_the_run_and_the_next_completes_it(
    tmp_path: Path, clean: Clean
) -> None:
    make_input(tmp_path)
    # before: the run waited for the rest of the message for ever (no exception, no stop)
    done = subprocess.run(
        command(tmp_path), capture_output=True, text=True, timeout=BOUND, check=False,
        env=cut_mid_send("KILL"),
    )  # fmt: skip
    shown = done.stdout + done.stderr
    assert done.returncode == 1, shown
    assert "outcome: failed" in done.stdout, shown
    assert "Traceback" not in shown
    said = [line for line in shown.splitlines() if line.startswith(("error:", "failed:"))]
    assert len(said) == 1 and "worker process ended abruptly" in said[0], shown
    [report] = reports(tmp_path)
    assert report["outcome"] == "failed", report
    assert report["store_quads"] == counted_in_store(tmp_path)
    check_run_again(tmp_path, clean)


def test_a_stop_while_the_run_waits_on_a_worker_held_mid_send_stops_it(
    tmp_path: Path, clean: Clean
) -> None:
    make_input(tmp_path)
    stop_while_held(tmp_path, command(tmp_path), cut_mid_send("STOP"))
    check_run_again(tmp_path, clean)


def test_a_stop_while_a_worker_held_before_reading_is_sent_a_large_chunk_stops_it(
    tmp_path: Path, clean: Clean
) -> None:
    """Before: the run wrote the chunk to the pipe itself, and waited in that write for ever
    (SIGTERM did nothing); now a writer thread of the worker's waits, the run's thread stops."""
    make_input(tmp_path)
    large = command(tmp_path, batch=LARGE)
    stop_while_held(tmp_path, large, cut_mid_send("STOP", FIRST_READ))
    check_run_again(tmp_path, clean)  # the next run, in chunks of 10 as the clean load's


def stop_while_held(directory: Path, argv: list[str], env: dict[str, str]) -> None:
    """Run ``argv``; once one of its workers holds itself, SIGTERM the run: it stops (exit 143,
    one "stop requested"), its report a failed run's."""
    output = directory / "output.txt"
    with output.open("w") as sink:  # not a pipe: nobody reads it while the test polls
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + BOUND  # only a hang (before: no bound, a hang hung)
        while held_worker(process.pid) is None:
            assert process.poll() is None, output.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, output.read_text(encoding="utf-8")
            time.sleep(0.01)  # a poll, not a wait for time to pass
        process.send_signal(signal.SIGTERM)
        # before: the run never looked for a stop while it waited (SIGTERM did nothing)
        wait_shown(process, BOUND, lambda: output.read_text(encoding="utf-8"))
    finally:
        kill_run(process)  # running only when the test itself failed
    shown = output.read_text(encoding="utf-8")
    assert process.returncode == 128 + signal.SIGTERM, shown  # stopped, as SIGTERM would
    assert "Traceback" not in shown
    assert "outcome: failed" in shown and "stop requested" in shown, shown
    assert reports(directory)[-1]["outcome"] == "failed"

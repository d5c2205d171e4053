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

import subprocess
from pathlib import Path

from held_workers import FIRST_READ, LARGE, cut_mid_send, stop_while_held
from killed_snapshot import (
    BOUND,
    Clean,
    check_run_again,
    command,
    counted_in_store,
    make_input,
)
from store_contents import reports

pytest_plugins = ("killed_snapshot_fixtures",)


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

"""SIGTERM to a real ``scholarkg arxiv load-snapshot`` reading a named pipe whose writer sent
some lines and went silent, the pipe kept open: plain and ``*.jsonl.gz`` alike, the run ends
with 143 and "interrupted", and its report counts what the store holds."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import termios
import zlib
from contextlib import suppress
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from polls import until
from processes import alive
from samples import ROOT

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
BOUND = 120.0  # only catches a hang
# the run waits for the pipe: in a select() (a read that a stop ends) or in a blocking read
WAITS = ("poll_schedule_timeout", "do_select", "do_sys_poll", "pipe_read", "pipe_wait")


def unread(fd: int) -> int:
    """The bytes in the pipe ``fd`` is an end of, not yet read."""
    return int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"), sys.byteorder)


def waiting_for_the_pipe(pid: int) -> bool:
    with suppress(OSError):
        return Path(f"/proc/{pid}/wchan").read_text().startswith(WAITS)
    return False


def in_the_kernel(pid: int) -> str:
    """Where the process ``pid`` waits in the kernel (its wchan: ``0`` while it runs)."""
    with suppress(OSError):
        wchan = Path(f"/proc/{pid}/wchan").read_text()
        return wchan if wchan not in ("", "0") else "no wait (running)"
    return "no wait (ended)"


@pytest.mark.parametrize("name", ["s.jsonl", "s.jsonl.gz"], ids=["plain", "gz"])
def test_sigterm_ends_a_run_reading_a_pipe_that_went_silent(tmp_path: Path, name: str) -> None:
    """Before (``*.gz``): GzipFile read the pipe in a blocking read that SIGTERM did not end."""
    text = "".join(line + "\n" for line in SNAPSHOT.read_text(encoding="utf-8").splitlines()[:27])
    if name.endswith(".gz"):  # a gzip stream flushed so far, not ended: more was to come
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        data = packer.compress(text.encode()) + packer.flush(zlib.Z_SYNC_FLUSH)
    else:
        data = text.encode()
    fifo = tmp_path / name
    os.mkfifo(fifo)
    config = write_config(tmp_path, [], runner={"max_workers": 1})
    process = subprocess.Popen(
        [sys.executable, "-m", "scholarkg.cli", "arxiv", "load-snapshot", str(fifo),
         "--batch-size", "10", "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    pipe = os.open(fifo, os.O_RDWR)  # a writer that never hangs up (and never waits for one)
    try:
        os.write(pipe, data)
        until(  # the run has read them and waits for more (or has ended: its status says why)
            lambda: (
                process.poll() is not None
                or (not unread(pipe) and waiting_for_the_pipe(process.pid))
            ),
            lambda: (
                f"the run never waited on the pipe: {unread(pipe)} bytes unread, "
                f"the run's wait: {in_the_kernel(process.pid)}"
            ),
            BOUND,
        )
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=BOUND)
    finally:
        os.close(pipe)
        if alive(process.pid):
            process.kill()
    assert process.returncode == 128 + signal.SIGTERM, err
    assert b"failed: interrupted" in out, out
    [path] = (tmp_path / "data" / "reports").glob("snapshot-*.json")
    report = json.loads(path.read_text())
    assert report["interrupted"] and report["records_read"] <= 27, report
    held = ox.Store.read_only(str(tmp_path / "store"))
    papers = {g.value for g in held.named_graphs() if "/graph/arxiv/" in g.value}
    assert report["records_loaded"] == len(papers) and report["store_quads"] == len(held)

"""What the tests of stopped runs share: the CONSTRUCTED input (the 100 real snapshot lines
copied under new ids, ``9004.NNNNN``, a range no e-print can have), a snapshot load in a child
process that holds itself at a chosen call (helpers/killed_at.py, ``KILLED_BY=STOP``) for the
test to signal it however fast it runs, ``scholarkg run`` in a child process with a source still
arriving, and the bounds that only catch a hang.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from conftest import write_config
from loopback import Drip
from processes import alive, children, wait_held, wait_shown
from samples import ROOT

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
BOUND = 60.0  # an upper bound that only catches a hang, never a timing assertion
# A run's start-up includes its temporary Prefect API, which a busy two-core machine has taken
# over 200 s to start: the wait for its first request is bounded only against a hang.
STARTUP_BOUND = 600.0
KILLED_AT = Path(__file__).parent / "helpers" / "killed_at.py"
# Where a load is held: as its third chunk is handed to the loader, two loaded (or in the bulk
# loader's segment) and nine to come, with its worker processes running.
THIRD_CHUNK = "scholarkg.runs.loading:Loading.add@3"
COPIES = 6  # 600 records: 12 chunks of 50


def copies(path: Path, times: int) -> Path:
    """``times`` copies of the snapshot sample, each under new ids, written to ``path``."""
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    out = []
    for copy in range(times):
        for number, line in enumerate(lines):
            data = json.loads(line)
            data["id"] = f"9004.{copy * 100 + number:05d}"
            out.append(json.dumps(data))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def still_running(pids: set[int]) -> list[int]:
    """Those of ``pids`` alive after BOUND (a process that exits takes a moment to go)."""
    deadline = time.monotonic() + BOUND
    while [pid for pid in pids if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


class Run:
    """``scholarkg arxiv load-snapshot`` in a child process that holds itself at a chosen call
    for the test to signal it, its stderr read as it comes."""

    def __init__(
        self,
        directory: Path,
        snapshot: Path,
        *,
        own_group: bool = False,
        loader: str = "bulk",
        held_at: str = THIRD_CHUNK,
    ) -> None:
        """``held_at``: the run holds itself (SIGSTOP) when the function it names is called
        (helpers/killed_at.py), until :meth:`go_on`."""
        config = write_config(directory, [], runner={"max_workers": 2})
        self.process = subprocess.Popen(
            [sys.executable, str(KILLED_AT), held_at, "arxiv", "load-snapshot", str(snapshot),
             "--batch-size", "50", "--loader", loader, "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=own_group,  # leading a process group, as a shell's job does
            # PYTHONFAULTHANDLER: a hang's failure shows each Python thread's stack
            env={**os.environ, "KILLED_BY": "STOP", "PYTHONFAULTHANDLER": "1"},
        )  # fmt: skip
        self.out: list[bytes] = []
        self.err: list[bytes] = []
        self.readers = [
            threading.Thread(target=_read, args=(stream, into), daemon=True)
            for stream, into in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self.readers:
            reader.start()

    def hold(self) -> set[int]:
        """Once the run holds itself where ``held_at`` names: its worker processes."""
        wait_held(self.process, lambda: b"".join(self.err).decode())
        return children(self.process.pid)

    def go_on(self) -> None:
        """The held run goes on (a signal sent it while held is then handled)."""
        os.kill(self.process.pid, signal.SIGCONT)

    def finish(self) -> tuple[bytes, bytes]:
        """Its stdout and stderr once it has ended; a hang fails showing where it was (before:
        a read of stdout without a bound, then ``TimeoutExpired`` alone)."""
        wait_shown(self.process, BOUND, self._stderr)
        for reader in self.readers:
            reader.join(BOUND)
        return b"".join(self.out), b"".join(self.err)

    def _stderr(self) -> str:
        self.readers[1].join(BOUND)
        return b"".join(self.err).decode(errors="replace")


def _read(stream: Any, into: list[bytes]) -> None:
    for line in stream:
        into.append(line)


def dripping_profile() -> Drip:
    """The sample page, one byte every half second (a source still arriving when stopped)."""
    return Drip((ROOT / "examples" / "profiles" / "leonard-hussenot.txt").read_bytes(), 0.5)


def start_run(config: Path) -> subprocess.Popen[bytes]:
    """``scholarkg run`` in a child process with its own temporary Prefect API."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "scholarkg.cli", "run", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )

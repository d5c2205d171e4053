"""A command that runs queries in a worker pool (``scholarkg serve``, ``scholarkg query``)
killed outright (SIGKILL: no handler runs) takes its forkserver and query workers with it
within seconds. Before, a worker running a query kept running it, and kept the forkserver and
multiprocessing's resource tracker alive, for as long as the query lasted: every worker held
the write end of the pipe by which the forkserver learns that the command is gone, so the
forkserver never ended and the kernel's parent-death signal to the worker never came."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from conftest import write_config
from polls import within
from processes import alive, descendants, still_alive
from serve_fixtures import build_v2_store
from store_workers import ENDLESS

COMMAND = [sys.executable, "-m", "scholarkg.cli"]


def _ask_for_ever(url: str) -> None:
    with contextlib.suppress(requests.RequestException):  # the server is killed meanwhile
        requests.get(url + "sparql", params={"query": ENDLESS}, timeout=600)


def _running_worker(parent: subprocess.Popen[str]) -> int | None:
    """A worker under ``parent`` running the query past 1 s (the pool lowers its priority)."""
    found: list[int] = []

    def settled() -> bool:  # ended, or a worker found
        if parent.poll() is not None:
            return True
        for pid in descendants(parent.pid):
            with contextlib.suppress(OSError):
                if os.getpriority(os.PRIO_PROCESS, pid) > 0:
                    found.append(pid)
                    return True
        return False

    within(settled, 120, every=0.1)
    return found[0] if found else None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("command", ["serve", "query"])
def test_a_pool_whose_command_is_killed_ends_with_it(command: str, tmp_path: Path) -> None:
    store = build_v2_store(tmp_path / "store")
    config = write_config(
        tmp_path, [], store={"path": str(store)}, serve={"workers": 1, "time_limit": 3600.0}
    )
    if command == "serve":
        args = ["serve", "--port", "0", "--config", str(config)]
    else:
        args = ["query", "--config", str(config), "--sparql", ENDLESS]
    parent = subprocess.Popen(
        [*COMMAND, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        start_new_session=True,
    )
    left: set[int] = set()
    try:
        if command == "serve":
            assert parent.stdout is not None
            found = re.search(r"at (http://\S+/) ", parent.stdout.readline())
            assert found is not None
            threading.Thread(target=_ask_for_ever, args=(found.group(1),), daemon=True).start()
        worker = _running_worker(parent)
        assert worker is not None, parent.communicate(timeout=60)
        pool = descendants(parent.pid)  # the forkserver, the workers, the resource tracker
        assert worker in pool and len(pool) >= 3
        parent.kill()
        parent.wait(30)
        left = {pid for pid in pool if alive(pid)}
        within(lambda: not still_alive(left), 30, every=0.1)
        assert left == set()  # before: the worker, its forkserver and the tracker ran on
    finally:
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
            parent.wait(30)

"""Stopping `scholarkg serve` while a query runs: Ctrl-C or SIGTERM (to the server's process
group, as a terminal or a supervisor sends it) answers the running query 503 at once and stops
the server and every worker, quietly. Before, the server waited for the query's time limit
(30 s by default; here 600 s), then uvicorn cancelled the request after its graceful-shutdown
time with a CancelledError traceback and the client got a 500."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from polls import until
from stopped_runs import BOUND, still_running

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def session_processes(sid: int) -> set[int]:
    """Every process of session ``sid`` (the server, its forkserver and query workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # fields after the name: state, ppid, pgrp, session, …
            found.add(int(stat.parent.name))
    return found


def niceness(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[16])


def deprioritised(pids: set[int], base: int) -> bool:
    """Whether one of ``pids`` runs at the low priority of a query past its first second: a
    nice value above ``base``, the server's own (a test run under ``nice`` starts above 0)."""
    return any((nice or base) > base for nice in map(niceness, pids))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_server_with_a_query_running(tmp_path: Path, sig: int) -> None:
    store = ox.Store(str(tmp_path / "store"))
    store.update(
        "INSERT DATA { GRAPH <urn:x:g> { "
        + " ".join(f"<urn:x:s{i}> <urn:x:p> {i} ." for i in range(200))
        + " } }"
    )
    del store
    (tmp_path / "scholarkg.toml").write_text("[serve]\ntime_limit = 600.0\n", encoding="utf-8")
    config, store_dir = str(tmp_path / "scholarkg.toml"), str(tmp_path / "store")
    command = [sys.executable, "-m", "scholarkg.cli", "serve", "--port", "0"]
    server = subprocess.Popen(
        [*command, "--config", config, "--store", store_dir],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    answers: list[requests.Response | Exception] = []
    try:
        assert server.stdout is not None
        first = server.stdout.readline().decode()
        url = re.search(r"at (http://\S+/) ", first)
        assert url is not None, first

        def ask() -> None:
            try:
                answers.append(
                    requests.get(url.group(1) + "sparql", params={"query": SLOW}, timeout=BOUND)
                )
            except requests.RequestException as exc:
                answers.append(exc)

        base = niceness(server.pid)
        assert base is not None
        client = threading.Thread(target=ask)
        client.start()
        until(  # until a worker has run the query for a second
            lambda: deprioritised(session_processes(server.pid), base),
            "the query never ran",
            BOUND,
            every=0.1,
        )
        processes = session_processes(server.pid)
        os.killpg(server.pid, sig)
        code = server.wait(BOUND)  # not the query's 600 s
        client.join(BOUND)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    output = server.stdout.read().decode()
    assert code == (0 if sig == signal.SIGINT else -signal.SIGTERM), output
    assert "Traceback" not in output and "CancelledError" not in output, output
    [answer] = answers
    assert isinstance(answer, requests.Response), answer
    assert answer.status_code == 503, answer.text
    assert "the server is stopping: the query was not answered" in answer.text
    assert answer.headers.get("Retry-After") == "5"
    assert still_running(processes) == []  # workers and forkserver gone too

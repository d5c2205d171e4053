"""``scholarkg serve`` over a SPARQL-server store: the query workers talk to the server with the
``[store]`` settings (answer cap, read timeout), not the defaults (before: each worker built its
store with the 1 GiB cap and the 120 s read timeout whatever the config said); the store's own
words for a failure are one line of the server's log (before: only the worker's stderr file,
deleted unread, had them)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from conftest import write_config
from flooding_sparql import MIB, Flood
from loopback import Answering, read_request
from scholarkg.config import ServeSettings
from scholarkg.serve import make_server
from scholarkg.serve.store_spec import spec_for
from scholarkg.store.remote import SparqlStore
from serve_helpers import SPARQL_JSON

COMMAND = [sys.executable, "-m", "scholarkg.cli"]
QUERY = "SELECT ?n WHERE { ?s ?p ?n }"


class Late(Answering):
    """A loopback SPARQL server that answers after ``hold`` is set (a stalled server): each
    request it holds is counted in ``held``."""

    def __init__(self) -> None:
        self.hold = threading.Event()
        self.held = 0
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        read_request(conn)
        self.held += 1
        self.hold.wait(60)

    def close(self) -> None:
        self.hold.set()
        super().close()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[object]:
    servers: list[subprocess.Popen[str]] = []

    def start(url: str, **store: object) -> tuple[str, subprocess.Popen[str]]:
        config = write_config(
            tmp_path,
            [],
            store={"kind": "sparql", "query_url": f"{url}/query", **store},
            serve={"workers": 1, "time_limit": 60.0},
        )
        server = subprocess.Popen(
            [*COMMAND, "serve", "--port", "0", "--config", config],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tmp_path,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        servers.append(server)
        assert server.stdout is not None
        first = server.stdout.readline()
        found = re.search(r"at (http://\S+/) ", first)
        assert found is not None, first + server.stdout.read()
        return found.group(1), server

    yield start
    for server in servers:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(30)


def stopped(server: subprocess.Popen[str]) -> str:
    """What the server printed (its log), once stopped by Ctrl-C."""
    os.killpg(server.pid, signal.SIGINT)
    server.wait(60)
    assert server.stdout is not None
    return server.stdout.read()


def ask(url: str) -> requests.Response:
    return requests.get(
        url + "sparql", params={"query": QUERY}, headers={"Accept": SPARQL_JSON}, timeout=60
    )


def test_a_worker_applies_the_configured_answer_cap_and_the_server_stays_up(serve) -> None:  # type: ignore[no-untyped-def]
    flood = Flood(padding=4 * MIB)
    try:
        url, server = serve(flood.url, max_answer_bytes=MIB)
        refused = ask(url)
        flood.padding = 0  # the same server, now answering within the cap
        answered = ask(url)
    finally:
        flood.close()
    assert refused.status_code == 502, refused.text  # before: 200, read whole under 1 GiB
    assert refused.text.count("\n") <= 1 and "Traceback" not in refused.text
    assert answered.status_code == 200, answered.text
    assert answered.json()["results"]["bindings"] == []
    assert server.poll() is None
    log = stopped(server)
    assert "Traceback" not in log, log
    said = [line for line in log.splitlines() if "max_answer_bytes" in line]
    assert said, log  # before: the reason went to the worker's stderr file, deleted unread
    for line in said:  # the store and the key, each failure one line of the server's log
        assert "the store could not answer" in line and f"{flood.url}/query: " in line
        assert f"max_answer_bytes = {MIB} bytes" in line


def test_a_worker_applies_the_configured_read_timeout(serve) -> None:  # type: ignore[no-untyped-def]
    late = Late()
    try:
        url, server = serve(late.url, read_timeout=0.5, connect_timeout=0.5)
        stalled = ask(url)  # before: the worker waited 120 s, past the server's 60 s limit
        held = late.held  # the server's warm-up queries (site counts) are held too
    finally:
        late.close()
    assert held >= 1
    assert stalled.status_code == 502, stalled.text
    assert "the store could not answer" in stalled.text
    assert server.poll() is None
    said = [line for line in stopped(server).splitlines() if "timed out" in line]
    assert said and all(f"{late.url}/query: SPARQL query: timed out" in s for s in said), said


def test_scholarkg_query_applies_the_configured_answer_cap(tmp_path: Path) -> None:
    flood = Flood(padding=4 * MIB)
    config = write_config(
        tmp_path,
        [],
        store={"kind": "sparql", "query_url": f"{flood.url}/query", "max_answer_bytes": MIB},
    )
    try:
        done = subprocess.run(
            [*COMMAND, "query", "--config", str(config), "--sparql", QUERY],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        flood.close()
    assert done.returncode == 1, done.stdout  # before: 0, the 4 MiB answer read whole
    (error,) = done.stderr.splitlines()  # one line: the store's own words in it
    assert done.stdout == ""
    assert error.startswith(f"error: the store could not answer: {flood.url}/query: ")
    assert f"[store] max_answer_bytes = {MIB} bytes" in error


def test_serve_without_a_query_url_says_so_in_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, [], store={"kind": "sparql"})
    done = subprocess.run(
        [*COMMAND, "serve", "--port", "0", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        "error: store kind 'sparql' needs [store] query_url (or SCHOLARKG_SPARQL_QUERY_URL)\n"
    )


def test_make_server_without_a_spec_takes_the_stores_own_answer_cap_and_timeouts() -> None:
    flood, late = Flood(padding=4 * MIB), Late()
    capped = SparqlStore(f"{flood.url}/query", max_answer_bytes=MIB)
    hasty = SparqlStore(f"{late.url}/query", timeout=0.5, connect_timeout=0.5, total_timeout=2.0)
    settings = ServeSettings(workers=1, time_limit=60.0)
    try:
        assert spec_for(capped).max_answer_bytes == MIB
        assert spec_for(hasty).timeouts == (0.5, 0.5, 2.0)
        server = make_server(capped, settings=settings).start()  # a library caller: no spec
        try:
            refused = ask(server.url)  # before: 200, the 4 MiB answer read whole (1 GiB cap)
        finally:
            server.stop()
        server = make_server(hasty, settings=settings).start()
        try:
            stalled = ask(server.url)  # before: held for the 120 s read timeout, 503 at 60 s
        finally:
            server.stop()
    finally:
        flood.close()
        late.close()
        capped.close()
        hasty.close()
    assert refused.status_code == 502, refused.text
    assert stalled.status_code == 502, stalled.text
    assert "the store could not answer" in stalled.text

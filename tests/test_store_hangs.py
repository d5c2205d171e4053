"""A SPARQL server that hangs never holds a run: one that answers a byte at a time is cut off at
the total deadline, and SIGTERM ends a run waiting on one that never answers within seconds,
its graphs kept for the next run (each store read waits up to 120 s for a byte otherwise)."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import write_config
from loopback import stop_listening
from samples import SAMPLE_PROFILE
from scholarkg.errors import QueryError
from scholarkg.store.remote import SparqlStore
from stopped_runs import STARTUP_BOUND, start_run

STOPPED_BOUND = 600.0  # only catches a run that waits on the store past the stop

ANSWER = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": []}}).encode() + b" " * 200


class Hold:
    """A loopback server that reads each request, then answers with ``ANSWER`` one byte every
    ``every`` seconds (``every=None``: never answers); ``asked`` is set at the first request.
    The first ``answered`` connections are answered at once (a run's start-up probe)."""

    def __init__(self, every: float | None, answered: int = 0) -> None:
        self.every = every
        self.answered = answered
        self.asked = threading.Event()
        self.held: list[socket.socket] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            if self.answered > 0:
                self.answered -= 1
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(ANSWER), ANSWER)
                )
                conn.close()
                return
            self.asked.set()
            if self.every is None:
                return
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                b"Content-Length: %d\r\n\r\n" % len(ANSWER)
            )
            for byte in ANSWER:
                conn.sendall(bytes([byte]))
                time.sleep(self.every)
        except OSError:
            pass

    def close(self) -> None:
        stop_listening(self.sock, self.acceptor)
        for conn in self.held:
            conn.close()


def test_an_answer_sent_a_byte_at_a_time_is_cut_off_at_the_total_deadline() -> None:
    hold = Hold(every=0.2)  # each byte within the read timeout: 50 s for the whole answer
    try:
        store = SparqlStore.for_oxigraph(hold.url, timeout=10.0, total_timeout=1.0)
        with store, pytest.raises(QueryError) as caught:
            store.quad_count()
    finally:
        hold.close()
    assert str(caught.value) == (
        f"{hold.url}/query: SPARQL query: no complete answer within 1 s ([store] request_deadline:"
        " the server is too slow or sends its answer a byte at a time)"
    )


def stopped_when_asked(hold: Hold, tmp_path: Path) -> tuple[bytes, bytes]:
    """``scholarkg run`` of the sample into ``hold`` as a SPARQL store, sent SIGTERM once a
    request hangs: its stdout and stderr, after checking it ended by that signal."""
    urls = {"query_url": f"{hold.url}/query", "update_url": f"{hold.url}/update"}
    # a read timeout far past the bound below: the run ends on the stop, never on a timeout,
    # however long a busy machine takes to close it (60 s once was not enough under load)
    store = {"kind": "sparql", **urls, "read_timeout": 1500.0}
    config = write_config(tmp_path, [SAMPLE_PROFILE], store=store)
    process = start_run(config)
    try:
        assert hold.asked.wait(STARTUP_BOUND), "the run never asked the store"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=STOPPED_BOUND)  # not the 1500 s read timeout
    finally:
        if process.poll() is None:
            process.kill()
        hold.close()
    assert process.returncode == 128 + signal.SIGTERM, (out, err)
    return out, err


@pytest.mark.parametrize("every", [None, 1.0], ids=["silent", "dripping"])
def test_sigterm_ends_a_run_waiting_on_a_store_that_hangs(
    tmp_path: Path, every: float | None
) -> None:
    # answered: the start-up probe (ASK, the empty update, a named triple) and the two reads of
    # the store's description; the store then hangs on the load's first read (a graph's content),
    # so the stop lands on a run waiting on the store (a stop met at start-up ends the run at its
    # identity step, before any graph is built: nothing kept)
    hold = Hold(every, answered=5)
    base = hold.url
    out, err = stopped_when_asked(hold, tmp_path)
    assert b"Traceback" not in out + err, err
    lines = out.decode().splitlines()
    assert (
        f"failed: store: {base}/query: SPARQL query: cut off: stop requested (SIGTERM/SIGINT)"
        in (lines)
    ), (out, err)
    [report] = (tmp_path / "data" / "reports").glob("build-*.json")
    kept = json.loads(report.read_text())["kept"]
    assert kept > 0 and f"kept: {kept} graphs" in out.decode()
    outbox = list((tmp_path / "data" / "outbox").rglob("*.nt"))
    assert len(outbox) == kept


def test_the_store_timeouts_are_the_configured_ones(tmp_path: Path) -> None:
    """``[store] connect_timeout``, ``read_timeout`` and ``request_deadline`` reach the SPARQL
    store the run opens (before: 10 s, 120 s and 30 min, fixed in code)."""
    from scholarkg.config import load_config

    hold = Hold(every=0.2)
    config = tmp_path / "store.toml"
    config.write_text(
        f'[store]\nkind = "sparql"\nquery_url = "{hold.url}/query"\n'
        "connect_timeout = 2.0\nread_timeout = 5.0\nrequest_deadline = 1.5\n",
        encoding="utf-8",
    )
    try:
        store = load_config(config).store.open(read_only=True)
        with store, pytest.raises(QueryError) as caught:
            store.quad_count()
    finally:
        hold.close()
    assert "no complete answer within 1.5 s ([store] request_deadline" in str(caught.value)

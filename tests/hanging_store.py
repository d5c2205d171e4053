"""A SPARQL server that hangs (:class:`Hold`: a loopback server that answers a byte at a time or
never) and ``scholarkg run`` into it stopped once a request hangs (:func:`stopped_when_asked`).
Shared by test_store_hangs.py and test_store_probe.py."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
from pathlib import Path

from conftest import write_config
from loopback import Answering
from samples import SAMPLE_PROFILE
from stopped_runs import STARTUP_BOUND, start_run

STOPPED_BOUND = 600.0  # only catches a run that waits on the store past the stop

ANSWER = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": []}}).encode() + b" " * 200


class Hold(Answering):
    """A loopback server that reads each request, then answers with ``ANSWER`` one byte every
    ``every`` seconds (``every=None``: never answers), each connection kept open until
    :meth:`close`; ``asked`` is set at the first request. The first ``answered`` connections
    are answered at once (a run's start-up probe)."""

    keeps = True

    def __init__(self, every: float | None, answered: int = 0) -> None:
        self.every = every
        self.answered = answered
        self.asked = threading.Event()
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
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

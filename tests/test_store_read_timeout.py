"""A SPARQL server that stops sending, before its answer or in the middle of it, fails the read
with one line naming ``[store] read_timeout`` and its value (before: mid-answer it said
"cannot connect (… Read timed out.)", a connection problem there was none, and neither case named
the setting the user could raise)."""

from __future__ import annotations

import socket
import threading

import pytest

from loopback import Answering, read_request
from scholarkg.errors import LoadError, QueryError
from scholarkg.store.remote import SparqlStore

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"


class Stall(Answering):
    """Reads each request, sends ``sent`` (maybe nothing), then sends nothing more until
    closed."""

    def __init__(self, sent: bytes) -> None:
        self.sent = sent
        self.done = threading.Event()
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(self.sent)
        self.done.wait(30)

    def close(self) -> None:
        self.done.set()
        super().close()


@pytest.mark.parametrize(
    "sent",
    [b"", HEAD + b"Content-Length: 500\r\n\r\n", HEAD + b'Content-Length: 500\r\n\r\n{"head":'],
    ids=["before the answer", "after the headers", "mid-answer"],
)
def test_a_read_that_times_out_names_the_setting_and_its_value(sent: bytes) -> None:
    stall = Stall(sent)
    try:
        store = SparqlStore.for_oxigraph(stall.url, timeout=0.25)
        with store, pytest.raises(QueryError) as caught:
            store.query("ASK {}")
    finally:
        stall.close()
    said = str(caught.value)
    assert said.startswith(f"{stall.url}/query: SPARQL query: timed out"), said
    assert "([store] read_timeout = 0.25)" in said, said
    assert "cannot connect" not in said and "\n" not in said


def test_a_write_that_times_out_names_the_setting_too() -> None:
    stall = Stall(b"")
    try:
        store = SparqlStore.for_oxigraph(stall.url, timeout=0.25)
        with (
            store,
            pytest.raises(LoadError, match=r"timed out.*\(\[store\] read_timeout = 0\.25\)$"),
        ):
            store.update("CLEAR ALL")
    finally:
        stall.close()

"""A SPARQL store that answers with a redirect is refused in one line naming where it points,
and the request is never sent on (before: ``requests`` followed it to any host, a 307 sending
the query or update again, with its body, and a store redirecting to itself cost 30 requests
per query)."""

from __future__ import annotations

import socket

import pytest

from loopback import Answering, read_request
from scholarkg.errors import LoadError, QueryError
from scholarkg.store.remote import SparqlStore


class Listener(Answering):
    """A loopback server answering every request with ``head`` (and counting them)."""

    def __init__(self, head: bytes = b"") -> None:
        self.head = head
        self.requests = 0
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        read_request(conn)
        self.requests += 1
        conn.sendall(self.head or b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")


def _redirecting(status: str, location: str) -> Listener:
    return Listener(
        f"HTTP/1.1 {status}\r\nLocation: {location}\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n".encode()
    )


@pytest.mark.parametrize("status", ["301 Moved Permanently", "302 Found", "307 Temporary Redirect"])
def test_a_query_redirected_elsewhere_is_refused_and_not_sent_on(status: str) -> None:
    elsewhere = Listener()
    store_server = _redirecting(status, f"{elsewhere.url}/query")
    try:
        with SparqlStore.for_oxigraph(store_server.url) as store, pytest.raises(QueryError) as e:
            store.quad_count()
    finally:
        store_server.close()
        elsewhere.close()
    assert elsewhere.requests == 0  # never followed
    assert store_server.requests == 1
    code = status.split()[0]
    assert str(e.value) == (
        f"{store_server.url}/query: SPARQL query: redirected (HTTP {code}) to "
        f"{elsewhere.url}/query: not followed; set the store's URL to where it answers"
    )


def test_a_store_redirecting_to_itself_costs_one_request() -> None:
    loop = Listener()
    loop.head = (
        f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {loop.url}/update\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode()
    try:
        store = SparqlStore.for_oxigraph(loop.url)
        with store, pytest.raises(LoadError) as e:
            store.update("CLEAR SILENT GRAPH <https://example.org/g>")
    finally:
        loop.close()
    assert loop.requests == 1
    assert "redirected (HTTP 307)" in str(e.value) and "not followed" in str(e.value)


def test_a_location_no_url_reader_takes_is_named_escaped_on_one_line() -> None:
    store_server = _redirecting("302 Found", "http://[bad\x1b]x")
    try:
        with SparqlStore.for_oxigraph(store_server.url) as store, pytest.raises(QueryError) as e:
            store.quad_count()
    finally:
        store_server.close()
    assert "redirected (HTTP 302) to http://[bad\\x1b]x: not followed" in str(e.value)
    assert str(e.value).isprintable()

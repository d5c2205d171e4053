"""A GET (or HEAD) of ``/sparql`` that carries a body is refused 400 with one line (before: the
body was ignored, the URL's query run or the query page sent, whatever the body held: which
the client meant is not known, as with two Content-Length headers). A body's query with a
query in the URL too is refused in words that read right. Raw requests against a real server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest
import requests

from serve_helpers import SPARQL_JSON, raw_answer, running_server

pytestmark = pytest.mark.server

ASK = urlencode({"query": "ASK {}"})


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("get-body") / "store") as (server, _):
        yield server.url


@pytest.mark.parametrize(
    ("method", "framing", "body", "sent"),
    [
        ("GET", b"Content-Length: 21\r\n", b"ASK { FILTER(false) }", "Content-Length: 21"),
        ("GET", b"Transfer-Encoding: chunked\r\n", b"6\r\nASK {}\r\n0\r\n\r\n", "Transfer-E"),
        ("GET", b"Transfer-Encoding: chunked\r\n", b"0\r\n\r\n", "Transfer-Encoding: chunked"),
        ("HEAD", b"Content-Length: 6\r\n", b"ASK {}", "Content-Length: 6"),
    ],
)
def test_a_read_carrying_a_body_is_400(
    url: str, method: str, framing: bytes, body: bytes, sent: str
) -> None:
    request = (
        f"{method} /sparql?{ASK} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".encode()
        + framing
        + b"Content-Type: application/sparql-query\r\n\r\n"
        + body
    )
    status, text = raw_answer(url, request)
    assert status == "HTTP/1.1 400 Bad Request", (status, text)
    if method == "GET":
        assert text.count("\n") == 1 and text.startswith(f"a GET request carries no body ({sent}")
        assert "query= in the URL, or POST it" in text


@pytest.mark.parametrize("framing", [b"", b"Content-Length: 0\r\n"])
def test_a_get_with_no_body_is_answered(url: str, framing: bytes) -> None:
    request = f"GET /sparql?{ASK} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".encode()
    status, text = raw_answer(
        url, request + framing + b"Accept: " + SPARQL_JSON.encode() + b"\r\n\r\n"
    )
    assert status == "HTTP/1.1 200 OK" and '"boolean":true' in text.replace(" ", "")


def test_a_body_query_with_a_url_query_says_an(url: str) -> None:
    response = requests.post(
        url + "sparql?" + ASK,
        data=b"ASK {}",
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert response.status_code == 400
    assert response.text == (
        "an application/sparql-query body cannot come with query/update params\n"
    )


def test_a_refused_reads_body_is_never_read_as_the_next_request(url: str) -> None:
    """The refused GET's body is skipped as its length says: the request after it on the same
    connection is the one answered next, not a request written in that body."""
    inside = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    parsed = urlsplit(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=60) as sock:
        sock.sendall(
            f"GET /sparql?{ASK} HTTP/1.1\r\nHost: x\r\n".encode()
            + f"Content-Length: {len(inside)}\r\n\r\n".encode()
            + inside
            + f"GET /sparql?{ASK} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n".encode()
            + b"Connection: close\r\n\r\n"
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    statuses = [part.split(b"\r\n")[0] for part in answer.split(b"HTTP/1.1 ")[1:]]
    assert statuses == [b"400 Bad Request", b"200 OK"], answer
    assert answer.endswith(b"\r\n\r\ntrue"), answer

"""A SPARQL store's requests ask for gzip and deflate only, the codings the answer reader
undoes, whatever a session would offer (urllib3 offers ``br`` and ``zstd`` when brotli or
zstandard is installed): a server taking such an offer would have its answer refused, read
whole or streamed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import requests

from scholarkg.errors import QueryError
from scholarkg.store.endpoint_http import EndpointSession


class _Recording(BaseHTTPRequestHandler):
    asked: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        type(self).asked.append(self.headers.get("Accept-Encoding"))
        body = b'{"head": {}, "boolean": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        if "coding=" in self.path:  # an answer in a coding no one asked for
            self.send_header("Content-Encoding", self.path.rpartition("coding=")[2])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recording_server() -> Iterator[str]:
    _Recording.asked = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recording)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query"
    finally:
        server.shutdown()
        server.server_close()


def test_a_store_request_asks_only_for_gzip_and_deflate(
    recording_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered = requests.utils.default_headers()
    offered["Accept-Encoding"] = "gzip, deflate, br, zstd"
    monkeypatch.setattr(requests.sessions, "default_headers", lambda: offered.copy())
    session = _session()
    try:
        answer = session.send("GET", recording_server, error=QueryError, what="ask")
    finally:
        session.close()
    assert b'"boolean": true' in answer.content
    assert _Recording.asked == ["gzip, deflate"]


def _session() -> EndpointSession:
    return EndpointSession(
        None, None, timeout=5, connect_timeout=5, total_timeout=30, max_answer_bytes=1 << 20
    )


@pytest.mark.parametrize("coding", ["compress", "zstd", "x-unheard-of"])
def test_a_streamed_answer_in_a_coding_not_asked_for_is_refused_in_one_line(
    recording_server: str, coding: str
) -> None:
    """As an answer read whole is (before: a streamed one went on still compressed, to fail
    its parse as unreadable results, or be read by urllib3 if it knew the coding)."""
    url = f"{recording_server}?coding={coding}"
    session = _session()
    try:
        with (
            pytest.raises(QueryError) as caught,
            session.stream("GET", url, error=QueryError, what="select") as answer,
        ):
            b"".join(answer.body)
    finally:
        session.close()
    line = str(caught.value)
    assert "\n" not in line and line.startswith(f"{url}: select: ")
    assert f"Content-Encoding '{coding}', not asked for" in line

"""A SPARQL server whose error answer echoes the request (its ``Authorization`` header, a
password it was sent) or spans lines (Fuseki's error pages do): the store's error is one line
naming the endpoint and the status, the server's message kept with the credentials given in the
environment hidden. Before, the base64 ``user:password`` token and the password were in the
error, and so in the run's report and its saved JSON, and the message's line breaks with them."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from building import build_store, sparql_store
from loopback import LoopbackServer
from samples import SAMPLE_PROFILE
from scholarkg.errors import ScholarKGError
from scholarkg.store.endpoint_failures import secrets_of, without_secrets
from scholarkg.store.remote import SparqlStore

USER, PASSWORD = "kg-writer-7f3a", "s3cret-pw"
TOKEN = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


class _Echo(BaseHTTPRequestHandler):
    """Answers every request with the server's ``status``, echoing the request's headers and
    the password over several lines."""

    server: _EchoServer

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = (
            f"Error {self.server.status}: refused\r\n\r\nyou sent:\n{self.headers}\n"
            f"\tlogin {USER} with password {PASSWORD} \x1b[0m\n"
        ).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


class _EchoServer(LoopbackServer):
    def __init__(self, status: int) -> None:
        super().__init__(_Echo)
        self.status = status
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture(params=[400, 500])
def echo(request: pytest.FixtureRequest) -> Iterator[_EchoServer]:
    server = _EchoServer(request.param)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _hidden(text: str) -> bool:
    return TOKEN not in text and PASSWORD not in text and f"{USER}:" not in text


def _failure(call: Callable[[SparqlStore], object], url: str) -> str:
    store = SparqlStore.for_oxigraph(url, user=USER, password=PASSWORD)
    with store, pytest.raises(ScholarKGError) as failed:
        call(store)
    return str(failed.value)


@pytest.mark.parametrize(
    ("call", "endpoint"),
    [
        (lambda s: s.query("ASK {}"), "query: SPARQL query"),
        (lambda s: s.update("DROP SILENT GRAPH <urn:g>"), "update: SPARQL update"),
        (lambda s: s.replace_graph_ntriples("urn:g", "<urn:a> <urn:b> <urn:c> .\n"), "store"),
    ],
)
def test_an_echoed_request_is_one_line_without_the_credentials(
    echo: _EchoServer, call: Callable[[SparqlStore], object], endpoint: str
) -> None:
    message = _failure(call, echo.url)
    assert message.startswith(f"{echo.url}/{endpoint}")
    assert f": HTTP {echo.status} " in message
    assert "\n" not in message and "\r" not in message and "\t" not in message
    assert "\x1b" not in message and "\\x1b[0m" in message
    assert _hidden(message), message
    assert "Authorization: Basic *** " in message and "with password *** " in message
    assert f": Error {echo.status}: refused you sent: Host: 127.0.0.1:" in message


def test_a_run_whose_store_echoes_the_credentials_writes_them_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLARKG_SPARQL_USER", USER)
    monkeypatch.setenv("SCHOLARKG_SPARQL_PASSWORD", PASSWORD)
    server = _EchoServer(500)  # a 5xx passes the run's probe: the run's first request fails
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _, report = build_store(tmp_path, [str(SAMPLE_PROFILE)], store=sparql_store(server.url))
    finally:
        server.shutdown()
        server.server_close()
    assert report.outcome == "failed"
    [line] = [x for x in report.summary_lines() if x.startswith("failed: store:")]
    assert f"{server.url}/" in line and "HTTP 500" in line and "\n" not in line
    assert all(_hidden(x) for x in report.summary_lines())
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and not [p for p in written if not _hidden(p.read_text(errors="replace"))]


@pytest.mark.parametrize(
    ("user", "password", "echoed", "shown"),
    [
        ("u", "a", "Authentication failed for a", "Authentication failed for ***"),
        ("kg", "p&ss", "<p>login kg with p&amp;ss</p>", "<p>login kg with ***</p>"),
        ("kg", 'p"ss', '{"password": "p\\"ss"}', '{"password": "***"}'),
        ("kg", "p ss", "GET /?password=p%20ss", "GET /?password=***"),
        ("kg", "", "user kg: unknown", "user kg: unknown"),
        ("kg", None, "user kg: unknown", "user kg: unknown"),
    ],
)
def test_what_is_hidden_is_the_secret_whole_in_each_form_a_server_writes_it(
    user: str, password: str | None, echoed: str, shown: str
) -> None:
    """A password stands hidden where it stands whole, also HTML-, JSON- or URL-escaped
    (before: only as sent, and anywhere: a password 'a' hid half the message, a user with no
    password had every 'kg:' hidden)."""
    assert without_secrets(echoed, secrets_of(user, password)) == shown

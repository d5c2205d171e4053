"""Shared pieces of the server tests: a running server over the constructed v2 store, page
parsing, the browser-like Accept header, requests from a loopback address of their own, and a
shared query asked again while it runs under a one-query client cap."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from polls import until as until  # where the serve tests import it from
from scholarkg.config import ServeSettings
from scholarkg.serve import ServerHandle, make_server
from scholarkg.store.embedded import EmbeddedStore
from serve_fixtures import BASE, build_v2_store

HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SPARQL_JSON = "application/sparql-results+json"


def local(iri: str) -> str:
    assert iri.startswith(BASE)
    return "/id/" + iri[len(BASE) :]


@contextlib.contextmanager
def running_server(
    path: Path, *, build: bool = True, **options: object
) -> Iterator[tuple[ServerHandle, EmbeddedStore]]:
    """A server over the fixture store at ``path`` (built first unless ``build`` is False)."""
    if build:
        build_v2_store(path)
    store = EmbeddedStore(path, read_only=True)
    settings = options.pop("settings", None) or ServeSettings(workers=2, refresh_interval=0.2)
    server = make_server(store, settings=settings, **options).start()  # type: ignore[arg-type]
    try:
        yield server, store
    finally:
        server.stop()
        with contextlib.suppress(RuntimeError):
            store.close()


class Page(HTMLParser):
    """The hrefs, visible text, h1 and svg elements of a page. A value's ``<bdi>`` (see
    scholarkg.serve.bidi) joins its text to the text around it, as a browser shows it."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.h1: list[str] = []
        self.svgs: list[dict[str, str | None]] = []
        self._in_h1 = False
        self._joined = False  # the last text and this one are apart only by <bdi> tags
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_h1 = self._in_h1 or tag == "h1"
        self._joined = self._joined and tag == "bdi"
        self.hrefs += [v for k, v in attrs if k == "href" and v is not None]
        if tag == "svg":
            self.svgs.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self._in_h1 = self._in_h1 and tag != "h1"
        self._joined = self._joined and tag == "bdi"

    def handle_data(self, data: str) -> None:
        if self._joined:
            self.text[-1] += data
        else:
            self.text.append(data)
        self._joined = True
        if self._in_h1:
            self.h1.append(data)

    @property
    def title(self) -> str:
        return "".join(self.h1)

    @property
    def all_text(self) -> str:
        return " ".join(self.text)


def raw_answer(url: str, request: bytes) -> tuple[str, str]:
    """The status line and body of the answer to ``request`` sent as is on a new connection,
    read until the server closes it."""
    head, _, body = _answered(url, request).partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), body.decode()


def answer_head(url: str, request: bytes) -> tuple[str, dict[str, str]]:
    """The status line and headers (by lower-case name) of the answer to ``request`` sent as
    is on a new connection."""
    head = _answered(url, request).partition(b"\r\n\r\n")[0]
    status, *lines = head.decode().split("\r\n")
    return status, {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def _answered(url: str, request: bytes) -> bytes:
    """What the server sends for ``request`` on a new connection, until it closes it."""
    parsed = urlsplit(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=60) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


class Answer:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.text = response.read().decode("utf-8")


def request(url: str, source: str, path: str, query: str | None = None, **headers: str) -> Answer:
    """A GET of ``path`` (or a POSTed ``query``) from a client at the address ``source``."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=180, source_address=(source, 0)
    )
    try:
        if query is None:
            connection.request("GET", path, headers={"Accept": "text/turtle", **headers})
        else:
            connection.request(
                "POST",
                path,
                urlencode({"query": query}),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": SPARQL_JSON,
                    **headers,
                },
            )
        return Answer(connection.getresponse())
    finally:
        connection.close()


@contextlib.contextmanager
def one_query_server(path: Path, **settings: object) -> Iterator[ServerHandle]:
    """A warmed-up server over the fixture store at ``path`` whose clients may each run one
    query at a time (``max_queries_per_client = 1``) on two workers; ``settings`` add to it."""
    chosen = ServeSettings(
        workers=2,
        max_queries_per_client=1,
        refresh_interval=0.2,
        **settings,  # type: ignore[arg-type]
    )
    with running_server(path, settings=chosen) as (server, _):
        assert server.kg.warmed.wait(300)
        yield server


def asked_while_running(server: ServerHandle, source: str, query: str) -> list[Answer]:
    """The answers to ``query`` POSTed from ``source`` once and, while that one runs, twice
    more (each waits for its answer in the event loop, taking no place of the client's cap),
    in the order they came."""
    kg, answers = server.kg, []

    def ask() -> None:
        answers.append(request(server.url, source, "/sparql", query))

    first = threading.Thread(target=ask, daemon=True)
    first.start()
    until(lambda: kg.flights.running() == 1, "the query never ran", 300)
    waiters = [threading.Thread(target=ask, daemon=True) for _ in range(2)]
    for waiter in waiters:
        waiter.start()
    until(lambda: kg.flights.waiting() == 2, "the same query never waited", 60)
    for thread in (first, *waiters):
        thread.join(300)
    assert kg.flights.waiting() == 0 and kg.flights.running() == 0
    return answers

"""Shared pieces of the server tests: a running server over the constructed v2 store, page
parsing, and the browser-like Accept header."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

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
    parsed = urlsplit(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=60) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), body.decode()

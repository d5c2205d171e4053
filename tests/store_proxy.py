"""A loopback reverse proxy in front of a real SPARQL server (``oxigraph serve``) that
misbehaves on purpose: it can demand HTTP basic auth, refuse writes, or answer them with
success without passing them on, while told to."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote

import requests

from loopback import LoopbackServer

WRITES = ("PUT", "DELETE")


class StoreProxy(LoopbackServer):
    """A :class:`LoopbackServer` (a client that hangs up is said nothing of) relaying to
    ``target``; records ``(method, Authorization)`` of every request. With ``user``, a request
    without those credentials gets 401; while ``refuse_writes`` is set, a write (a Graph Store
    PUT or DELETE, a SPARQL Update POST) gets 500; while ``ignore_writes`` is set, it gets 204
    and never reaches the server (``ignored`` counts), and so does write number ``ignore_at``
    (counted in ``writes``) alone. With ``max_body``, a request whose body
    is longer gets 413 (``too_large`` counts them), as a server or a proxy before it with a body
    limit answers (nginx: 1 MiB by default). With ``crash_at`` and ``restart``, write number
    ``crash_at`` (counted in ``writes``) is never answered: ``restart`` (which kills the server
    and starts it again, returning its new URL) runs, and the connection is closed, as a server
    that crashed under the request. While ``refuse_matching`` is set, a write whose body or
    graph IRI holds it gets 400 (a server refusing that one graph; ``refused`` counts). The next
    ``fail_queries`` queries (to ``/query``) whose body holds ``failing`` get 503, as an
    overloaded or restarting server answers (``queries`` counts those queries). While
    ``merge_puts`` is set, a Graph Store PUT is relayed as a POST (its triples added to the
    graph's, as a server that merges where it was told to replace). While ``replay_writes``
    is set, each write is relayed twice, answered as the first was (a proxy that sent it again
    after its upstream timed out, both applied; ``replayed`` counts them). While
    ``ignore_matching`` is set, a write whose body holds it is ignored as ``ignore_writes``
    says. While ``counts_as`` is set, the answer to a query counting quads (``COUNT``) has
    each count's value replaced by it (a server answering counts that are none)."""

    def __init__(self, target: str, user: str | None = None, password: str = "") -> None:
        super().__init__(_ProxyHandler)
        self.target = target
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.expected = f"Basic {token}" if user is not None else None
        self.seen: list[tuple[str, str | None]] = []
        self.updates: list[str] = []  # the SPARQL Update requests relayed
        self.refuse_writes = False
        self.refused = 0
        self.ignore_writes = False
        self.ignore_at: int | None = None
        self.ignored = 0
        self.max_body: int | None = None
        self.too_large = 0
        self.writes = 0
        self.crash_at: int | None = None
        self.restart: Callable[[], str] | None = None
        self.refuse_matching: bytes | None = None
        self.fail_queries = 0
        self.failing = b""
        self.queries = 0
        self.merge_puts = False
        self.replay_writes = False
        self.ignore_matching: bytes | None = None
        self.counts_as: str | None = None
        self.replayed = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(BaseHTTPRequestHandler):
    server: StoreProxy

    def _relay(self) -> None:
        auth = self.headers.get("Authorization")
        self.server.seen.append((self.command, auth))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/update"):
            self.server.updates.append(body.decode("utf-8", "replace"))
        if self.server.expected is not None and auth != self.server.expected:
            self.send_response(401, "Unauthorized")
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
            self._answer(b"proxy: credentials required")
            return
        if self.server.max_body is not None and len(body) > self.server.max_body:
            self.server.too_large += 1
            self.send_response(413, "Payload Too Large")
            self._answer(b"proxy: request body too large")
            return
        if self.path.startswith("/query") and self.server.failing in body:
            self.server.queries += 1
            if self.server.fail_queries > 0:
                self.server.fail_queries -= 1
                self.send_response(503, "Service Unavailable")
                self._answer(b"proxy: busy, try again")
                return
        writes = self.command in WRITES or self.path.startswith("/update")
        if writes:
            self.server.writes += 1
        if writes and self.server.writes == self.server.crash_at and self.server.restart:
            self.server.target = self.server.restart()
            self.close_connection = True  # closed unanswered
            return
        if writes and self.server.refuse_writes:
            self.server.refused += 1
            self.send_response(500, "Internal Server Error")
            self._answer(b"proxy: writes refused")
            return
        named = unquote(self.path).encode("utf-8") + body
        if writes and self.server.refuse_matching and self.server.refuse_matching in named:
            self.server.refused += 1
            self.send_response(400, "Bad Request")
            self._answer(b"proxy: this graph is refused")
            return
        matching = self.server.ignore_matching
        ignored = self.server.ignore_writes or self.server.writes == self.server.ignore_at
        if writes and (ignored or (matching is not None and matching in body)):
            self.server.ignored += 1
            self.send_response(204, "No Content")
            self.end_headers()
            return
        headers = {k: v for k, v in self.headers.items() if k in ("Content-Type", "Accept")}
        method = "POST" if self.command == "PUT" and self.server.merge_puts else self.command
        answer = requests.request(
            method, self.server.target + self.path, data=body, headers=headers, timeout=30
        )
        if writes and self.server.replay_writes:
            self.server.replayed += 1
            requests.request(
                method, self.server.target + self.path, data=body, headers=headers, timeout=30
            )
        content = answer.content
        if self.server.counts_as is not None and b"COUNT" in body:
            content = _counts_as(content, self.server.counts_as)
        self.send_response(answer.status_code)
        self._answer(content, answer.headers.get("Content-Type", "text/plain"))

    def _answer(self, body: bytes, kind: str = "text/plain") -> None:
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _relay

    def log_message(self, format: str, *args: object) -> None:
        pass


def _counts_as(answer: bytes, value: str) -> bytes:
    """A JSON SELECT answer with each ``?n``'s value written ``value``."""
    data = json.loads(answer)
    for row in data["results"]["bindings"]:
        row["n"]["value"] = value
    return json.dumps(data).encode("utf-8")


@contextmanager
def running_proxy(target: str, user: str | None = None, password: str = "") -> Iterator[StoreProxy]:
    """A :class:`StoreProxy` serving in a thread for the ``with`` block."""
    proxy = StoreProxy(target, user, password)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()

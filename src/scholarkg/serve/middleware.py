"""The middleware around every route: one access-log line per request (with the security
headers every response carries), and ``If-None-Match: *`` answered 304."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scholarkg.serve.half_close import LOST
from scholarkg.serve.http_limits import PEER

access_log = logging.getLogger("scholarkg.serve.access")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


class AccessLog:
    """One log line per request: client, method, path, status, bytes written to the connection
    (none once it was lost: :data:`LOST`) and milliseconds; plus the security headers every
    response carries. A client gone before its answer is 499 when a query was stopped for it,
    else the status of the answer it did not get."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, size = 500, 0

        async def sending(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                if any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            elif message["type"] == "http.response.body" and not scope.get(LOST):
                size += len(message.get("body", b""))  # written to the connection
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "replace")
            path = raw.decode("latin-1")  # as the client sent it: still percent-encoded
            if scope.get("query_string"):
                path += "?" + scope["query_string"].decode("latin-1")[:200]
            access_log.info(
                '%s "%s %s" %d %d %.1fms',
                _client(scope),
                loggable(str(scope.get("method"))),
                loggable(path),
                status,
                size,
                (time.perf_counter() - started) * 1000,
            )


# What a 304 keeps of the 200 it stands for (RFC 9110 15.4.5), and the CORS headers.
_NOT_MODIFIED_KEEPS = (b"etag", b"last-modified", b"cache-control", b"vary", b"content-location")


class IfNoneMatchAny:
    """``If-None-Match: *`` on a GET or HEAD (RFC 9110 13.1.2): the condition is false when a
    current representation exists, so a 200 that carries the server's validator (an ``ETag``)
    becomes a 304 with that answer's validators and no body. Any other answer (404, 301, an
    error) and any 200 without an ETag is left as it is: a page computed per request (the
    query page, a search, a results page sent ``no-store``) has no representation a client
    can hold, and a 304 would give it nothing to show. The tags themselves are compared by
    :meth:`BaseRoutes.cached`, before any work; ``*`` can only be answered once the route has
    found what exists."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        values = [v for k, v in scope["headers"] if k == b"if-none-match"]
        if not any(t.strip() == b"*" for v in values for t in v.split(b",")):
            await self.app(scope, receive, send)
            return
        replaced = False

        async def sending(message: Message) -> None:
            nonlocal replaced
            if (
                message["type"] == "http.response.start"
                and message["status"] == 200
                and _tagged(message.get("headers", []))
            ):
                replaced = True
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() in _NOT_MODIFIED_KEEPS or k.lower().startswith(b"access-control-")
                ]
                message = {"type": "http.response.start", "status": 304, "headers": headers}
            elif message["type"] == "http.response.body" and replaced:
                if message.get("more_body", False):
                    return  # the representation is not sent
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(scope, receive, sending)


def _tagged(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether these response headers carry a validator (``ETag``) and let a cache keep the
    answer (no ``Cache-Control: no-store``)."""
    no_store = any(
        k.lower() == b"cache-control" and b"no-store" in (d.strip().lower() for d in v.split(b","))
        for k, v in headers
    )
    return not no_store and any(k.lower() == b"etag" for k, _ in headers)


def _client(scope: Scope) -> str:
    """The connection's address (:data:`PEER`), and the client uvicorn took from the
    ``X-Forwarded-For`` header of one of ``[serve] trusted_proxies`` after it, named as such
    (a proxy passing its clients' headers on lets any client write it)."""
    client = str((scope.get("client") or ("-", 0))[0])
    peer = scope.get(PEER)
    if peer is None or peer == client:
        return loggable(client)
    return f"{loggable(str(peer))} (forwarded for {loggable(client)})"


_UNLOGGABLE = re.compile(r'[\x00-\x1f\x7f-\x9f"\\]')


def loggable(text: str) -> str:
    """``text`` with control characters, quotes and backslashes as ``\\xNN``: a client
    cannot end the access log's line or forge another."""
    return _UNLOGGABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)

"""A request whose target is in absolute form (``GET http://host:port/sparql?… HTTP/1.1``,
RFC 9112 3.2.2, which a server MUST accept) is answered as the origin-form request of its
path, the target's authority standing for ``Host`` (which it MUST ignore then): before,
uvicorn passed ``http://host:port/sparql`` as the path and every such request was a 404.

An authority that is not this server's is answered in the same way, as the same path here: it
is never fetched (this server is no proxy), and an origin-form request whose ``Host`` names
another machine is answered so already (the server cannot know every name it is reached by:
a proxy's, an alias, an address). Only a target that is neither a path nor an ``http(s)`` URI
with a host, or one with user information (RFC 9110 4.2.4), is refused (400). The asterisk
form, ``*``, is answered here too (:func:`asterisk_form`).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from scholarkg.serve.responses import text

_ABSOLUTE = re.compile(rb"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", re.DOTALL)


def origin_form(target: bytes) -> tuple[bytes, bytes] | str:
    """The path (still percent-encoded; ``/`` when empty) and authority of the absolute-form
    request ``target`` (its part before any ``?``), or why it is refused."""
    shown = target.decode("latin-1")[:200]  # h11 let no control nor space into a target
    match = _ABSOLUTE.fullmatch(target)
    if match is None:
        return f"request target {shown!r} is neither a path (/…) nor an absolute http URI"
    scheme, authority, path = match.groups()
    if scheme.lower() not in (b"http", b"https"):
        return f"request target {shown!r}: only http and https URIs are served here"
    if b"@" in authority:
        return f"request target {shown!r}: user information in an http URI is not allowed"
    if b"#" in target:  # RFC 9112 3.2: no fragment (before: the authority took it as Host's)
        return f"request target {shown!r}: a request target has no fragment (#)"
    try:  # a bracket left open (``[::1``) or no IPv6 address in brackets raises, as a port
        parts = urlsplit("http://" + authority.decode("latin-1"))  # that is no number does
        host, _ = parts.hostname, parts.port
    except ValueError as exc:
        return f"request target {shown!r}: {exc}"
    if not host:
        return f"request target {shown!r} names no host"
    return path or b"/", authority


def asterisk_form(method: str) -> Response:
    """The answer to a request whose target is ``*`` (RFC 9112 3.2.4): ``OPTIONS *`` asks what
    the server as a whole serves (RFC 9110 9.3.7), 204 with ``Allow``; any other method, 400
    (before: a 404 naming ``*`` as a page)."""
    if method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
    return text(400, "request target '*' is for OPTIONS alone (RFC 9112 3.2.4)")


class AbsoluteForm:
    """Passes an absolute-form request on as its origin form (path, ``raw_path`` and ``Host``
    from the target), a new scope: the access log still shows the target as sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") or scope.get("path", "").encode()
        if scope["type"] != "http" or raw.startswith(b"/"):
            await self.app(scope, receive, send)
            return
        if raw == b"*":
            await asterisk_form(scope["method"])(scope, receive, send)
            return
        origin = origin_form(raw)
        if isinstance(origin, str):
            await text(400, origin)(scope, receive, send)
            return
        path, authority = origin
        headers = [(k, v) for k, v in scope["headers"] if k != b"host"] + [(b"host", authority)]
        inner = {
            **scope,
            "path": unquote(path.decode("ascii")),
            "raw_path": path,
            "headers": headers,
        }
        await self.app(inner, receive, send)

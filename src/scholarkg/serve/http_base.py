"""What the route classes share: the body limit, caching headers, the per-client places of
query work and the base class itself (their plain responses are :mod:`.responses`', the
middleware around them :mod:`.middleware`'s)."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import threading
from collections.abc import Callable
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from anyio import CapacityLimiter, to_thread
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from scholarkg.counts import count_of
from scholarkg.errors import QueryLimitError
from scholarkg.serve.body_chunks import too_large
from scholarkg.serve.half_close import CUT
from scholarkg.serve.http_limits import PEER, client_key
from scholarkg.serve.job_errors import BUSY_RETRY_AFTER, client_left
from scholarkg.serve.linked_data import Description, NotRepresentableError, serialize
from scholarkg.serve.protocol import ProtocolError
from scholarkg.serve.responses import text
from scholarkg.serve.service import KnowledgeGraph
from scholarkg.serve.workers import CLIENT_GONE, GONE_CHECK

log = logging.getLogger("scholarkg.serve")
STATIC = Path(__file__).parent / "static"
# Threads for calls that may wait for a query worker, apart from anyio's default 40 (Starlette's
# static files and dumps, the store check, pages from the caches): however many queries wait,
# those are served.
QUERY_THREADS = 40


def one_value(request: Request, name: str) -> str | None:
    """The URL's one value of ``name`` (None when not given); ValueError naming them when it
    gives two different ones (Starlette takes the last; a cache or proxy may read the first)."""
    values = request.query_params.getlist(name)
    if len(set(values)) > 1:
        raise ValueError(f"{name} given twice: {', '.join(map(repr, values))}; give one")
    return values[0] if values else None


def refuse_content_coding(values: list[str]) -> None:
    """ProtocolError 415 for a body in a content coding (``Content-Encoding``, RFC 9110 8.4):
    the server decodes none, and its bytes read as text would be another query, or none."""
    codings = [c.strip() for v in values for c in v.split(",") if c.strip()]
    if any(c.lower() != "identity" for c in codings):
        raise ProtocolError(
            415,
            f"unsupported Content-Encoding {', '.join(codings)}: send the body uncompressed",
            **{"Accept-Encoding": "identity"},
        )


class Limits:
    """Per-request checks: a body over ``max_body`` bytes is refused with 413, one in a content
    coding with 415."""

    def __init__(self, max_body: int) -> None:
        self.max_body = max_body

    async def body(self, request: Request) -> bytes:
        """The request's body; a body that never arrives whole (its client ended its side of
        the connection, or ``request_timeout`` came) is a 408, one in too many chunks a 413: the
        connection wrote that line already (:data:`CUT`), or, the connection lost, it is sent
        to no one."""
        refuse_content_coding(request.headers.getlist("content-encoding"))
        declared = request.headers.get("content-length")
        size = count_of(declared)
        if declared is not None and (size is None or size > self.max_body):
            raise ProtocolError(413, too_large(self.max_body))
        chunks, size = [], 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > self.max_body:
                    raise ProtocolError(413, too_large(self.max_body))
                chunks.append(chunk)
        except ClientDisconnect:
            status, why = request.scope.get(CUT) or (
                408,
                f"request body incomplete: the connection closed after {size} bytes",
            )
            raise ProtocolError(status, why) from None
        return b"".join(chunks)


async def _watch_client(request: Request, gone: threading.Event) -> None:
    """Set ``gone`` once the client of ``request`` (its body already read) has disconnected."""
    while not await request.is_disconnected():
        await asyncio.sleep(GONE_CHECK)
    gone.set()


def requester(request: Request) -> str:
    """The client ``request`` is counted for: the one a proxy of ``[serve] trusted_proxies``
    names in ``X-Forwarded-For`` (uvicorn believes no one else's), else the address of the
    connection it came on (:data:`PEER`, set by the server's protocol; the scope's client
    where none is, as under a test client)."""
    client = request.scope.get("client")
    return str(client[0] if client else request.scope.get(PEER) or "-")


def _weakly(tag: str) -> str:
    """An entity tag as the weak comparison of RFC 9110 8.8.3.2 sees it (``W/`` ignored)."""
    return tag.strip().removeprefix("W/")


def _tags(field: str) -> set[str]:
    return {_weakly(t) for t in field.split(",")}


class BaseRoutes:
    """The route handlers over one :class:`KnowledgeGraph`."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.limits = Limits(kg.settings.max_body_bytes)
        self.query_threads = CapacityLimiter(QUERY_THREADS)
        # Requests per client address in blocking(): only the event loop's thread touches it.
        self.in_flight: dict[str, int] = {}

    # -- helpers ----------------------------------------------------------------------------

    def public(self, request: Request) -> str:
        configured = self.kg.settings.public_url
        if configured:
            return configured if configured.endswith("/") else configured + "/"
        return str(request.base_url)

    def host_private(self, headers: dict[str, str]) -> dict[str, str]:
        """``headers`` for an answer naming the server's URLs: without ``public_url`` they come
        from the request's ``Host``, so the answer is ``private`` (varying by ``Host`` too): a
        shared cache keyed without it (a reverse proxy's, by its upstream's name) would give
        one name's IRIs to a client of another."""
        if not self.kg.settings.public_url:
            headers["Cache-Control"] = f"private, max-age={self.kg.settings.cache_max_age}"
            headers["Vary"] = ", ".join(
                [*(v.strip() for v in headers.get("Vary", "").split(",") if v.strip()), "Host"]
            )
        return headers

    def href(self, iri: str) -> str:
        return self.kg.mapper.path_for_iri(iri) or f"/describe?iri={quote(iri, safe='')}"

    def etag(self, request: Request, variant: str) -> str:
        """The answer's weak tag: the store's version and the request's variant. A HEAD is
        tagged as the GET it stands for (RFC 9110 9.3.2: the same headers, no body)."""
        key = f"{request.url.path}?{request.url.query} {variant}"
        return f'W/"{self.kg.watcher.version}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"'

    def cached(
        self, request: Request, variant: str, *, names_host: bool = False
    ) -> tuple[dict[str, str], Response | None]:
        """Caching headers for a GET answer, and a 304 when the client has it already (one of
        its ``If-None-Match`` tags is this answer's; ``*`` is :class:`IfNoneMatchAny`'s). An
        answer that ``names_host`` (the server's URLs) gets :meth:`host_private`'s headers."""
        tag = self.etag(request, variant)
        headers = {
            "ETag": tag,
            "Last-Modified": format_datetime(self.kg.watcher.modified, usegmt=True),
            "Cache-Control": f"public, max-age={self.kg.settings.cache_max_age}",
            "Vary": "Accept",
        }
        if names_host:
            self.host_private(headers)
        return headers, self.not_modified(request, headers)

    def not_modified(self, request: Request, headers: dict[str, str]) -> Response | None:
        """A 304 with ``headers`` when one of the request's ``If-None-Match`` tags is their
        ``ETag`` (compared weakly), else None."""
        match = request.headers.get("if-none-match")
        if request.method in ("GET", "HEAD") and match and _weakly(headers["ETag"]) in _tags(match):
            return Response(status_code=304, headers=headers)
        return None

    async def check_store(self) -> None:
        """Look whether the store changed (workers reopened, caches dropped if so), in a
        thread that waits for no query worker."""
        await run_in_threadpool(self.kg.check_store)

    async def blocking(
        self, request: Request, function: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        """``function``, which may wait for a query worker up to the time limit, run in one of
        the :data:`QUERY_THREADS` after the store check: a caller waiting for a worker never
        holds one of the threads files and cached pages are served with. A client
        (:func:`requester`; an IPv6 one's /64 network: :func:`client_key`) with
        ``max_queries_per_client`` requests here already is refused at once (429,
        :class:`QueryLimitError`): one client cannot keep every worker busy while others
        wait."""
        client = client_key(requester(request))
        cap = self.kg.settings.max_queries_per_client
        held = self.in_flight.get(client, 0)
        if held >= cap:
            raise QueryLimitError(
                f"too many queries from {client}: {held} running or waiting for a query "
                f"worker, at most {cap} at a time ([serve] max_queries_per_client); try again "
                "when one has finished",
                status=429,
                retry_after=BUSY_RETRY_AFTER,
            )
        self.in_flight[client] = held + 1
        gone = threading.Event()  # set when the client closes: its query is stopped
        token = CLIENT_GONE.set(gone)  # (the thread runs in a copy of this context)
        watch = asyncio.create_task(_watch_client(request, gone))
        try:
            await self.check_store()
            call = functools.partial(function, *args, **kwargs)
            return await to_thread.run_sync(call, limiter=self.query_threads)
        finally:
            watch.cancel()
            CLIENT_GONE.reset(token)
            left = self.in_flight[client] - 1
            if left:
                self.in_flight[client] = left
            else:
                del self.in_flight[client]

    async def in_flight_answer(self, request: Request, operation: Any, wanted: Any) -> Any:
        """:meth:`KnowledgeGraph.answer_in_flight`, its client watched: one that leaves stops
        waiting (499, sent to no one)."""
        watch = asyncio.create_task(_watch_client(request, threading.Event()))
        waiting = asyncio.ensure_future(self.kg.answer_in_flight(operation, wanted))
        try:
            await asyncio.wait({watch, waiting}, return_when=asyncio.FIRST_COMPLETED)
            if not waiting.done():  # the client left first: it waits no more
                raise client_left()
            return waiting.result()
        finally:
            watch.cancel()
            waiting.cancel()

    def rdf(self, triples: list[ox.Triple], media: str, headers: dict[str, str]) -> Response:
        description = Description("", tuple(triples))
        try:
            body = serialize(description, media, self.kg.mapper.iri_base)
        except NotRepresentableError as exc:
            return text(406, str(exc), Vary="Accept")
        return Response(body, 200, headers, media_type=f"{media}; charset=utf-8")

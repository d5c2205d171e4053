"""The HTTP application (Starlette): routes, headers, caching and the request log.

Routes: ``/`` (landing page), ``/sparql`` and ``/query`` (SPARQL 1.1 Protocol; the query UI
and HTML results for browsers; the service description for RDF clients), ``/update``
(SPARQL Update, 403 unless allowed), ``/store`` (Graph Store Protocol reads), ``<prefix>…``
(instance IRIs dereferenced: 200 with ``Content-Location``, 301 for retired IRIs),
``/describe?iri=``, ``/search?q=``, ``/queries`` and ``/queries/<name>`` (saved queries,
parameters bound), ``/context.jsonld``, ``/.well-known/void``, ``/dumps/…``, ``/static/…``.
Every query runs in a worker process (:mod:`scholarkg.serve.workers`).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scholarkg.errors import QueryError, QueryLimitError, ScholarKGError
from scholarkg.jsonld import project_context
from scholarkg.query import bind_saved
from scholarkg.serve import entity_pages, pages
from scholarkg.serve.conneg import HTML, choose, prefers_html
from scholarkg.serve.integration import (
    dumps_in,
    find_dump,
    served_description,
    service_description,
)
from scholarkg.serve.linked_data import Description, format_code, negotiate, not_found, serialize
from scholarkg.serve.protocol import (
    GRAPH_OFFERS,
    Operation,
    ProtocolError,
    explain_syntax_error,
    read_operation,
    wants_description,
)
from scholarkg.serve.protocol import (
    negotiate as negotiate_query,
)
from scholarkg.serve.query_ui import query_page, results_page
from scholarkg.serve.service import KnowledgeGraph
from scholarkg.serve.workers import NotAcceptableError
from scholarkg.store.sparql_text import iri_ref

log = logging.getLogger("scholarkg.serve")
access_log = logging.getLogger("scholarkg.serve.access")
STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HTML_ROWS = 1000
ENTITY_PAGES = {
    "person": entity_pages.person_page,
    "paper": entity_pages.paper_page,
    "organisation": entity_pages.organisation_page,
    "group": entity_pages.group_page,
    "category": entity_pages.category_page,
}


def text(status: int, message: str, **headers: str) -> Response:
    body = message if message.endswith("\n") else message + "\n"
    return Response(body, status, headers, media_type="text/plain; charset=utf-8")


def html(status: int, page: str, **headers: str) -> Response:
    return Response(page, status, headers, media_type="text/html; charset=utf-8")


class Limits:
    """Per-request checks: a body over ``max_body`` bytes is refused with 413."""

    def __init__(self, max_body: int) -> None:
        self.max_body = max_body

    async def body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            raise ProtocolError(413, f"request body larger than {self.max_body} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body:
                raise ProtocolError(413, f"request body larger than {self.max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


class AccessLog:
    """One log line per request: client, method, path, status, bytes and milliseconds; plus
    the security headers every response carries."""

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
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client") or ("-", 0)
            path = scope.get("path", "")
            if scope.get("query_string"):
                path += "?" + scope["query_string"].decode("latin-1")[:200]
            access_log.info(
                '%s "%s %s" %d %d %.1fms',
                client[0],
                scope.get("method"),
                path,
                status,
                size,
                (time.perf_counter() - started) * 1000,
            )


def _query_error(exc: ScholarKGError, sparql: str) -> Response:
    if isinstance(exc, NotAcceptableError):
        offered = (
            "SPARQL JSON/XML, CSV, TSV"
            if exc.kind == "results"
            else "Turtle, N-Triples, JSON-LD, RDF/XML"
        )
        return text(406, f"not acceptable; these results come as {offered}", Vary="Accept")
    if isinstance(exc, QueryLimitError):
        headers = {"Retry-After": "5"} if exc.status == 503 else {}
        return text(exc.status, str(exc), **headers)
    if isinstance(exc, QueryError):
        return text(400, explain_syntax_error(sparql, str(exc)))
    return text(500, "internal error while answering the query")


def _cell(term: Any, href: Callable[[str], str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return f'<a href="{escape(href(term.value))}">{escape(term.value)}</a>'
    return escape(term.value if not isinstance(term, ox.Triple) else str(term))


class Routes:
    """The route handlers over one :class:`KnowledgeGraph`."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.limits = Limits(kg.settings.max_body_bytes)

    # -- helpers ----------------------------------------------------------------------------

    def public(self, request: Request) -> str:
        configured = self.kg.settings.public_url
        if configured:
            return configured if configured.endswith("/") else configured + "/"
        return str(request.base_url)

    def href(self, iri: str) -> str:
        return self.kg.mapper.path_for_iri(iri) or f"/describe?iri={quote(iri, safe='')}"

    def etag(self, request: Request, variant: str) -> str:
        key = f"{request.method} {request.url.path}?{request.url.query} {variant}"
        return f'W/"{self.kg.watcher.version}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"'

    def cached(self, request: Request, variant: str) -> tuple[dict[str, str], Response | None]:
        """Caching headers for a GET answer, and a 304 when the client has it already."""
        tag = self.etag(request, variant)
        headers = {
            "ETag": tag,
            "Last-Modified": format_datetime(self.kg.watcher.modified, usegmt=True),
            "Cache-Control": f"public, max-age={self.kg.settings.cache_max_age}",
            "Vary": "Accept",
        }
        match = request.headers.get("if-none-match")
        if (
            request.method in ("GET", "HEAD")
            and match
            and tag in [t.strip() for t in match.split(",")]
        ):
            return headers, Response(status_code=304, headers=headers)
        return headers, None

    async def blocking(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        await run_in_threadpool(self.kg.check_store)
        return await run_in_threadpool(function, *args, **kwargs)

    # -- SPARQL -----------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        try:
            body = await self.limits.body(request) if request.method == "POST" else b""
            operation = read_operation(
                request.method, request.url.query, request.headers.get("content-type"), body
            )
            if operation.kind == "update":
                return await self.run_update(operation)
            if operation.kind == "none":
                return await self.no_query(request, operation)
            wanted = negotiate_query(request.headers.get("accept"), operation.params)
        except ProtocolError as exc:
            return text(exc.status, str(exc))
        headers: dict[str, str] = {"Vary": "Accept"}
        if request.method == "GET":
            headers, not_modified = self.cached(request, repr(wanted))
            if not_modified is not None:
                return not_modified
        else:
            headers["Cache-Control"] = "no-store"
        try:
            outcome = await self.blocking(self.kg.query, operation, wanted)
        except ScholarKGError as exc:
            return _query_error(exc, operation.text)
        if wanted.html:
            return self.results_html(request, operation, outcome)
        media = outcome.media_type or "application/octet-stream"
        return Response(outcome.body or b"", 200, headers, media_type=f"{media}; charset=utf-8")

    def results_html(self, request: Request, operation: Operation, outcome: Any) -> Response:
        query = operation.text
        base = f"/sparql?query={quote(query, safe='')}"
        if outcome.form == "triples":
            columns = ["subject", "predicate", "object"]
            rows = [
                [
                    _cell(t.subject, self.href),
                    _cell(t.predicate, self.href),
                    _cell(t.object, self.href),
                ]
                for t in outcome.triples[:HTML_ROWS]
            ]
            total = len(outcome.triples)
            links = {
                "Turtle": base + "&format=ttl",
                "N-Triples": base + "&format=nt",
                "JSON-LD": base + "&format=jsonld",
            }
        elif outcome.form == "boolean":
            columns, rows, total = ["answer"], [["true" if outcome.boolean else "false"]], 1
            links = {"JSON": base + "&format=json"}
        else:
            columns = list(outcome.variables)
            rows = [[_cell(t, self.href) for t in row] for row in outcome.rows[:HTML_ROWS]]
            total = len(outcome.rows)
            links = {
                "CSV": base + "&format=csv",
                "TSV": base + "&format=tsv",
                "JSON": base + "&format=json",
                "XML": base + "&format=xml",
            }
        edit = f"/sparql?edit={quote(query, safe='')}"
        page = results_page(query, columns, rows, total=total, links=links, edit_href=edit)
        return html(200, page, Vary="Accept", **{"Cache-Control": "no-store"})

    async def no_query(self, request: Request, operation: Operation) -> Response:
        accept = request.headers.get("accept")
        params = operation.params or {}
        if request.method == "GET" and prefers_html(accept):
            chosen = params.get("saved", [None])[0]
            reserved = {"saved", "edit"}
            values = {k: v[0] for k, v in params.items() if k not in reserved and v}
            page = query_page(
                self.kg.saved,
                chosen=chosen,
                params=values,
                initial=params.get("edit", [None])[0],
                iri_base=self.kg.mapper.iri_base,
                path_prefix=self.kg.mapper.path_prefix,
                updates_allowed=self.kg.update_store is not None,
            )
            return html(200, page, Vary="Accept")
        media = wants_description(accept) if request.method == "GET" else None
        if media is not None:
            triples = service_description(
                self.public(request) + "sparql",
                updates=self.kg.update_store is not None,
                federation=bool(self.kg.limits.federation),
            )
            return self.rdf(triples, media, {"Vary": "Accept"})
        return text(
            400, "no query given (query= or an application/sparql-query body)", Vary="Accept"
        )

    def rdf(self, triples: list[ox.Triple], media: str, headers: dict[str, str]) -> Response:
        description = Description("", tuple(triples))
        body = serialize(description, media, self.kg.mapper.iri_base)
        return Response(body, 200, headers, media_type=f"{media}; charset=utf-8")

    async def run_update(self, operation: Operation) -> Response:
        if self.kg.update_store is None:
            return text(403, "SPARQL Update is disabled: this server is read-only")
        try:
            await self.blocking(self.kg.update, operation.text)
        except QueryLimitError as exc:
            return text(exc.status, str(exc))
        except QueryError as exc:
            return text(400, str(exc))
        except ScholarKGError as exc:
            return text(500, str(exc))
        return Response(status_code=204)

    async def update(self, request: Request) -> Response:
        if request.method != "POST":
            return text(405, "SPARQL Update needs POST", Allow="POST")
        try:
            body = await self.limits.body(request)
            operation = read_operation(
                "POST", request.url.query, request.headers.get("content-type"), body
            )
        except ProtocolError as exc:
            return text(exc.status, str(exc))
        if operation.kind != "update":
            return text(400, "no update given (form field update= or a sparql-update body)")
        return await self.run_update(operation)

    async def store(self, request: Request) -> Response:
        """Graph Store Protocol, read side: ``?graph=<iri>`` or ``?default`` (the union)."""
        graph = request.query_params.get("graph")
        if graph is None and "default" not in request.query_params:
            return text(400, "give ?graph=<IRI> or ?default")
        chosen = choose(request.headers.get("accept"), list(GRAPH_OFFERS))
        if chosen is None:
            return text(406, "graphs come as Turtle, N-Triples, JSON-LD or RDF/XML", Vary="Accept")
        media = GRAPH_OFFERS[chosen]
        headers, not_modified = self.cached(request, media)
        if not_modified is not None:
            return not_modified
        try:
            if graph is not None:
                iri_ref(graph)
                exists = await self.blocking(
                    self.kg.pool.select_many,
                    [f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1"],
                )
                if not exists[0].rows:
                    return text(404, f"no graph <{graph}> in this store")
            outcome = await self.blocking(self.kg.graph, graph, media)
        except QueryLimitError as exc:
            return text(exc.status, str(exc))
        except ScholarKGError as exc:
            return text(400, f"graph={graph!r}: {exc}")
        content_type = "text/plain" if chosen == "text/plain" else media
        return Response(
            outcome.body or b"", 200, headers, media_type=f"{content_type}; charset=utf-8"
        )

    # -- linked data ------------------------------------------------------------------------

    async def dereference(self, request: Request) -> Response:
        prefix = self.kg.mapper.path_prefix
        raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        path = raw.split("?", 1)[0]
        if path == "/":
            return await self.landing(request)
        if not path.startswith(prefix):
            return not_found_response(request, f"{request.url.path}: no such page")
        iri = self.kg.mapper.iri_for_path(path)
        if iri is None:
            return not_found_response(request, f"{path}: no such page")
        return await self.resource(request, iri, path)

    async def describe_any(self, request: Request) -> Response:
        iri = request.query_params.get("iri")
        if not iri:
            return text(400, "give the IRI to describe: /describe?iri=…")
        try:
            iri_ref(iri)
            if not ox.NamedNode(iri).value or ":" not in iri.split("/", 1)[0]:
                raise ValueError("relative")
        except (ScholarKGError, ValueError):
            return text(400, f"{iri!r} is not an absolute IRI")
        return await self.resource(request, iri, f"/describe?iri={quote(iri, safe='')}")

    async def resource(self, request: Request, iri: str, here: str) -> Response:
        accept = request.headers.get("accept")
        try:
            media = negotiate(accept, request.query_params.get("format"))
        except ValueError as exc:
            return text(400, str(exc))
        if media is None:
            return text(
                406,
                "not acceptable; resources come as Turtle, JSON-LD, N-Triples, RDF/XML or HTML",
                Vary="Accept",
            )
        headers, not_modified = self.cached(request, media)
        if not_modified is not None:
            return not_modified
        try:
            iri_ref(iri)
            found = await self.blocking(self.kg.resource, iri, html=media == HTML)
        except QueryLimitError as exc:
            return text(exc.status, str(exc))
        except ScholarKGError:
            return not_found_response(request, f"{iri}: not a valid IRI")
        if found.retired_to is not None:
            target = self.kg.mapper.path_for_iri(found.retired_to) or self.href(found.retired_to)
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(target + query, status_code=301, headers={"Vary": "Accept"})
        if not found.found:
            return not_found_response(request, f"{iri}: no such resource in this knowledge graph")
        sep = "&" if "?" in here else "?"
        headers["Content-Location"] = f"{here}{sep}format={format_code(media)}"
        links = ", ".join(
            f'<{here}{sep}format={code}>; rel="alternate"; type="{m}"'
            for code, m in (
                ("ttl", "text/turtle"),
                ("jsonld", "application/ld+json"),
                ("nt", "application/n-triples"),
                ("html", HTML),
            )
        )
        headers["Link"] = links
        formats = " · ".join(
            f'<a href="{escape(here + sep + "format=" + code)}">{name}</a>'
            for code, name in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))
        )
        if media == HTML and found.kind is not None:
            page = ENTITY_PAGES[found.kind](iri, found.tables, self.href, formats)
            return html(200, page, **headers)
        assert found.description is not None
        if media == HTML:
            page_links = pages.Links(local=self.kg.mapper.path_for_iri)
            page = pages.resource_page(
                found.description.iri,
                found.description.triples,
                page_links,
                format_url=lambda code: f"{here}{sep}format={code}",
            )
            return html(200, page, **headers)
        body = serialize(found.description, media, self.kg.mapper.iri_base)
        content_type = "text/plain" if media == "text/plain" else media
        return Response(body, 200, headers, media_type=f"{content_type}; charset=utf-8")

    # -- pages ------------------------------------------------------------------------------

    async def landing(self, request: Request) -> Response:
        headers, not_modified = self.cached(request, HTML)
        if not_modified is not None:
            return not_modified
        try:
            data = await self.blocking(self.kg.landing)
        except QueryLimitError as exc:
            return text(exc.status, str(exc))

        def n(row: dict[str, Any], key: str) -> int:
            term = row.get(key)
            return int(term.value) if term is not None else 0

        people = [
            (self.href(r["person"].value), r.get("label", r["person"]).value, n(r, "papers"))
            for r in data.people
        ]
        categories = [
            (
                self.href(r["c"].value),
                f"{r['notation'].value if 'notation' in r else r['c'].value}"
                + (f" — {r['label'].value}" if "label" in r else ""),
                n(r, "papers"),
            )
            for r in data.categories
        ]
        years = [(r["year"].value, n(r, "papers")) for r in data.years if "year" in r]
        page = pages.landing_page(data.counts, people, categories, years, self.kg.saved)
        return html(200, page, **headers)

    async def search(self, request: Request) -> Response:
        query = request.query_params.get("q", "")[:200]
        try:
            hits = await self.blocking(self.kg.search, query) if query.strip() else []
        except QueryLimitError as exc:
            return text(exc.status, str(exc))
        if "application/json" in (request.headers.get("accept") or "") and not prefers_html(
            request.headers.get("accept")
        ):
            return JSONResponse([{"iri": h.iri, "label": h.label, "kind": h.kind} for h in hits])
        rows = [(self.href(h.iri), h.label, h.kind) for h in hits]
        return html(200, pages.search_page(query, rows), **{"Cache-Control": "no-store"})

    async def queries(self, request: Request) -> Response:
        from scholarkg.serve.query_ui import saved_data

        return JSONResponse(saved_data(self.kg.saved))

    async def saved_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        saved = next((q for q in self.kg.saved if q.name == name), None)
        if saved is None:
            return text(404, f"no saved query {name!r}")
        params = {k: v for k, v in request.query_params.items()}
        try:
            bound = bind_saved(saved, params)
        except QueryError as exc:
            return text(400, str(exc))
        return Response(bound, 200, media_type="application/sparql-query; charset=utf-8")

    async def ontology(self, request: Request) -> Response:
        from scholarkg.resources import project_root

        page = project_root() / "docs" / "ontology.html"
        if not page.is_file():
            return text(404, "the ontology page is not installed here")
        return FileResponse(page, media_type="text/html; charset=utf-8")

    async def context(self, request: Request) -> Response:
        return JSONResponse(
            {"@context": {**project_context(), "id": self.kg.mapper.iri_base}},
            media_type="application/ld+json",
            headers={"Cache-Control": f"public, max-age={self.kg.settings.cache_max_age}"},
        )

    async def void(self, request: Request) -> Response:
        chosen = choose(request.headers.get("accept"), [*GRAPH_OFFERS, HTML])
        media = GRAPH_OFFERS.get(chosen or "", "text/turtle")
        headers, not_modified = self.cached(request, media)
        if not_modified is not None:
            return not_modified
        base = self.kg.mapper.iri_base
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{base}graph/void> {{ ?s ?p ?o }} }}"
        from scholarkg.serve.worker_process import TERMS, QueryJob

        try:
            stored = await self.blocking(self.kg.pool.run, QueryJob(sparql, graph_format=TERMS))
        except QueryLimitError as exc:
            return text(exc.status, str(exc))
        triples = served_description(
            stored.triples, dumps_in(self.kg.exports_dir), self.public(request), base + "dataset"
        )
        return self.rdf(triples, media, headers)

    async def dumps(self, request: Request) -> Response:
        name = request.path_params.get("name", "")
        if not name:
            found = dumps_in(self.kg.exports_dir)
            items = "".join(
                f'<li><a href="/dumps/{quote(d.name)}">{escape(d.name)}</a> '
                f"({d.path.stat().st_size} bytes, {escape(d.media_type)}"
                + (f", SHA-256 <code>{escape(d.sha256)}</code>" if d.sha256 else "")
                + ")</li>"
                for d in found
            )
            body = f"<h1>Dumps</h1><ul>{items or '<li>None published yet.</li>'}</ul>"
            return html(200, pages.layout("Dumps", body))
        path = find_dump(self.kg.exports_dir, name)
        if path is None:
            return text(404, f"no dump called {name!r}")
        media = (
            "text/plain"
            if name.endswith(".sha256")
            else next(d.media_type for d in dumps_in(self.kg.exports_dir) if d.name == name)
        )
        return FileResponse(
            path, media_type=media, headers={"Cache-Control": "public, max-age=300"}
        )


def not_found_response(request: Request, message: str) -> Response:
    legacy = not_found(request.headers.get("accept"), message)
    return Response(legacy.body, legacy.status, legacy.headers, media_type=legacy.content_type)


def create_app(kg: KnowledgeGraph) -> Starlette:
    """The Starlette application serving ``kg``."""
    routes = Routes(kg)
    handlers: list[Any] = [
        Route("/sparql", routes.sparql, methods=["GET", "POST"]),
        Route("/query", routes.sparql, methods=["GET", "POST"]),
        Route("/update", routes.update, methods=["GET", "POST"]),
        Route("/store", routes.store, methods=["GET"]),
        Route("/describe", routes.describe_any, methods=["GET"]),
        Route("/search", routes.search, methods=["GET"]),
        Route("/queries", routes.queries, methods=["GET"]),
        Route("/queries/{name}", routes.saved_query, methods=["GET"]),
        Route("/context.jsonld", routes.context, methods=["GET"]),
        Route("/ontology", routes.ontology, methods=["GET"]),
        Route("/.well-known/void", routes.void, methods=["GET"]),
        Route("/dumps/", routes.dumps, methods=["GET"]),
        Route("/dumps/{name}", routes.dumps, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
        Route("/{path:path}", routes.dereference, methods=["GET"]),
    ]
    middleware = [Middleware(AccessLog)]
    if kg.settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(kg.settings.cors_origins),
                allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                allow_headers=["Accept", "Content-Type", "If-None-Match"],
                expose_headers=["ETag", "Content-Location", "Link", "Last-Modified"],
                max_age=3600,
            )
        )
    app = Starlette(routes=handlers, middleware=middleware)
    app.state.kg = kg
    return app


Handler = Callable[[Request], Awaitable[Response]]

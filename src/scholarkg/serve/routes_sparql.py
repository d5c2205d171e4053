"""SPARQL routes: ``/sparql`` and ``/query`` (protocol, query page, HTML results, service
description), ``/update`` and ``/store`` (Graph Store Protocol reads)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from scholarkg.counts import count_of
from scholarkg.errors import QueryError, QueryLimitError, ScholarKGError
from scholarkg.serve.conneg import choose, prefers_html
from scholarkg.serve.http_base import BaseRoutes
from scholarkg.serve.integration import service_description
from scholarkg.serve.job_errors import failure_error
from scholarkg.serve.jobs import too_large
from scholarkg.serve.protocol import (
    DATASET_PARAMS,
    GRAPH_OFFERS,
    Operation,
    ProtocolError,
    graphs,
    read_operation,
    wants_description,
)
from scholarkg.serve.protocol import negotiate as negotiate_query
from scholarkg.serve.query_ui import (
    LINK_MAX,
    Dataset,
    bounded_chunks,
    query_page,
    results_page,
)
from scholarkg.serve.responses import ChunkedBody, cell, html, limit_text, query_error, text
from scholarkg.serve.same_origin import update_refusal
from scholarkg.serve.service import HTML_ROWS
from scholarkg.serve.sparql_head import head_answer
from scholarkg.store.sparql_text import iri_ref


class SparqlRoutes(BaseRoutes):
    """The SPARQL 1.1 Protocol side of the server."""

    # -- SPARQL -----------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        if request.method in ("GET", "HEAD") and (refused := _read_with_body(request)):
            return text(400, refused)
        try:
            body = await self.limits.body(request) if request.method == "POST" else b""
            operation = read_operation(
                request.method,
                request.url.query,
                request.headers.get("content-type"),
                body,
                self.kg.settings.max_dataset_graphs,
            )
            if operation.kind == "update":
                return await self.run_update(request, operation)
            if operation.kind == "none":
                return await self.no_query(request, operation)
            wanted = negotiate_query(request.headers.get("accept"), operation.params)
        except ProtocolError as exc:
            return text(exc.status, str(exc), **exc.headers)
        headers: dict[str, str] = {"Vary": "Accept"}
        # A HEAD answers as its GET, without the body. An HTML results page is sent no-store
        # with no tag (results_html): no If-None-Match makes it a 304.
        if request.method in ("GET", "HEAD") and not wanted.html:
            headers, not_modified = self.cached(request, repr(wanted))
            if not_modified is not None:
                return not_modified
        else:
            headers["Cache-Control"] = "no-store"
        if request.method == "HEAD":  # checked as its GET, never run (before: run, counted)
            return await run_in_threadpool(head_answer, self.kg, operation, wanted, headers)
        await self.check_store()  # then a kept answer is sent with no query thread, uncounted
        outcome = self.kg.kept(operation, wanted)
        try:
            if outcome is None:  # the same query running: its answer, waited for uncounted
                outcome = await self.in_flight_answer(request, operation, wanted)
            if outcome is None:
                outcome = await self.blocking(request, self.kg.query, operation, wanted)
        except ScholarKGError as exc:
            return query_error(exc, operation.text)
        if wanted.html:
            return self.results_html(request, operation, outcome)
        media = outcome.media_type or "application/octet-stream"
        return Response(outcome.body or b"", 200, headers, media_type=f"{media}; charset=utf-8")

    def results_html(self, request: Request, operation: Operation, outcome: Any) -> Response:
        """The HTML table of a result, written row by row and held to the result size limit
        as written (cells escape to up to six times their text): past it, 507 as for any
        format, and no further row is rendered. The worker sent at most :data:`HTML_ROWS`
        rows and one more, which only says that there are more than shown."""
        query = operation.text
        dataset = _dataset(operation)
        rows: Iterable[list[str]]
        if outcome.form == "triples":
            columns = ["subject", "predicate", "object"]
            rows = (
                [
                    cell(t.subject, self.href),
                    cell(t.predicate, self.href),
                    cell(t.object, self.href),
                ]
                for t in outcome.triples[:HTML_ROWS]
            )
            received = len(outcome.triples)
            formats = {"Turtle": "ttl", "N-Triples": "nt", "JSON-LD": "jsonld"}
        elif outcome.form == "boolean":
            columns, rows, received = ["answer"], [["true" if outcome.boolean else "false"]], 1
            formats = {"JSON": "json"}
        else:
            columns = list(outcome.variables)
            rows = ([cell(t, self.href) for t in row] for row in outcome.rows[:HTML_ROWS])
            received = len(outcome.rows)
            formats = {"CSV": "csv", "TSV": "tsv", "JSON": "json", "XML": "xml"}
        links = {
            name: [("query", query), *dataset, ("format", code)] for name, code in formats.items()
        }
        shown = min(received, HTML_ROWS)
        more = received > shown
        parts = results_page(
            query,
            columns,
            rows,
            shown=shown,
            more=more,
            links=links,
            edit=[("edit", query), *dataset],
            max_link=min(LINK_MAX, self.kg.settings.max_header_bytes // 2),
        )
        limit = self.kg.limits.max_result_bytes
        chunks = bounded_chunks(parts, limit)
        if chunks is None:
            return query_error(failure_error(too_large(limit)), query)
        headers = {"Vary": "Accept", "Cache-Control": "no-store"}
        return ChunkedBody(chunks, 200, headers, media_type="text/html; charset=utf-8")

    async def no_query(self, request: Request, operation: Operation) -> Response:
        accept = request.headers.get("accept")
        params = operation.params or {}
        read = request.method in ("GET", "HEAD")
        # a POSTed edit= is a results page's "Edit this query" for a query too long to link
        if (read or "edit" in params) and prefers_html(accept):
            chosen = params.get("saved", [None])[0]
            reserved = {"saved", "edit", "linebreaks", *DATASET_PARAMS}
            values = {k: v[0] for k, v in params.items() if k not in reserved and v}
            try:
                dataset = Dataset(
                    graphs(params, "default-graph-uri") or (),
                    graphs(params, "named-graph-uri") or (),
                )
            except ProtocolError as exc:
                return text(exc.status, str(exc))
            page = query_page(
                self.kg.saved,
                chosen=chosen,
                params=values,
                initial=params.get("edit", [None])[0],
                dataset=dataset,
                iri_base=self.kg.mapper.iri_base,
                path_prefix=self.kg.mapper.path_prefix,
                updates_allowed=self.kg.update_store is not None,
            )
            return html(200, page, Vary="Accept")
        media = wants_description(accept) if read else None
        if media is not None:
            triples = service_description(
                self.public(request) + "sparql",
                updates=self.kg.update_store is not None,
                federation=bool(self.kg.limits.federation),
            )
            return self.rdf(triples, media, self.host_private({"Vary": "Accept"}))
        return text(
            400, "no query given (query= or an application/sparql-query body)", Vary="Accept"
        )

    async def run_update(self, request: Request, operation: Operation) -> Response:
        if self.kg.update_store is None:
            return text(403, "SPARQL Update is disabled: this server is read-only")
        if (refused := update_refusal(request)) is not None:
            return text(403, refused)
        try:
            await self.blocking(request, self.kg.update, operation.text)
        except QueryLimitError as exc:
            return limit_text(exc)
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
                "POST",
                request.url.query,
                request.headers.get("content-type"),
                body,
                self.kg.settings.max_dataset_graphs,
            )
        except ProtocolError as exc:
            return text(exc.status, str(exc), **exc.headers)
        if operation.kind != "update":
            return text(400, "no update given (form field update= or a sparql-update body)")
        return await self.run_update(request, operation)

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
                    request,
                    self.kg.pool.select_many,
                    [f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1"],
                )
                if not exists[0].rows:
                    return text(404, f"no graph <{graph}> in this store")
            outcome = await self.blocking(request, self.kg.graph, graph, media)
        except QueryLimitError as exc:
            return limit_text(exc)
        except ScholarKGError as exc:
            return text(400, f"graph={graph!r}: {exc}")
        content_type = "text/plain" if chosen == "text/plain" else media
        return Response(
            outcome.body or b"", 200, headers, media_type=f"{content_type}; charset=utf-8"
        )


def _read_with_body(request: Request) -> str | None:
    """Why a GET or HEAD that carries a body is refused (before: its body was ignored and the
    URL's query run, or the query page sent, whatever the body held): which of the two the
    client meant is not known, and a proxy may read the body as the next request."""
    length = request.headers.get("content-length")
    if "transfer-encoding" in request.headers:
        sent = f"Transfer-Encoding: {request.headers['transfer-encoding']}"
    elif length is not None and count_of(length.strip()) != 0:
        sent = f"Content-Length: {length.strip()}"
    else:
        return None
    return (
        f"a {request.method} request carries no body ({sent}): give the query as query= in "
        "the URL, or POST it"
    )


def _dataset(operation: Operation) -> list[tuple[str, str]]:
    """The dataset of ``operation`` (``default-graph-uri``, ``named-graph-uri``) as fields: a
    download of a results page runs the query over the graphs the page shows, not over every
    graph, and its "Edit this query" opens the editor over them."""
    pairs = [("default-graph-uri", g) for g in operation.default_graphs or ()]
    return pairs + [("named-graph-uri", g) for g in operation.named_graphs or ()]

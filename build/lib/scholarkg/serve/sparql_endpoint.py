"""SPARQL 1.1 Protocol: the query operation and, when enabled, the update operation.

Queries: ``GET ?query=``, ``POST`` form-encoded ``query=``, ``POST`` with an
``application/sparql-query`` body. Updates: ``POST`` form-encoded ``update=`` or an
``application/sparql-update`` body; refused with 403 unless the server allows updates.
Queries run over the union of the named graphs; ``default-graph-uri``, ``named-graph-uri``,
``using-graph-uri`` and ``using-named-graph-uri`` are refused with 400 (not supported; note
that in union mode the embedded store also ignores ``FROM`` in the query text: use ``GRAPH``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import parse_qs

import pyoxigraph as ox

from scholarkg.errors import LoadError, QueryError, ScholarKGError
from scholarkg.query import saved_queries
from scholarkg.serve.conneg import HTML, Response, accepts_html, choose, text_response
from scholarkg.serve.query_ui import query_page
from scholarkg.store.base import GraphStore

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
DATASET_PARAMS = (
    "default-graph-uri",
    "named-graph-uri",
    "using-graph-uri",
    "using-named-graph-uri",
)

# Offered media types in server preference order (the first is the default for */*).
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/json": ox.RdfFormat.JSON_LD,
}
_RESULT_TYPES = {
    ox.QueryResultsFormat.JSON: "application/sparql-results+json",
    ox.QueryResultsFormat.XML: "application/sparql-results+xml",
    ox.QueryResultsFormat.CSV: "text/csv",
    ox.QueryResultsFormat.TSV: "text/tab-separated-values",
}


@runtime_checkable
class SupportsUpdate(Protocol):
    """A store that can run SPARQL Update text."""

    def update(self, sparql: str) -> None: ...


@dataclass(frozen=True)
class ProtocolRequest:
    """One HTTP request to the endpoint, already read."""

    method: str
    params: Mapping[str, list[str]]  # from the URL's query string
    content_type: str | None
    body: bytes
    accept: str | None


@dataclass(frozen=True)
class Operation:
    kind: str  # "query", "update" or "ui"
    text: str


def _media_type(content_type: str | None) -> tuple[str, str]:
    """(media type, charset) of a Content-Type header."""
    if not content_type:
        return "", "utf-8"
    media, *params = (p.strip() for p in content_type.split(";"))
    charset = "utf-8"
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    return media.lower(), charset


def read_operation(request: ProtocolRequest, *, update_path: bool) -> Operation | Response:
    """The operation a request asks for, or the error response for a malformed request."""
    params = {k: list(v) for k, v in request.params.items()}
    if request.method == "POST":
        media, charset = _media_type(request.content_type)
        try:
            text = request.body.decode(charset)
        except (LookupError, UnicodeDecodeError) as exc:
            return text_response(400, f"cannot decode the request body as {charset}: {exc}")
        if media == FORM:
            for key, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif media in (SPARQL_QUERY, SPARQL_UPDATE):
            key = "query" if media == SPARQL_QUERY else "update"
            if "query" in params or "update" in params:
                return text_response(400, f"a {media} body cannot come with query/update params")
            params[key] = [text]
        else:
            return text_response(
                415,
                f"unsupported Content-Type {media or '(none)'}; use {FORM}, "
                f"{SPARQL_QUERY} or {SPARQL_UPDATE}",
            )
    refused = [p for p in DATASET_PARAMS if p in params]
    if refused:
        return text_response(
            400,
            f"{', '.join(refused)} not supported: queries run over the union of all named "
            "graphs; use GRAPH <iri> { … } inside the query instead",
        )
    queries, updates = params.get("query", []), params.get("update", [])
    if len(queries) + len(updates) > 1:
        return text_response(400, "give exactly one query or one update per request")
    if updates:
        if request.method != "POST":
            return text_response(400, "updates must be sent with POST")
        return Operation("update", updates[0])
    if queries and not update_path:
        return Operation("query", queries[0])
    if update_path:
        return text_response(400, "no update given (form field update= or a sparql-update body)")
    if request.method == "GET":
        return Operation("ui", params.get("saved", [""])[0])
    return text_response(400, "no query given (query= or an application/sparql-query body)")


def _failure_status(exc: QueryError) -> int:
    """400 for a query the store could not read, 500 when the store itself failed."""
    cause = exc.__cause__
    return 500 if isinstance(cause, OSError | RuntimeError | LoadError) else 400


def run_query(store: GraphStore, sparql: str, accept: str | None) -> Response:
    """Run one query and serialize its result in the negotiated format."""
    try:
        result = store.query(sparql, union=True)
    except QueryError as exc:
        return text_response(_failure_status(exc), str(exc))
    vary = {"Vary": "Accept"}
    if isinstance(result, ox.QueryTriples):
        chosen = choose(accept, list(GRAPH_FORMATS))
        if chosen is None:
            offered = ", ".join(list(GRAPH_FORMATS)[:4])
            return text_response(406, f"not acceptable; graph results come as {offered}", **vary)
        rdf_format = GRAPH_FORMATS[chosen]
        body = ox.serialize(list(result), format=rdf_format) or b""
        return Response(200, f"{rdf_format.media_type}; charset=utf-8", body, vary)
    chosen = choose(accept, list(RESULT_FORMATS))
    if chosen is None:
        offered = ", ".join(list(RESULT_FORMATS)[:4])
        return text_response(406, f"not acceptable; results come as {offered}", **vary)
    results_format = RESULT_FORMATS[chosen]
    body = result.serialize(format=results_format) or b""
    return Response(200, f"{_RESULT_TYPES[results_format]}; charset=utf-8", body, vary)


def execute_update(store: GraphStore, sparql: str) -> None:
    """Run SPARQL Update text through the store's ``update()``."""
    if not isinstance(store, SupportsUpdate):
        raise QueryError(f"{type(store).__name__} cannot run SPARQL Update")
    try:
        store.update(sparql)
    except LoadError as exc:
        raise QueryError(f"{exc} (is the store open read-write?)") from exc


def run_update(store: GraphStore, sparql: str, *, allowed: bool) -> Response:
    if not allowed:
        return text_response(
            403,
            "SPARQL Update is disabled: this server is read-only (start it with updates allowed)",
        )
    try:
        execute_update(store, sparql)
    except QueryError as exc:
        return text_response(_failure_status(exc), str(exc))
    except ScholarKGError as exc:
        return text_response(500, str(exc))
    return Response(204, "text/plain; charset=utf-8", b"")


def handle(
    store: GraphStore,
    request: ProtocolRequest,
    *,
    update_path: bool,
    allow_updates: bool,
    iri_base: str,
    path_prefix: str,
) -> Response:
    """Answer one request to ``/sparql`` (``update_path`` False) or ``/update`` (True)."""
    operation = read_operation(request, update_path=update_path)
    if isinstance(operation, Response):
        return operation
    if operation.kind == "update":
        return run_update(store, operation.text, allowed=allow_updates)
    if operation.kind == "query":
        return run_query(store, operation.text, request.accept)
    if accepts_html(request.accept):
        saved = saved_queries()
        initial = next((q.text for q in saved if q.name == operation.text), None)
        page = query_page(
            saved,
            initial=initial,
            iri_base=iri_base,
            path_prefix=path_prefix,
            updates_allowed=allow_updates,
        )
        return Response(200, f"{HTML}; charset=utf-8", page.encode("utf-8"), {"Vary": "Accept"})
    return text_response(400, "no query given (?query=...)", Vary="Accept")

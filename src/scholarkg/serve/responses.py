"""The plain responses the routes send: one line of text, a page, a body sent in its chunks, a
limit's or a query's error, a result cell, a 404."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from scholarkg.errors import QueryError, QueryLimitError, ScholarKGError
from scholarkg.query_results import VISIBLE_CONTROLS
from scholarkg.serve.bidi import controls_named, isolated
from scholarkg.serve.job_errors import NotAcceptableError
from scholarkg.serve.linked_data import not_found
from scholarkg.serve.syntax_errors import explain_syntax_error


def text(status: int, message: str, **headers: str) -> Response:
    """A plain-text answer (an error or a note), each bidi control in it drawn as a mark naming
    it (:func:`.bidi.controls_named`): none reverses the words after it."""
    body = controls_named(message if message.endswith("\n") else message + "\n")
    return Response(body, status, headers, media_type="text/plain; charset=utf-8")


def html(status: int, page: str, **headers: str) -> Response:
    return Response(page, status, headers, media_type="text/html; charset=utf-8")


class ChunkedBody(Response):
    """A response whose body is sent as the chunks it was written in, with its Content-Length:
    a page is never joined into one more copy of itself."""

    def __init__(
        self, chunks: list[bytes], status: int, headers: dict[str, str], media_type: str
    ) -> None:
        super().__init__(b"", status, headers, media_type=media_type)
        self.chunks = chunks
        self.headers["content-length"] = str(sum(len(c) for c in chunks))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message = {
            "type": "http.response.start",
            "status": self.status_code,
            "headers": self.raw_headers,
        }
        await send(start)
        for chunk in self.chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def limit_text(exc: QueryLimitError) -> Response:
    """A limit's answer: its status and message, and ``Retry-After`` when it says when."""
    headers = {} if exc.retry_after is None else {"Retry-After": str(exc.retry_after)}
    return text(exc.status, str(exc), **headers)


def query_error(exc: ScholarKGError, sparql: str) -> Response:
    if isinstance(exc, NotAcceptableError):
        offered = (
            "SPARQL JSON/XML, CSV, TSV"
            if exc.kind == "results"
            else "Turtle, N-Triples, JSON-LD, RDF/XML"
        )
        return text(406, f"not acceptable; these results come as {offered}", Vary="Accept")
    if isinstance(exc, QueryLimitError):
        return limit_text(exc)
    if isinstance(exc, QueryError):
        return text(400, explain_syntax_error(sparql, str(exc)))
    return text(500, "internal error while answering the query")


def cell(term: Any, href: Callable[[str], str]) -> str:
    """A result cell of the HTML results table: the term's text isolated (:mod:`.bidi`)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return f'<a href="{escape(href(term.value))}">{isolated(term.value)}</a>'
    return isolated(term.value if not isinstance(term, ox.Triple) else str(term))


def not_found_response(request: Request, message: str) -> Response:
    legacy = not_found(request.headers.get("accept"), message)
    return Response(legacy.body, legacy.status, legacy.headers, media_type=legacy.content_type)


def no_such_page(request: Request, _: Exception | None = None) -> Response:
    """The 404 of a path that names no page, in one line: the path decoded, its controls drawn
    (ESC as ␛; from the scope: ``request.url.path`` drops CR, LF and TAB). Also the app's
    handler of Starlette's own 404s (a file ``/static/`` lacks), which said ``Not Found``."""
    shown = request.scope["path"].translate(VISIBLE_CONTROLS)
    return not_found_response(request, f"{shown}: no such page")

"""A HEAD of ``/sparql`` (or ``/query``) with a query: checked as its GET would be, never run.

RFC 9110 9.3.2 lets a server leave out the header fields only generating the content
determines (``Content-Length``); running the query to learn them would let any client make the
store do work whose answer is thrown away (before: a HEAD ran the whole query, to its time
limit, counted against its client's ``max_queries_per_client`` like its GET).
"""

from __future__ import annotations

from starlette.responses import Response

from scholarkg.errors import QueryError
from scholarkg.serve.guard import check_query
from scholarkg.serve.job_errors import NotAcceptableError
from scholarkg.serve.protocol import Operation, Wanted
from scholarkg.serve.responses import query_error, text
from scholarkg.serve.service import KnowledgeGraph

GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")  # their answer is a graph; SELECT's and ASK's, results


def head_answer(
    kg: KnowledgeGraph, operation: Operation, wanted: Wanted, headers: dict[str, str]
) -> Response:
    """GET's status and ``headers`` for the query of ``operation``, without its content or
    ``Content-Length``, and no worker asked: what is known before the query runs is checked
    as its GET checks it — its size, nesting, ``SERVICE`` and ``LOAD`` (413, 400, 403), its
    form (400 when the text names none), its brackets (400 when they do not pair: the engine
    refuses such a text, :mod:`.sparql_balance`), the format negotiated for that form (406
    when none) and whether a limit stopped it on this version of the store (503). Any other
    syntax error, which only the engine's parser finds, is its GET's to tell (400). Blocks
    (lexing a query of up to ``max_header_bytes`` takes milliseconds): called in a thread, as
    its GET's checks are."""
    try:
        info = check_query(operation.text, kg.limits)
        if (refused := kg.refusal(operation, wanted)) is not None:
            raise refused
    except QueryError as exc:
        return query_error(exc, operation.text)
    if (form := info.form) is None:
        return text(400, "no query form (SELECT, ASK, CONSTRUCT or DESCRIBE) in the query")
    if info.unbalanced is not None:  # before: 200 (304 to If-None-Match: *), its GET 400
        return text(400, info.unbalanced)
    graph = form in GRAPH_FORMS
    media = "text/html" if wanted.html else wanted.graph if graph else wanted.results
    if media is None:
        return query_error(NotAcceptableError("graph" if graph else "results"), operation.text)
    answer = Response(None, 200, headers, media_type=f"{media}; charset=utf-8")
    del answer.headers["content-length"]  # the length of content never generated
    # and no Transfer-Encoding either, though h11 frames a GET without a length as chunked
    # (the GET of a query always has one): HeadFraming, which the server's protocol is
    return answer

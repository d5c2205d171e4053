"""SPARQL 1.1 Protocol requests: reading the operation, the dataset and the wanted format.

Queries: ``GET ?query=``, ``POST`` form-encoded ``query=``, ``POST`` with an
``application/sparql-query`` body. Updates: ``POST`` form ``update=`` or an
``application/sparql-update`` body (refused unless the server allows updates). The dataset
comes from ``default-graph-uri`` / ``named-graph-uri`` (else the query's own ``FROM``, else the
union of all named graphs). ``format=`` / ``output=`` (json, xml, csv, tsv, ttl, nt, jsonld,
rdf, html) override ``Accept``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

from scholarkg.serve.conneg import HTML, choose, parse_accept, prefers_html, quality

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
USING_PARAMS = ("using-graph-uri", "using-named-graph-uri")
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
# The charsets a body may declare, as codecs.lookup names them.
CHARSETS = frozenset(
    {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"}
    | {"utf-32-be", "iso8859-1", "cp1252", "ascii"}
)

# Offered media types in server preference order (the first is the default for */*), and the
# canonical type each stands for.
RESULT_OFFERS: dict[str, str] = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}
GRAPH_OFFERS: dict[str, str] = {
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/ld+json": "application/ld+json",
    "application/rdf+xml": "application/rdf+xml",
    "application/x-turtle": "text/turtle",
    "text/n3": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json": "application/ld+json",
}
# format= / output= values: (results media type, graph media type).
FORMAT_PARAM: dict[str, tuple[str | None, str | None]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "ttl": (None, "text/turtle"),
    "turtle": (None, "text/turtle"),
    "n3": (None, "text/turtle"),
    "nt": (None, "application/n-triples"),
    "ntriples": (None, "application/n-triples"),
    "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"),
    "rdf": (None, "application/rdf+xml"),
    "rdfxml": (None, "application/rdf+xml"),
}
for _mime in (*RESULT_OFFERS, *GRAPH_OFFERS):
    FORMAT_PARAM.setdefault(_mime, (RESULT_OFFERS.get(_mime), GRAPH_OFFERS.get(_mime)))


class ProtocolError(Exception):
    """A malformed request: ``status``, a message for the client and headers for its answer."""

    def __init__(self, status: int, message: str, **headers: str) -> None:
        self.status = status
        self.headers = headers
        super().__init__(message)


@dataclass(frozen=True)
class Operation:
    """What one request asks for. ``kind`` is query, update or none (no operation given)."""

    kind: str
    text: str = ""
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    params: Mapping[str, list[str]] | None = None


def _media_type(content_type: str | None) -> tuple[str, str]:
    """(media type, charset) of a Content-Type header; ProtocolError when it names its charset
    twice (as ambiguous as two Content-Type headers: a proxy may read the other)."""
    if not content_type:
        return "", "utf-8"
    media, *params = (p.strip() for p in content_type.split(";"))
    charsets = []
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charsets.append(value.strip().strip('"'))
    if len(charsets) > 1:
        raise ProtocolError(400, f"Content-Type names more than one charset: {', '.join(charsets)}")
    return media.lower(), charsets[0] if charsets else "utf-8"


def dataset_graphs_within(params: Mapping[str, list[str]], limit: int) -> None:
    """ProtocolError when ``default-graph-uri`` and ``named-graph-uri`` name more than
    ``limit`` graphs together (``[serve] max_dataset_graphs``), before any is checked."""
    count = sum(len(params.get(name, ())) for name in DATASET_PARAMS)
    if count > limit:
        raise ProtocolError(
            400,
            f"{count} graph IRIs in default-graph-uri and named-graph-uri; at most {limit} "
            "([serve] max_dataset_graphs)",
        )


def graphs(params: Mapping[str, list[str]], name: str) -> tuple[str, ...] | None:
    """The graph IRIs given as ``name`` (None when not given); ProtocolError for a value that
    is not an absolute IRI."""
    values = params.get(name)
    if values is None:
        return None
    for value in values:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]*", value):
            raise ProtocolError(400, f"{name}={value!r} is not an absolute IRI")
    return tuple(values)


def _decoded(body: bytes, charset: str) -> str:
    """``body`` in ``charset``, one of :data:`CHARSETS`: Python's codecs include transforms no
    client sends a query in (punycode decodes in quadratic time on the event loop and raises
    UnicodeError; unicode_escape reads ``\\u`` escapes), refused before any decoding."""
    try:
        known = codecs.lookup(charset).name
    except LookupError:
        known = None
    if known not in CHARSETS:
        raise ProtocolError(
            400,
            f"cannot decode the request body as {charset}: a query is sent as UTF-8 (or "
            "UTF-16, UTF-32, ISO-8859-1, windows-1252, US-ASCII)",
        )
    try:  # a byte order mark (a query file saved with one) is not the query's text
        return body.decode(charset).removeprefix("\ufeff")
    except UnicodeError as exc:
        raise ProtocolError(400, f"cannot decode the request body as {charset}: {exc}") from exc


# Fields a request may hold beyond its dataset's graphs (query or update, format, output,
# linebreaks, using-…): a form of more is refused before any is split and decoded, which a
# 1 MB form of 500 000 empty fields made ~0.5 s of the event loop's CPU.
OTHER_FIELDS = 100


def _fields(encoded: str, where: str, max_graphs: int) -> dict[str, list[str]]:
    """The fields of a URL query string or form body; ProtocolError when they are more than
    ``max_graphs`` + :data:`OTHER_FIELDS`, or when a value's percent-escapes decode to no UTF-8
    (each bad byte read as U+FFFD would run another query)."""
    limit = max_graphs + OTHER_FIELDS
    if encoded.count("&") >= limit:  # as parse_qs counts them (it splits at & only)
        raise ProtocolError(
            400,
            f"the {where} has more than {limit} fields ([serve] max_dataset_graphs graphs and "
            f"{OTHER_FIELDS} others)",
        )
    try:
        return parse_qs(encoded, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            400,
            f"the {where} is not UTF-8 once percent-decoded (byte 0x{exc.object[exc.start]:02x});"
            " percent-encode the query's UTF-8 bytes",
        ) from exc


def read_operation(
    method: str, query_string: str, content_type: str | None, body: bytes, max_graphs: int
) -> Operation:
    """The operation of one request to ``/sparql`` or ``/update``, naming at most
    ``max_graphs`` dataset graphs; raises ProtocolError."""
    params = _fields(query_string, "URL's query string", max_graphs)
    if method == "POST":
        media, charset = _media_type(content_type)
        text = _decoded(body, charset)
        if media == FORM:
            fields = _fields(text, "form body", max_graphs)
            if fields.get("linebreaks") == ["lf"]:  # a server's form (query_ui.action): the
                fields = {  # browser sent each LF as CRLF (HTML's form encoding): LF again
                    key: [v.replace("\r\n", "\n") for v in values] for key, values in fields.items()
                }
            for key, values in fields.items():
                params.setdefault(key, []).extend(values)
        elif media in (SPARQL_QUERY, SPARQL_UPDATE):
            key = "query" if media == SPARQL_QUERY else "update"
            if "query" in params or "update" in params:
                raise ProtocolError(400, f"an {media} body cannot come with query/update params")
            params[key] = [text]
        else:
            raise ProtocolError(
                415,
                f"unsupported Content-Type {media or '(none)'}; use {FORM}, "
                f"{SPARQL_QUERY} or {SPARQL_UPDATE}",
            )
    dataset_graphs_within(params, max_graphs)
    queries, updates = params.get("query", []), params.get("update", [])
    if len(queries) + len(updates) > 1:
        raise ProtocolError(400, "give exactly one query or one update per request")
    if updates:
        if method != "POST":
            raise ProtocolError(400, "updates must be sent with POST")
        if any(p in params for p in USING_PARAMS):
            raise ProtocolError(400, "using-graph-uri / using-named-graph-uri are not supported")
        return Operation("update", updates[0], params=params)
    if queries:
        return Operation(
            "query",
            queries[0],
            graphs(params, "default-graph-uri"),
            graphs(params, "named-graph-uri"),
            params,
        )
    return Operation("none", params=params)


@dataclass(frozen=True)
class Wanted:
    """The negotiated formats: for SELECT/ASK results and for graphs; ``html`` for browsers."""

    results: str | None
    graph: str | None
    html: bool = False


def negotiate(accept: str | None, params: Mapping[str, list[str]] | None) -> Wanted:
    """Formats from ``format``/``output`` (which win) or ``Accept``; ProtocolError when the
    parameter names no known format, or two (which one the client wants is not known)."""
    given = [v for name in ("format", "output") for v in (params or {}).get(name, [])]
    named = {v.strip().lower() for v in given}
    if len(named) > 1:
        raise ProtocolError(
            400, f"format/output name more than one format: {', '.join(map(repr, given))}"
        )
    chosen = next(iter(named), None)
    if chosen is not None:
        if chosen == "html":
            return Wanted("application/sparql-results+json", "text/turtle", html=True)
        if chosen not in FORMAT_PARAM:
            known = ", ".join(k for k in FORMAT_PARAM if "/" not in k)
            raise ProtocolError(400, f"format={chosen!r}: choose one of {known}, html")
        results, graph = FORMAT_PARAM[chosen]
        return Wanted(results, graph)
    if prefers_html(accept):
        return Wanted("application/sparql-results+json", "text/turtle", html=True)
    results = choose(accept, list(RESULT_OFFERS))
    graph = choose(accept, list(GRAPH_OFFERS))
    return Wanted(
        RESULT_OFFERS[results] if results else None, GRAPH_OFFERS[graph] if graph else None
    )


def wants_description(accept: str | None) -> str | None:
    """The RDF type to send a service description in, when the client takes RDF (or ``*/*``)."""
    ranges = parse_accept(accept)
    if quality(ranges, HTML) > 0 and prefers_html(accept):
        return None
    chosen = choose(
        accept,
        [
            "text/turtle",
            "application/n-triples",
            "application/rdf+xml",
            "application/ld+json",
            "text/plain",
        ],
    )
    return GRAPH_OFFERS.get(chosen) if chosen else None

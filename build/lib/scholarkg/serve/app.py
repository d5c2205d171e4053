"""The HTTP server: routes, the request handler, and ``make_server`` / ``run_server``.

Routes: ``/`` (landing page), ``/sparql`` and ``/query`` (SPARQL 1.1 Protocol, query UI for
browsers), ``/update`` (SPARQL Update, 403 unless allowed), ``<path_prefix>…`` (the
instance IRIs under ``iri_base``, dereferenced), ``/describe?iri=`` (any IRI in the store).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pyoxigraph as ox

from scholarkg.iris import DEFAULT_BASE
from scholarkg.query import saved_queries
from scholarkg.serve import linked_data, pages, sparql_endpoint
from scholarkg.serve.conneg import HTML, Response, html_response, text_response
from scholarkg.serve.query_ui import SCRIPT_HASH
from scholarkg.store.base import GraphStore

log = logging.getLogger(__name__)

SPARQL_PATHS = ("/sparql", "/query")
UPDATE_PATH = "/update"
DESCRIBE_PATH = "/describe"
MAX_BODY = 8 * 1024 * 1024
# Pages load nothing from elsewhere; the only script allowed is the query page's own.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src '{SCRIPT_HASH}'; connect-src 'self'; form-action 'self'; base-uri 'none'"
)

TOP_PEOPLE = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?person (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?paper skg:hasAuthorship/skg:author ?person .
  OPTIONAL { ?person foaf:name ?name }
} GROUP BY ?person ORDER BY DESC(?papers) ?label LIMIT 10"""
COUNTS = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
SELECT (COUNT(DISTINCT ?paper) AS ?papers) (COUNT(DISTINCT ?person) AS ?people) WHERE {
  { ?paper a skg:Paper } UNION { ?person a skg:Person }
}"""


@dataclass(frozen=True)
class ServeConfig:
    """How the server maps IRIs to paths and whether it accepts SPARQL Update."""

    iri_base: str = DEFAULT_BASE
    path_prefix: str = "/id/"
    allow_updates: bool = False
    max_body: int = MAX_BODY


class KnowledgeGraphServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one store and one configuration."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: GraphStore, config: ServeConfig) -> None:
        self.store = store
        self.config = config
        self.mapper = linked_data.IriMapper(config.iri_base, config.path_prefix)
        super().__init__(address, RequestHandler)

    @property
    def url(self) -> str:
        """The server's base URL (``http://host:port/``)."""
        host, port = str(self.server_address[0]), int(self.server_address[1])
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _first(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


class RequestHandler(BaseHTTPRequestHandler):
    """Routes GET, HEAD and POST requests; every response carries a Content-Length."""

    server: KnowledgeGraphServer
    protocol_version = "HTTP/1.1"
    server_version = "scholarkg"

    def do_GET(self) -> None:
        self._respond(self._safely(self._get))

    def do_HEAD(self) -> None:
        self._respond(self._safely(self._get), send_body=False)

    def do_POST(self) -> None:
        self._respond(self._safely(self._post))

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _safely(self, route: Callable[[], Response]) -> Response:
        try:
            return route()
        except Exception as exc:  # a bug or a store failure: answer 500, keep serving
            log.exception("error while answering %s %s", self.command, self.path)
            return text_response(500, f"internal error: {type(exc).__name__}: {exc}")

    def _sparql(self, method: str, body: bytes, *, update_path: bool) -> Response:
        url = urlsplit(self.path)
        request = sparql_endpoint.ProtocolRequest(
            method=method,
            params=parse_qs(url.query, keep_blank_values=True),
            content_type=self.headers.get("Content-Type"),
            body=body,
            accept=self.headers.get("Accept"),
        )
        config = self.server.config
        return sparql_endpoint.handle(
            self.server.store,
            request,
            update_path=update_path,
            allow_updates=config.allow_updates,
            iri_base=config.iri_base,
            path_prefix=config.path_prefix,
        )

    def _get(self) -> Response:
        url = urlsplit(self.path)
        path, params = url.path, parse_qs(url.query, keep_blank_values=True)
        accept = self.headers.get("Accept")
        if path in SPARQL_PATHS:
            return self._sparql("GET", b"", update_path=False)
        if path == UPDATE_PATH:
            return text_response(405, "SPARQL Update needs POST", Allow="POST")
        if path == "/":
            return html_response(200, self._landing())
        store, mapper = self.server.store, self.server.mapper
        if path == DESCRIBE_PATH:
            iri = _first(params, "iri")
            if not iri:
                return text_response(400, "give the IRI to describe: /describe?iri=…")
            here = f"{DESCRIBE_PATH}?iri={quote(iri, safe='')}&format="
            return linked_data.resource_response(
                store,
                mapper,
                iri,
                accept=accept,
                format_param=_first(params, "format"),
                page_url=lambda code: here + code,
            )
        iri = mapper.iri_for_path(path)
        if iri is None:
            return linked_data.not_found(accept, f"{path}: no such page")
        return linked_data.resource_response(
            store,
            mapper,
            iri,
            accept=accept,
            format_param=_first(params, "format"),
            page_url=lambda code: f"{path}?format={code}",
        )

    def _post(self) -> Response:
        path = urlsplit(self.path).path
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return text_response(411, "send the body with a Content-Length (no chunked encoding)")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.close_connection = True
            return text_response(411, "a POST needs a Content-Length")
        if length < 0 or length > self.server.config.max_body:
            self.close_connection = True
            return text_response(413, f"body larger than {self.server.config.max_body} bytes")
        body = self.rfile.read(length)
        if path in SPARQL_PATHS or path == UPDATE_PATH:
            return self._sparql("POST", body, update_path=path == UPDATE_PATH)
        return text_response(405, f"{path}: POST is only accepted on /sparql and /update")

    def _landing(self) -> str:
        store, mapper = self.server.store, self.server.mapper
        people = []
        result = store.query(TOP_PEOPLE)
        if isinstance(result, ox.QuerySolutions):
            for row in result:
                person, label, papers = row["person"], row["label"], row["papers"]
                if not isinstance(person, ox.NamedNode):
                    continue
                href = mapper.path_for_iri(person.value)
                href = href or f"{DESCRIBE_PATH}?iri={quote(person.value, safe='')}"
                name = label.value if label is not None else person.value
                people.append((href, name, int(papers.value) if papers is not None else 0))
        stats: dict[str, int] = {}
        counts = store.query(COUNTS)
        if isinstance(counts, ox.QuerySolutions):
            for row in counts:
                for name in ("papers", "people"):
                    term = row[name]
                    stats[name] = int(term.value) if term is not None else 0
        stats["named graphs"] = len(store.graph_names())
        stats["triples"] = store.quad_count()
        return pages.landing_page(people, saved_queries(), stats)

    def _respond(self, response: Response, *, send_body: bool = True) -> None:
        self.send_response(response.status)
        no_body = response.status in (204, 304)
        if not no_body:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if response.content_type.startswith(HTML):
            self.send_header("Content-Security-Policy", CSP)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if send_body and not no_body:
            self.wfile.write(response.body)


def make_server(
    store: GraphStore,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    iri_base: str = DEFAULT_BASE,
    path_prefix: str = "/id/",
    allow_updates: bool = False,
) -> ThreadingHTTPServer:
    """A server bound to ``host:port`` (0: any free port), not yet serving.

    ``path_prefix`` is the request path that stands for ``iri_base``: with the defaults,
    ``/id/person/x`` describes ``https://w3id.org/scholarkg/id/person/x``. With
    ``allow_updates`` the store must be writable (an ``EmbeddedStore`` opened read-write).
    """
    base = iri_base if iri_base.endswith("/") else iri_base + "/"
    prefix = "/" + path_prefix.strip("/") + "/" if path_prefix.strip("/") else "/"
    config = ServeConfig(base, prefix, allow_updates)
    return KnowledgeGraphServer((host, port), store, config)


def serve_forever(server: ThreadingHTTPServer) -> None:
    """Serve until interrupted (Ctrl-C), then close the listening socket."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def server_url(server: ThreadingHTTPServer) -> str:
    """``http://host:port/`` of a server made by :func:`make_server`."""
    if isinstance(server, KnowledgeGraphServer):
        return server.url
    host, port = str(server.server_address[0]), int(server.server_address[1])
    return f"http://{host}:{port}/"


def run_server(
    store: GraphStore,
    host: str = "127.0.0.1",
    port: int = 8000,
    iri_base: str = DEFAULT_BASE,
    allow_updates: bool = False,
    *,
    path_prefix: str = "/id/",
) -> None:
    """Print the URLs and serve until Ctrl-C (the caller closes the store afterwards)."""
    server = make_server(
        store,
        host=host,
        port=port,
        iri_base=iri_base,
        path_prefix=path_prefix,
        allow_updates=allow_updates,
    )
    url = server_url(server)
    mode = "updates allowed on /update" if allow_updates else "read-only"
    print(f"Serving the knowledge graph at {url} (SPARQL endpoint {url}sparql, {mode})")
    print("Press Ctrl-C to stop.", flush=True)
    serve_forever(server)

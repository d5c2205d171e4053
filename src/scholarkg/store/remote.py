"""A triple store behind SPARQL 1.1 HTTP endpoints (Oxigraph server, Fuseki, GraphDB, Virtuoso).

Reads go to the query endpoint (SPARQL 1.1 Protocol, ``POST`` form ``query=``); a named graph is
replaced with one request the server applies atomically: a Graph Store HTTP Protocol
``PUT <store>?graph=IRI`` (N-Triples body), or, with ``replace_via="update"``, one SPARQL Update
request ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }`` (SPARQL 1.1 Update: a request
SHOULD be treated atomically).

``query(union=True)`` asks for the default graph to be the union of the named graphs with a
protocol parameter chosen by ``server`` (see :data:`UNION_PARAMS`); the query text is never
rewritten. ``server="oxigraph"`` sends ``union-default-graph`` (``oxigraph serve``),
``"fuseki"`` sends ``default-graph-uri=urn:x-arq:UnionGraph`` (Jena dynamic datasets; named
graphs are then not visible to ``GRAPH ?g``, so prefer ``tdb2:unionDefaultGraph true`` on the
dataset and ``server="generic"``), ``"graphdb"`` and ``"virtuoso"`` send nothing because their
default graph already is the union of all graphs, and ``"generic"`` sends nothing: configure the
server so that its default graph is the union. Start ``oxigraph serve`` without
``--union-default-graph``: the client asks per query, and with that flag ``union=False`` and
:meth:`SparqlStore.quad_count` would see the named graphs in the default graph too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, get_args

import pyoxigraph as ox
from rdflib import Graph, URIRef

from scholarkg.config import ReplaceVia, StoreConfig
from scholarkg.errors import ConfigError, LoadError, QueryError
from scholarkg.store.answer_charset import as_utf8, declared_charset
from scholarkg.store.answer_rows import read_results
from scholarkg.store.answer_stream import AnswerReader, Tally, recoded, stream_rows
from scholarkg.store.base import ClosingStore
from scholarkg.store.endpoint_failures import answered_status
from scholarkg.store.endpoint_http import EndpointSession
from scholarkg.store.endpoint_urls import refuse_credentials, safe_url
from scholarkg.store.patch import GraphPatch, patch_update
from scholarkg.store.sparql_text import graph_sizes_query, iri_ref

UNION_PARAMS: Mapping[str, Mapping[str, str]] = {
    "oxigraph": {"union-default-graph": ""},
    "fuseki": {"default-graph-uri": "urn:x-arq:UnionGraph"},
    "graphdb": {},
    "virtuoso": {},
    "generic": {},
}
# Servers whose plain default graph is stored apart from the named graphs (counted in quad_count).
SEPARATE_DEFAULT_GRAPH = {"oxigraph", "fuseki"}
REPLACE_VIA: tuple[str, ...] = get_args(ReplaceVia)
_ACCEPT = (
    "application/sparql-results+json,application/n-triples;q=0.9,"
    "application/sparql-results+xml;q=0.5,text/turtle;q=0.5"
)

_SELECT_ACCEPT = "application/sparql-results+json,application/sparql-results+xml;q=0.5"


_TOO_LARGE = 413  # Content Too Large: the server applied none of the request
_STORE = StoreConfig()  # the defaults: [store] timeouts, request_deadline, max_answer_bytes


class SparqlStore(ClosingStore):
    """A :class:`~scholarkg.store.base.GraphStore` on SPARQL 1.1 Protocol / Update / GSP endpoints.

    Only ``query_url`` is needed to read; writes need ``store_url`` or ``update_url``, and
    ``replace_via`` chooses between them when both are given (see :meth:`puts`).
    Credentials (``user``, ``password``; a URL holding some is refused) are sent as HTTP
    basic auth.
    ``timeout`` bounds each read, ``total_timeout`` each request in all, ``max_answer_bytes``
    the answer read; a stop request (SIGTERM) cuts a request under way. ``timeouts`` (connect,
    read, whole request) and ``max_answer_bytes`` say what it was given, for a worker process
    that opens its own connection with the same limits.
    """

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        store_url: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        server: str = "oxigraph",
        replace_via: str = "put",
        timeout: float = _STORE.read_timeout,
        connect_timeout: float = _STORE.connect_timeout,
        total_timeout: float = _STORE.request_deadline,
        max_answer_bytes: int = _STORE.max_answer_bytes,
    ) -> None:
        if server not in UNION_PARAMS:
            raise ConfigError(
                f"unknown SPARQL server kind {server!r}; one of {sorted(UNION_PARAMS)}"
            )
        if replace_via not in REPLACE_VIA:
            raise ConfigError(f"replace_via must be one of {REPLACE_VIA}, not {replace_via!r}")
        if not query_url:
            raise ConfigError("a SPARQL store needs a query endpoint URL")
        refuse_credentials("query_url", query_url)
        refuse_credentials("update_url", update_url)
        refuse_credentials("store_url", store_url)
        self.query_url = query_url
        self.update_url = update_url or None
        self.store_url = store_url or None
        self.server = server
        self.replace_via = replace_via
        self.timeouts = (connect_timeout, timeout, total_timeout)  # connect, read, whole request
        self.max_answer_bytes = max_answer_bytes
        self._too_large: int | None = None  # bytes of the smallest update refused with 413
        self._http = EndpointSession(
            user,
            password,
            timeout=timeout,
            connect_timeout=connect_timeout,
            total_timeout=total_timeout,
            max_answer_bytes=max_answer_bytes,
        )

    @classmethod
    def for_oxigraph(cls, base_url: str, **kwargs: Any) -> SparqlStore:
        """The `/query`, `/update` and `/store` endpoints of `oxigraph serve` at ``base_url``."""
        base = base_url.rstrip("/")
        kwargs.setdefault("server", "oxigraph")
        return cls(f"{base}/query", f"{base}/update", f"{base}/store", **kwargs)

    @property
    def credentials(self) -> tuple[str | None, str | None]:
        """User and password, for a worker process that opens its own connection."""
        return self._http.credentials

    def __repr__(self) -> str:
        return (
            f"SparqlStore(query_url={safe_url(self.query_url)!r}, server={self.server!r}, "
            f"replace_via={self.replace_via!r})"
        )

    def close(self) -> None:
        self._http.close()

    def update(self, sparql: str) -> None:
        """Send one SPARQL Update request (the server applies it atomically)."""
        if self.update_url is None:
            raise LoadError(f"{self!r}: no SPARQL Update endpoint configured")
        self._http.send(
            "POST",
            self.update_url,
            error=LoadError,
            what="SPARQL update",
            data=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    # -- writes --------------------------------------------------------------------------------

    def replace_graph(self, iri: URIRef | str, graph: Graph) -> None:
        """Replace named graph ``iri`` with ``graph`` in one atomic request."""
        self.replace_graph_ntriples(iri, graph.serialize(format="nt"))

    def replace_graph_ntriples(self, iri: URIRef | str, ntriples: str) -> None:
        """Replace named graph ``iri`` with the N-Triples text ``ntriples``, atomically."""
        ref = iri_ref(iri)
        if not self.puts():
            self._send_patches([GraphPatch(str(iri), ntriples)])  # DROP SILENT + INSERT DATA
            return
        assert self.store_url is not None  # puts
        self._http.send(
            "PUT",
            self.store_url,
            error=LoadError,
            what=f"replace graph {ref}",
            params={"graph": str(iri)},
            data=ntriples.encode("utf-8"),
            headers={"Content-Type": "application/n-triples"},
        )

    def puts(self) -> bool:
        """Whether graphs are replaced with Graph Store ``PUT`` requests: ``replace_via="put"``
        with a Graph Store endpoint, or the only write endpoint there is; else with updates."""
        return self.store_url is not None and (self.replace_via == "put" or self.update_url is None)

    def replace_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        """Several graphs: one Graph Store request per graph (see :meth:`puts`), else one
        SPARQL Update request (atomic on the server)."""
        if self.puts():
            for iri, ntriples in graphs:
                if ntriples:
                    self.replace_graph_ntriples(iri, ntriples)
                else:
                    self._drop(iri)
            return
        self._send_patches([GraphPatch(iri, ntriples) for iri, ntriples in graphs])

    def _drop(self, iri: str) -> None:
        """Drop graph ``iri`` (one not held is no error): ``DROP SILENT`` with an update
        endpoint, else a Graph Store ``DELETE``, whose 404 means it is already gone."""
        if self.update_url is not None:
            self.update(f"DROP SILENT GRAPH {iri_ref(iri)}")
            return
        if self.store_url is None:
            raise LoadError(f"{self!r}: no Graph Store endpoint configured")
        try:
            self._http.send(
                "DELETE",
                self.store_url,
                error=LoadError,
                what=f"drop graph {iri_ref(iri)}",
                params={"graph": iri},
            )
        except LoadError as exc:
            if answered_status(exc) != 404:
                raise

    def patch_graphs(self, patches: Sequence[GraphPatch]) -> None:
        """Several graphs' new content: with a SPARQL Update endpoint, one request (atomic on
        the server) writing only their differences where the patches know them; without one,
        each graph replaced by a Graph Store request."""
        if self.update_url is None:
            self.replace_graphs([(patch.iri, patch.ntriples) for patch in patches])
            return
        self._send_patches(list(patches))

    def _send_patches(self, patches: list[GraphPatch]) -> None:
        """One update of ``patches``; one the server refuses as too large (HTTP 413: it
        applied none of it) is sent again as two halves, and so on down to one graph a
        request. Updates as large as one refused are split before they are sent."""
        if self.update_url is None:  # and no Graph Store endpoint (puts): read-only
            raise LoadError(f"{self!r}: no write endpoint configured (store_url, update_url)")
        update = patch_update(patches)
        if not update:
            return
        size = len(update.encode("utf-8"))
        if len(patches) > 1 and self._too_large is not None and size >= self._too_large:
            self._send_halves(patches)
            return
        try:
            self.update(update)
        except LoadError as exc:
            if answered_status(exc) != _TOO_LARGE:
                raise
            self._too_large = min(size, self._too_large or size)
            if len(patches) == 1:
                raise LoadError(
                    f"{exc} (one graph's update of {size} bytes: raise the server's limit on "
                    "the size of a request)"
                ) from exc
            self._send_halves(patches)

    def _send_halves(self, patches: list[GraphPatch]) -> None:
        half = len(patches) // 2
        self._send_patches(patches[:half])
        self._send_patches(patches[half:])

    # -- reads ---------------------------------------------------------------------------------

    def graph_sizes(self, iris: Sequence[str]) -> dict[str, int]:
        sizes: dict[str, int] = {}
        for start in range(0, len(iris), 200):
            rows = self._select(
                graph_sizes_query([_read_ref(i) for i in iris[start : start + 200]])
            )
            for row in rows:
                graph, count = row["g"], row["n"]
                if isinstance(graph, ox.NamedNode) and isinstance(count, ox.Literal):
                    sizes[graph.value] = int(count.value)
        return sizes

    def query(
        self,
        sparql: str,
        *,
        union: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query; ``union=True``: the default graph is the union of named graphs.
        ``default_graphs`` / ``named_graphs`` (either one) define the dataset instead, sent as
        the protocol's ``default-graph-uri`` / ``named-graph-uri``."""
        form = self._form(sparql, union, default_graphs, named_graphs)
        response = self._http.send(
            "POST",
            self.query_url,
            error=QueryError,
            what="SPARQL query",
            data=form,
            headers={"Accept": _ACCEPT},
        )
        content_type = response.headers.get("Content-Type", "")
        media_type = content_type.split(";")[0].strip().lower()
        body = as_utf8(response.content, content_type, safe_url(self.query_url))
        try:
            rdf_format = ox.RdfFormat.from_media_type(media_type) if media_type else None
            if rdf_format is not None:
                return _as_query_triples(body, rdf_format)
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
            if results_format is None:
                raise QueryError(
                    f"{safe_url(self.query_url)}: unexpected response type {media_type!r}"
                )
            return read_results(body, results_format, safe_url(self.query_url))
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"{safe_url(self.query_url)}: unreadable results: {exc}") from exc

    def _form(
        self,
        sparql: str,
        union: bool,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> list[tuple[str, str]]:
        """The protocol's form for ``sparql``: the dataset asked for, or the union."""
        form: list[tuple[str, str]] = [("query", sparql)]
        if default_graphs is not None or named_graphs is not None:
            form += [("default-graph-uri", g) for g in default_graphs or ()]
            form += [("named-graph-uri", g) for g in named_graphs or ()]
        elif union:
            form += list(UNION_PARAMS[self.server].items())
        return form

    def select_rows(self, sparql: str, *, union: bool = True) -> StreamedRows:
        """The rows of a ``SELECT`` as its answer arrives, never held whole (an export's read,
        of any size): see :meth:`EndpointSession.stream` for its limits. ``union`` as in
        :meth:`query`."""
        return StreamedRows(self, sparql, union)

    def _rows(self, sparql: str, union: bool, tally: list[Tally]) -> Iterator[ox.QuerySolution]:
        where = safe_url(self.query_url)
        with self._http.stream(
            "POST",
            self.query_url,
            error=QueryError,
            what="SPARQL query",
            data=self._form(sparql, union),
            headers={"Accept": _SELECT_ACCEPT},
        ) as answer:
            tally.append(answer.tally)
            content_type = answer.headers.get("Content-Type", "")
            media_type = content_type.split(";")[0].strip().lower()
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
            if results_format is None:
                raise QueryError(f"{where}: unexpected response type {media_type!r}")
            charset = declared_charset(content_type) or "utf-8"
            body = AnswerReader(recoded(answer.body, charset, where), answer.tally)
            yield from stream_rows(body, results_format, where)

    def _select(self, sparql: str) -> ox.QuerySolutions:
        result = self.query(sparql, union=False)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(f"{safe_url(self.query_url)}: expected SELECT results")
        return result

    def iter_graph_names(self) -> Iterator[str]:
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
        return (row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode))

    def triples_in(self, iri: URIRef | str) -> set[tuple[str, str, str]]:
        """The triples of one named graph, as N-Triples term strings (for comparisons)."""
        rows = self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {_read_ref(iri)} {{ ?s ?p ?o }} }}")
        return {(str(row["s"]), str(row["p"]), str(row["o"])) for row in rows}

    def quad_count(self) -> int:
        """Quads in the named graphs, plus the stored default graph where it is kept apart."""
        total = _count(self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        if self.server in SEPARATE_DEFAULT_GRAPH:
            total += _count(self._select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        return total


def _read_ref(iri: URIRef | str) -> str:
    try:
        return iri_ref(iri)
    except LoadError as exc:
        raise QueryError(str(exc)) from exc


def _count(rows: ox.QuerySolutions) -> int:
    for row in rows:
        value = row["n"]
        if isinstance(value, ox.Literal):
            return int(value.value)
    return 0


def _as_query_triples(body: bytes, rdf_format: ox.RdfFormat) -> ox.QueryTriples:
    """CONSTRUCT/DESCRIBE results as :class:`pyoxigraph.QueryTriples`, like the embedded store."""
    scratch = ox.Store()
    scratch.load(body, format=rdf_format)
    result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result


class StreamedRows:
    """A ``SELECT``'s rows, read from the server as they are iterated (once); ``tally``: the
    answer's bytes read so far and the most held at once."""

    def __init__(self, store: SparqlStore, sparql: str, union: bool) -> None:
        self._tallies: list[Tally] = []
        self._rows = store._rows(sparql, union, self._tallies)

    def __iter__(self) -> Iterator[ox.QuerySolution]:
        return self._rows

    @property
    def tally(self) -> Tally:
        return self._tallies[0] if self._tallies else Tally()

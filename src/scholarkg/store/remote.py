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

from typing import Any, get_args

from scholarkg.config import ReplaceVia, StoreConfig
from scholarkg.errors import ConfigError
from scholarkg.store.base import ClosingStore
from scholarkg.store.endpoint_http import EndpointSession
from scholarkg.store.endpoint_urls import refuse_credentials, safe_url
from scholarkg.store.remote_reads import UNION_PARAMS, SparqlReads
from scholarkg.store.remote_writes import SparqlWrites

REPLACE_VIA: tuple[str, ...] = get_args(ReplaceVia)
_STORE = StoreConfig()  # the defaults: [store] timeouts, request_deadline, max_answer_bytes


class SparqlStore(SparqlReads, SparqlWrites, ClosingStore):
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
        check_writes: bool = _STORE.check_writes,
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
        self.check_writes = check_writes  # each acknowledged write read back (_check_applied)
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

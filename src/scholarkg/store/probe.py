"""Whether a SPARQL server can be a run's store, asked before the run reads any source.

Requests that leave nothing changed: a query (``ASK {}``, with the ``Accept`` every query
sends); when an Update endpoint is configured, an update shaped as every write is (``INSERT
DATA { GRAPH <probe> { } }``, which inserts nothing); and when graphs are written with Graph
Store requests (``replace_via = "put"``, or no Update endpoint), an empty ``PUT`` of the probe
graph and its drop (``DROP SILENT`` with an Update endpoint, else a ``DELETE``). A store with no
write endpoint, or ``replace_via = "update"`` without an Update endpoint, is refused unasked.
A server that answers any
with an HTTP client error — it cannot answer in a format scholarkg reads (406), forbids
updates (403: a read-only endpoint such as ``scholarkg serve``), has no such endpoint or method
(404, 405), or rejects ``GRAPH`` in an update (400) — cannot be written by the run: one line
naming the server, what was asked and its answer, and the run does not start (before: every
source was read and validated, and each graph then went to the dead-letter folder, or the run
failed half-way). A server that cannot be reached, times out or fails (5xx) may be back in a
moment: the run goes on, and what it cannot load waits in the outbox for the next run.

A server whose default graph is to be kept apart from the named graphs (``server`` oxigraph or
fuseki) but that answers a named graph's triple from its default graph (``oxigraph serve
--union-default-graph``) is refused too: :meth:`SparqlStore.quad_count` would count every quad
twice, and the report with it. A store with no named graph yet cannot tell. A stop
(SIGTERM, SIGINT) while the server is asked ends the command before the run starts.
"""

from __future__ import annotations

import pyoxigraph as ox

from scholarkg.errors import ConfigError, LoadError, QueryError
from scholarkg.lifecycle import check_stop
from scholarkg.store.base import GraphStore
from scholarkg.store.endpoint_failures import answered_status
from scholarkg.store.endpoint_urls import safe_url
from scholarkg.store.remote import SparqlStore
from scholarkg.store.remote_reads import SEPARATE_DEFAULT_GRAPH

PROBE_GRAPH = "urn:x-scholarkg:probe"


def check_writable(store: GraphStore) -> None:
    """A one-line :class:`ConfigError` when ``store`` is a SPARQL server that answers it
    cannot take a run's queries or writes (see the module doc); nothing for another store."""
    if not isinstance(store, SparqlStore):
        return
    where = safe_url(store.query_url)
    if store.update_url is None and (store.store_url is None or store.replace_via == "update"):
        needed = "update_url" if store.store_url else "store_url or update_url"
        raise ConfigError(
            f"the SPARQL server at {where} cannot be this run's store: replace_via = "
            f"{store.replace_via!r} writes through [store] {needed}, which is not set"
        )
    try:
        store.query("ASK {}", union=False)
        if store.update_url is not None:
            store.update(f"INSERT DATA {{ GRAPH <{PROBE_GRAPH}> {{ }} }}")
        if store.puts():  # graphs written with PUT (and dropped): an empty graph, then none
            store.replace_graph_ntriples(PROBE_GRAPH, "")
            store.replace_graphs([(PROBE_GRAPH, "")])
        union = store.server in SEPARATE_DEFAULT_GRAPH and _default_is_union(store)
    except (LoadError, QueryError) as exc:
        check_stop()  # a stop asked for while it waited: the run does not start
        status = answered_status(exc)
        if status is not None and 400 <= status < 500:
            raise ConfigError(
                f"the SPARQL server at {where} cannot be this run's store: {exc}"
            ) from exc
        return
    if union:
        raise ConfigError(
            f"the SPARQL server at {where} shows its named graphs in its default graph (an "
            f"`oxigraph serve --union-default-graph`?), where [store] server = "
            f"{store.server!r} keeps them apart: every count of the store would count them "
            "twice; serve it without that setting, or set [store] server = 'generic'"
        )


def _default_is_union(store: SparqlStore) -> bool:
    """Whether a triple of a named graph (one without blank nodes) is in the default graph as
    the server answers without a union parameter (scholarkg never writes the default graph)."""
    rows = store.query(
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) }"
        " LIMIT 1",
        union=False,
    )
    if not isinstance(rows, ox.QuerySolutions):
        return False
    for row in rows:
        triple = " ".join(str(row[name]) for name in ("s", "p", "o"))
        return bool(store.query(f"ASK {{ {triple} }}", union=False))
    return False

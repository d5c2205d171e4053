"""A SPARQL store's writes: graphs replaced by Graph Store PUT or one atomic SPARQL Update.

A graph write the server answers with success is checked with one query (of the graphs the
request wrote): each graph must hold as many quads as it was sent distinct triples, each dropped
must be gone. A server that acknowledges writes it does not apply (a read-only replica, a proxy
before the server that drops them) or applies otherwise (merged into what the graph held) fails
the write as the store's failure, never the graph's: the loaders keep what is left for the next
run (before: the run said ``ok``, counted the graphs written, and the person graphs among them
were never written again; and before the count was read, a rewrite of a graph already held
that the server did not apply passed, the old content being there). ``[store] check_writes =
false`` skips the check where the query endpoint lags behind the writes (a read replica)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef

from scholarkg.errors import LoadError, QueryError
from scholarkg.store.endpoint_failures import answered_status, mark_not_applied, mark_unanswered
from scholarkg.store.endpoint_http import EndpointSession
from scholarkg.store.endpoint_urls import safe_url
from scholarkg.store.patch import GraphPatch, patch_update
from scholarkg.store.sparql_text import distinct_triples, iri_ref

_TOO_LARGE = 413  # Content Too Large: the server applied none of the request


class SparqlWrites:
    """The writes of :class:`~scholarkg.store.remote.SparqlStore`, to its update endpoint
    (``update_url``) or Graph Store endpoint (``store_url``), as ``replace_via`` chooses."""

    update_url: str | None
    store_url: str | None
    replace_via: str
    check_writes: bool
    _too_large: int | None  # bytes of the smallest update refused with 413
    _http: EndpointSession

    if TYPE_CHECKING:

        def graph_sizes_at_once(self, iris: Sequence[str]) -> dict[str, int]: ...

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
        self._check_applied(self.store_url, f"replace graph {ref}", {str(iri): ntriples})

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
            self._check_applied(self.update_url, "SPARQL update", {iri: ""})
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
        self._check_applied(self.store_url, f"drop graph {iri_ref(iri)}", {iri: ""})

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
            return
        self._check_applied(self.update_url, "SPARQL update", {p.iri: p.ntriples for p in patches})

    def _send_halves(self, patches: list[GraphPatch]) -> None:
        half = len(patches) // 2
        self._send_patches(patches[:half])
        self._send_patches(patches[half:])

    def _check_applied(self, url: str, what: str, written: Mapping[str, str]) -> None:
        """After a write answered with success: each graph of ``written`` holding as many quads
        as its N-Triples text has distinct triples (none: dropped), read in one query; else a
        :class:`LoadError`, marked as not applied, naming the endpoint, a graph and its count.
        A query that fails meanwhile leaves the write's effect unknown: marked as unanswered.
        Not made when ``[store] check_writes`` is false (a query endpoint that lags behind the
        writes: a read replica)."""
        if not self.check_writes:
            return
        try:
            held = self.graph_sizes_at_once(list(written))
        except QueryError as exc:
            raise mark_unanswered(
                LoadError(f"{safe_url(url)}: {what}: answered, but not checked: {exc}")
            ) from exc
        wrong = [
            (iri, sent, held.get(iri, 0))
            for iri, sent in ((iri, distinct_triples(text)) for iri, text in written.items())
            if held.get(iri, 0) != sent
        ]
        if not wrong:
            return
        iri, sent, holds = wrong[0]
        said = f"holds {_quads(holds)} in graph {iri_ref(iri)}"
        said += f" instead of the {sent} it was sent" if sent else " it was told to drop"
        others = f" (and {len(wrong) - 1} more of the {len(written)} graphs)" if wrong[1:] else ""
        raise mark_not_applied(
            LoadError(
                f"{safe_url(url)}: {what}: answered with success, but the server {said}"
                f"{others}: it does not apply the writes it acknowledges (a read-only replica, "
                "or a proxy before the server?)"
            )
        )


def _quads(count: int) -> str:
    return f"{count} quad" if count == 1 else f"{count} quads"

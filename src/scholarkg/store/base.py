"""The interface every triple store backend offers to the pipeline and to queries."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self, runtime_checkable

import pyoxigraph as ox
from rdflib import Graph, URIRef

if TYPE_CHECKING:
    from scholarkg.store.patch import GraphPatch

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@runtime_checkable
class GraphStore(Protocol):
    """A place named graphs are loaded into and queried from.

    Every backend replaces a named graph atomically (readers see the old or the new version,
    never a mix) and raises :class:`scholarkg.errors.LoadError` when it is locked, unreachable
    or refuses a request, and :class:`scholarkg.errors.QueryError` for a failed query.
    """

    def replace_graph(self, iri: URIRef | str, graph: Graph) -> None: ...

    def replace_graph_ntriples(self, iri: URIRef | str, ntriples: str) -> None: ...

    def replace_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        """Replace several graphs (IRI, N-Triples; empty text drops the graph) in as few
        atomic steps as the store allows; each graph is always old or new, never half."""
        ...

    def patch_graphs(self, patches: Sequence[GraphPatch]) -> None:
        """As :meth:`replace_graphs`, writing only each graph's difference from what the store
        holds where the patch knows it and the store can (:mod:`scholarkg.store.patch`)."""
        ...

    def graph_sizes(self, iris: Sequence[str]) -> dict[str, int]:
        """Quads held in each of these named graphs (absent graphs are left out)."""
        ...

    def graph_names(self) -> set[str]: ...

    def iter_graph_names(self) -> Iterator[str]:
        """The named graphs' IRIs one at a time (for stores with very many graphs)."""
        ...

    def triples_in(self, iri: URIRef | str) -> set[tuple[str, str, str]]: ...

    def quad_count(self) -> int: ...

    def query(self, sparql: str, *, union: bool = True) -> QueryResult: ...

    def close(self) -> None: ...


class ClosingStore:
    """``with store:`` for every backend: closes the store on the way out."""

    def close(self) -> None:
        raise NotImplementedError

    def iter_graph_names(self) -> Iterator[str]:
        raise NotImplementedError

    def graph_names(self) -> set[str]:
        return set(self.iter_graph_names())

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

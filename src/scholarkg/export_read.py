"""What a dump reads from a store: its quads (every named graph, one, or all but those left
out) or the triples of one graph or of the union of the named graphs, duplicates removed.
An embedded store is read natively (:func:`native_store`); a SPARQL server's store with
``SELECT`` answers parsed as they arrive (its ``select_rows``: never held whole, any size), in
the embedded store's order, so both give the same bytes; any other :class:`QueryableStore`
with SPARQL (``SELECT`` quads, ``CONSTRUCT`` triples)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from hashlib import blake2b
from typing import Protocol, cast

import pyoxigraph as ox

from scholarkg.errors import ExportError
from scholarkg.store.sparql_text import iri_ref


class QueryableStore(Protocol):
    """What :func:`~scholarkg.export.export_dump` needs from a store (every GraphStore offers
    it)."""

    def graph_names(self) -> set[str]: ...

    def query(
        self, sparql: str, *, union: bool = True
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples: ...


def native_store(store: object) -> ox.Store | None:
    """The pyoxigraph store inside an embedded store (streamed natively), else ``None``."""
    inner = getattr(store, "native", None)
    return inner if isinstance(inner, ox.Store) else None


def _streamed(
    store: QueryableStore, sparql: str, *, union: bool
) -> Iterable[ox.QuerySolution] | None:
    """The rows of ``sparql`` as a server's answer arrives (a SPARQL server's store, whose
    ``select_rows`` reads it so), else ``None``."""
    select_rows = getattr(store, "select_rows", None)
    if select_rows is None:
        return None
    return cast("Iterable[ox.QuerySolution]", select_rows(sparql, union=union))


def _solutions(store: QueryableStore, sparql: str, *, union: bool) -> ox.QuerySolutions:
    result = store.query(sparql, union=union)
    if not isinstance(result, ox.QuerySolutions):
        raise ExportError("the store did not answer a SELECT query with solutions")
    return result


def _not_in(exclude: Collection[str]) -> str:
    """A FILTER leaving the graphs ``exclude`` names out of ``?g`` (nothing when empty)."""
    if not exclude:
        return ""
    return f"FILTER (?g NOT IN ({', '.join(iri_ref(g) for g in sorted(exclude))}))"


def store_quads(
    store: QueryableStore, graph: str | None, exclude: Collection[str] = ()
) -> Iterable[ox.Quad]:
    """The quads of every named graph (or of ``graph``), but those of the graphs ``exclude``
    names."""
    native = native_store(store)
    if native is not None:
        name = None if graph is None else ox.NamedNode(graph)
        quads = native.quads_for_pattern(None, None, None, name)
        if not exclude:
            return quads
        left = {ox.NamedNode(g) for g in exclude}
        return (q for q in quads if q.graph_name not in left)
    where = f"GRAPH ?g {{ ?s ?p ?o }} {_not_in(exclude)}"
    if graph is not None:
        where = f"GRAPH ?g {{ ?s ?p ?o }} FILTER (?g = {iri_ref(graph)})"
    sparql = f"SELECT ?s ?p ?o ?g WHERE {{ {where} }}"
    rows = _streamed(store, sparql, union=False) or _solutions(store, sparql, union=False)
    return (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)


def _first_of_each(rows: Iterable[ox.QuerySolution]) -> Iterator[ox.Triple]:
    """The triples of these ``?s ?p ?o`` rows, each the first time it comes: the order and the
    triples of Oxigraph's ``SELECT DISTINCT`` of the same pattern, which kept every triple it
    had given (501 MB for the 10k bench store's union, 587 136 triples). Kept here is a 16-byte
    digest of each (its N-Triples text, one text per term), 156 MB for the same union."""
    seen: set[bytes] = set()
    for row in rows:
        triple = ox.Triple(row[0], row[1], row[2])
        digest = blake2b(str(triple).encode(), digest_size=16).digest()
        if digest not in seen:
            seen.add(digest)
            yield triple


def store_triples(
    store: QueryableStore, graph: str | None, exclude: Collection[str] = ()
) -> Iterable[ox.Triple]:
    """The triples of ``graph``, or of the union of the named graphs but those ``exclude``
    names, each once. One graph of an embedded store is read with its quad iterator, in the
    order its ``CONSTRUCT`` gave: a graph holds each triple once, and the ``CONSTRUCT`` kept
    every triple it had given in memory to give it once (850 MB for a graph of 1 M literals,
    the dump's other memory 130 MB). The union of an embedded store's graphs is a streamed
    ``SELECT`` whose duplicates are removed by :func:`_first_of_each`; so is a SPARQL
    server's, and its one graph a streamed ``SELECT`` (before: ``CONSTRUCT`` answers read
    whole into a scratch store, whose order gave other Turtle and JSON-LD bytes)."""
    native = native_store(store)
    if graph is not None and native is not None:
        quads = native.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        return (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    if graph is not None:  # a SPARQL server's graph, its answer streamed
        sparql = f"SELECT ?s ?p ?o WHERE {{ GRAPH {iri_ref(graph)} {{ ?s ?p ?o }} }}"
        rows = _streamed(store, sparql, union=False)
        if rows is not None:
            return (ox.Triple(r[0], r[1], r[2]) for r in rows)
    if graph is None:  # the union, duplicates removed here: see _first_of_each
        where = f"GRAPH ?g {{ ?s ?p ?o }} {_not_in(exclude)}" if exclude else "?s ?p ?o"
        sparql = f"SELECT ?s ?p ?o WHERE {{ {where} }}"
        if native is not None:
            return _first_of_each(_solutions(store, sparql, union=not exclude))
        rows = _streamed(store, sparql, union=not exclude)
        if rows is not None:
            return _first_of_each(rows)
    if graph is None and exclude:
        where = f"GRAPH ?g {{ ?s ?p ?o }} {_not_in(exclude)}"
        sparql = (
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }} }}"
        )
        result = store.query(sparql, union=False)
    elif graph is None:
        # DISTINCT: a triple stated in several graphs appears once in the union. No ORDER BY:
        # sorting is very slow in Oxigraph, and its index order already groups subjects.
        sparql = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        result = store.query(sparql, union=True)
    else:
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_ref(graph)} {{ ?s ?p ?o }} }}"
        result = store.query(sparql, union=False)
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        raise ExportError("the store did not answer a CONSTRUCT query with triples")
    return result

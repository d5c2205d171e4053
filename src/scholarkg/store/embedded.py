"""Embedded on-disk Oxigraph store (pyoxigraph): the default, no server to start."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from scholarkg.errors import LoadError, QueryError
from scholarkg.sqlite_in import batches
from scholarkg.store import served
from scholarkg.store.base import ClosingStore
from scholarkg.store.foreign import check_not_foreign
from scholarkg.store.location import check_store_path
from scholarkg.store.patch import GraphPatch, patch_update
from scholarkg.store.reading import cannot_open, open_read_only
from scholarkg.store.sparql_text import graph_sizes_query, insert_data_block, iri_ref


class EmbeddedStore(ClosingStore):
    """A pyoxigraph store on disk. Only one process may open it read-write at a time."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._lease: served.Lease | None = None
        if read_only:  # what is not (yet) a store is said so: see store.reading
            self._store = open_read_only(self.path)
            return
        if self.path.exists() and not self.path.is_dir():  # RocksDB: 'File exists', as a lock
            check_store_path(self.path)
        check_not_foreign(self.path)  # RocksDB would make an empty store among it
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # no lock is involved: say what it is
            raise LoadError(f"{self.path}: cannot create the store directory ({exc})") from exc
        try:
            self._store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB found damage, or a race
            raise cannot_open(self.path, exc) from exc

    @classmethod
    def published(cls, path: Path) -> EmbeddedStore:
        """The state the last run (or update) left, read-only: the store's current checkpoint,
        held until closed (:mod:`scholarkg.store.served`), or the store itself without one."""
        held = served.lease(Path(path))
        if held is None:
            return cls(path, read_only=True)
        try:
            store = cls(held.checkpoint, read_only=True)
        except BaseException:
            held.release()
            raise
        store._lease = held
        return store

    def close(self) -> None:
        if hasattr(self, "_store"):
            if not self.read_only:
                with contextlib.suppress(OSError):
                    self._store.flush()
            del self._store
        if self._lease is not None:
            self._lease.release()
            self._lease = None

    def replace_graph(self, iri: URIRef | str, graph: Graph) -> None:
        """Replace named graph ``iri`` with ``graph`` in one transaction: old or new, never half."""
        self.replace_graph_ntriples(iri, graph.serialize(format="nt"))

    def replace_graph_ntriples(self, iri: URIRef | str, ntriples: str) -> None:
        """Replace named graph ``iri`` with the N-Triples text ``ntriples``, atomically."""
        update = f"DROP SILENT GRAPH {iri_ref(iri)} ;\n{insert_data_block(iri, ntriples)}"
        try:
            self._store.update(update)
        except (OSError, SyntaxError, ValueError, MemoryError, RuntimeError) as exc:
            raise LoadError(f"{self.path}: cannot replace graph <{iri}>: {exc}") from exc

    def replace_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        """Replace several graphs in one transaction."""
        self.patch_graphs([GraphPatch(iri, ntriples) for iri, ntriples in graphs])

    def patch_graphs(self, patches: Sequence[GraphPatch]) -> None:
        """Write several graphs' new content in one transaction, only their differences where
        the patches know them."""
        update = patch_update(patches)
        if not update:
            return
        try:
            self._store.update(update)
        except (OSError, SyntaxError, ValueError, MemoryError, RuntimeError) as exc:
            raise LoadError(f"{self.path}: cannot replace {len(patches)} graphs: {exc}") from exc

    def graph_sizes(self, iris: Sequence[str]) -> dict[str, int]:
        """Quads per graph (graphs the store lacks are left out), counted inside Oxigraph, 500
        graphs a query: a re-run checks every graph of every chunk it skips, and counting
        quad by quad in Python read the whole store back (31 s of a 32 s re-run at 100 000
        records)."""
        sizes: dict[str, int] = {}
        refs: list[str] = []
        for iri in dict.fromkeys(iris):
            try:
                refs.append(iri_ref(iri))
            except LoadError:  # not writable into SPARQL: count it quad by quad
                node = ox.NamedNode(iri)
                count = sum(1 for _ in self._store.quads_for_pattern(None, None, None, node))
                if count:
                    sizes[iri] = count
        for part in batches(refs):
            rows = self._store.query(graph_sizes_query(part))
            assert isinstance(rows, ox.QuerySolutions)
            for graph, count in rows:
                sizes[graph.value] = int(count.value)
        return sizes

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store itself, for streaming dumps and bulk loads."""
        return self._store

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update in one transaction (the store must be open read-write)."""
        try:
            self._store.update(sparql)
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"SPARQL update failed: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise LoadError(f"{self.path}: SPARQL update failed: {exc}") from exc

    def iter_graph_names(self) -> Iterator[str]:
        return (g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def triples_in(self, iri: URIRef | str) -> set[tuple[str, str, str]]:
        """The triples of one named graph, as N-Triples term strings (for comparisons)."""
        quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(iri)))
        return {(str(q.subject), str(q.predicate), str(q.object)) for q in quads}

    def quad_count(self) -> int:
        return len(self._store)

    def query(
        self, sparql: str, *, union: bool = True
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query; by default the default graph is the union of named graphs."""
        try:
            return self._store.query(sparql, use_default_graph_as_union=union)
        except (SyntaxError, ValueError, OSError) as exc:
            raise QueryError(f"SPARQL query failed: {exc}") from exc

    def dump_nquads(self, graphs: Iterable[str] | None = None) -> bytes:
        """All quads (or those of ``graphs``) as N-Quads bytes."""
        if graphs is None:
            data = self._store.dump(format=ox.RdfFormat.N_QUADS)
            return data or b""
        chunks = []
        for iri in graphs:
            quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
            chunks.append(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
        return b"".join(chunks)

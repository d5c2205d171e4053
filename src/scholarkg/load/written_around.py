"""A store written around the loaders: SPARQL Update through ``serve --allow-updates`` changes
graphs in place, which :func:`~scholarkg.load.contents.reconcile` (graph names only) cannot see.

The server leaves a mark beside the store's manifest before each update; the next run then
publishes, first comparing every graph with what the manifest noted and noting again those that
differ (the dump and the VoID statistics come from the manifest), and removes the mark once
that is committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from scholarkg.errors import LoadError
from scholarkg.export_read import native_store
from scholarkg.load.blank_nodes import same_graph
from scholarkg.load.contents import Contents, bucket_of, take_from_store
from scholarkg.store.base import GraphStore
from scholarkg.transform import Triple

MARK = "written-around"
BATCH = 500


def mark_written_around(state_dir: Path) -> None:
    """Note that the store whose manifest lives in ``state_dir`` is about to be written around
    the loaders (before the write: a write that then fails costs the next run a re-read)."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        (state_dir / MARK).touch()
    except OSError as exc:
        raise LoadError(
            f"{state_dir / MARK}: cannot note the update for the next publication: {exc}"
        ) from exc


def written_around(state_dir: Path) -> bool:
    return (state_dir / MARK).exists()


def clear_written_around(state_dir: Path) -> None:
    (state_dir / MARK).unlink(missing_ok=True)


def reread(
    contents: Contents, store: GraphStore, *, excluded: set[str], side: set[str]
) -> set[int]:
    """Note again, as the store holds them, the graphs (but ``excluded``) whose content differs
    from what ``contents`` noted; returns their buckets. :data:`BATCH` graphs in memory at a
    time."""
    changed: set[int] = set()
    names = (iri for iri in store.iter_graph_names() if iri not in excluded)
    for iri in _differing(contents, store, names):
        take_from_store(contents, store, iri, counted=iri not in side)
        changed.add(bucket_of(iri))
    return changed


def _differing(contents: Contents, store: GraphStore, iris: Iterable[str]) -> Iterator[str]:
    """Of ``iris`` (streamed, :data:`BATCH` at a time), those whose noted N-Quads are not what
    the store holds (an embedded store: both serialised by Oxigraph and compared as lines),
    blank node labels aside (:func:`~scholarkg.load.blank_nodes.same_graph`)."""
    native, names = native_store(store), iter(iris)
    while batch := list(islice(names, BATCH)):
        noted = contents.nquads_of(batch)
        if native is None:
            for iri in batch:
                quads = ox.parse(noted.get(iri, b""), format=ox.RdfFormat.N_QUADS)
                held = {(str(q.subject), str(q.predicate), str(q.object)) for q in quads}
                if not same_graph(held, store.triples_in(iri)):
                    yield iri
            continue
        written = ox.Store()
        written.load(b"".join(noted.values()), format=ox.RdfFormat.N_QUADS)
        for iri in batch:
            graph = ox.NamedNode(iri)
            if _lines(native, graph) != _lines(written, graph) and not same_graph(
                _triples(native, graph), _triples(written, graph)
            ):  # loading the noted N-Quads named their blank nodes anew
                yield iri


def _triples(store: ox.Store, graph: ox.NamedNode) -> set[Triple]:
    quads = store.quads_for_pattern(None, None, None, graph)
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in quads}


def _lines(store: ox.Store, graph: ox.NamedNode) -> list[bytes]:
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)  # no output: bytes
    return sorted(data.splitlines()) if data else []

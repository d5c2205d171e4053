"""Graphs a killed run wrote after its manifest's last commit.

A bulk segment's graphs reach the store before its manifest rows are committed; a run killed in
between leaves graphs that name it as their origin while the manifest still holds the rows of
an earlier write. A row is trusted when the store holds its graph with the quads it notes, and a
graph patched to content of as many quads (a title changed) passed that check: the next load
took the old row for what the graph held, and its patch left the killed run's provenance
beside its own. :func:`retake_uncommitted` takes such rows again from the store, with the
contents of their SHACL report graphs (patched with them: the dump is made from the contents).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import PROV

from scholarkg.load.contents import take_from_store
from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import report_graph_iri
from scholarkg.sqlite_in import batches
from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref


def _naming(store: GraphStore, run_iri: str) -> list[str]:
    """The graphs of ``store`` that name ``run_iri`` as their origin."""
    query = (
        f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g {iri_ref(PROV.wasGeneratedBy)} {iri_ref(run_iri)} }} }}"
    )
    rows = store.query(query, union=False)
    return [
        row["g"].value
        for row in (rows if isinstance(rows, ox.QuerySolutions) else ())
        if isinstance(row["g"], ox.NamedNode)
    ]


def _split(manifest: Manifest, iris: list[str], run_iri: str) -> tuple[list[str], list[str]]:
    """Of ``iris`` the manifest knows, those whose rows ``run_iri`` committed (its provenance
    in the row's content) and those whose rows are of an earlier write."""
    mark = iri_ref(run_iri).encode()
    known = list(manifest.known(iris))
    held = manifest.contents.nquads_of(known)
    committed = [iri for iri in known if mark in held.get(iri, b"")]
    return committed, [iri for iri in known if mark not in held.get(iri, b"")]


def committed_by(manifest: Manifest, store: GraphStore, run_iri: str) -> tuple[int, int]:
    """(graphs, quads): the graphs that name ``run_iri`` (a run killed) and whose manifest rows
    it committed, and the quads the store holds in them, as those rows say, and in their SHACL
    report graphs, written with them (its graphs written after its last commit left out)."""
    graphs = quads = 0
    for part in batches(_naming(store, run_iri)):
        committed, _ = _split(manifest, part, run_iri)
        graphs += len(committed)
        quads += sum(q for _, q in manifest.known(committed).values())
        quads += sum(store.graph_sizes([report_graph_iri(iri) for iri in committed]).values())
    return graphs, quads


def retake_uncommitted(manifest: Manifest, store: GraphStore, run_iri: str) -> int:
    """Take again from ``store`` the manifest rows of the graphs that name ``run_iri`` (a run
    killed) as their origin where the row is of an earlier write, their digest left empty (no
    payload's: the next load writes the graph again, and no chunk of it counts as loaded), and
    the contents of their report graphs as the store holds them; committed. Returns how many."""
    retaken = 0
    for part in batches(_naming(store, run_iri)):
        _, stale = _split(manifest, part, run_iri)
        sizes = store.graph_sizes(stale)
        for iri in stale:  # its SHACL report graph was written with it: retaken too
            take_from_store(manifest.contents, store, iri, counted=True)
            take_from_store(manifest.contents, store, report_graph_iri(iri), counted=True)
        manifest.note_graphs([(iri, "", sizes.get(iri, 0)) for iri in stale])
        retaken += len(stale)
    manifest.commit()
    return retaken

"""Graphs a killed run wrote after its manifest's last commit.

A bulk segment's graphs reach the store before its manifest rows are committed; a run killed in
between leaves graphs that name it as their origin while the manifest still holds the rows of
an earlier write. A row is trusted when the store holds its graph with the quads it notes, and a
graph patched to content of as many quads (a title changed) passed that check: the next load
took the old row for what the graph held, and its patch left the killed run's provenance
beside its own. :func:`retake_uncommitted` takes such rows again from the store.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import PROV

from scholarkg.load.contents import take_from_store
from scholarkg.load.manifest import Manifest
from scholarkg.sqlite_in import batches
from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref


def retake_uncommitted(manifest: Manifest, store: GraphStore, run_iri: str) -> int:
    """Take again from ``store`` the manifest rows of the graphs that name ``run_iri`` (a run
    killed) as their origin where the row is of an earlier write, their digest left empty (no
    payload's: the next load writes the graph again, and no chunk of it counts as loaded);
    committed. Returns how many."""
    query = (
        f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g {iri_ref(PROV.wasGeneratedBy)} {iri_ref(run_iri)} }} }}"
    )
    rows = store.query(query, union=False)
    graphs = [
        row["g"].value
        for row in (rows if isinstance(rows, ox.QuerySolutions) else ())
        if isinstance(row["g"], ox.NamedNode)
    ]
    mark = iri_ref(run_iri).encode()
    retaken = 0
    for part in batches(graphs):
        known = list(manifest.known(part))
        held = manifest.contents.nquads_of(known)
        stale = [iri for iri in known if mark not in held.get(iri, b"")]
        sizes = store.graph_sizes(stale)
        for iri in stale:
            take_from_store(manifest.contents, store, iri, counted=True)
        manifest.note_graphs([(iri, "", sizes.get(iri, 0)) for iri in stale])
        retaken += len(stale)
    manifest.commit()
    return retaken

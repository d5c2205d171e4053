"""Blank-node labels in the published N-Quads dump, taken from the content they label.

A store names the blank nodes it holds as it likes (Oxigraph draws a random label for each blank
node an update inserts; a SPARQL server labels them per answer), so the ontology's blank nodes
(``owl:unionOf`` and its list, graph ``<base>graph/ontology``), noted from the store, came out
under new labels in every store: two runs over the same data published dumps that differed in
them. Before a publication the manifest's rows of the side graphs (ontology, category scheme)
are relabelled by W3C RDF Dataset Canonicalization (RDFC-1.0: ``_:c14n0``, ``_:c14n1`` …), so
the same graph always gives the same bytes. Instance graphs hold no blank nodes (their loaders
mint IRIs).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from scholarkg.load.contents import Contents, GraphStats, bucket_of


def canonical_nquads(quads: bytes) -> bytes:
    """These N-Quads with every blank node labelled by RDFC-1.0, the lines sorted (the order
    the rows of :mod:`scholarkg.load.contents` keep)."""
    dataset = ox.Dataset(ox.parse(quads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return b"".join(sorted(f"{quad} .\n".encode() for quad in dataset))


def label_blank_nodes(contents: Contents, graphs: Iterable[str]) -> set[int]:
    """Relabel the blank nodes of these graphs' rows in ``contents`` (see the module); returns
    the dump parts whose rows changed (none once they are labelled: the labels are stable)."""
    changed: set[int] = set()
    for iri, row in sorted(contents.nquads_of(sorted(set(graphs))).items()):
        if b"_:" not in row:
            continue
        labelled = canonical_nquads(row)
        if labelled != row:
            stats = GraphStats.of_quads(ox.parse(labelled, format=ox.RdfFormat.N_QUADS))
            contents.put(iri, labelled, stats, counted=False)
            changed.add(bucket_of(iri))
    return changed

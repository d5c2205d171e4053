"""The bulk loader's graphs that the store already holds: what each held before, read from
the manifest's contents row when the store holds the graph with the quads the manifest noted,
else from the store (:func:`held_before`); and the changed ones written as their difference
from that, their patches sent in requests of about a given size (:func:`write_changed`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

import pyoxigraph as ox

from scholarkg.load.contents import Contents, ntriples_of
from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import GraphPayload, Written, note_written_many
from scholarkg.load.segment_tally import SegmentTally
from scholarkg.load.transactional import Replacement, earlier_write
from scholarkg.sqlite_in import batches
from scholarkg.store.base import GraphStore
from scholarkg.store.patch import GraphPatch
from scholarkg.store.sparql_text import ntriples_lines
from scholarkg.transform import Triple

Held = tuple[str, bool, set[Triple], set[str], tuple[int, int]]


def held_before(
    store: GraphStore,
    contents: Contents,
    iris: Sequence[str],
    noted: Mapping[str, int],
    run_iri: str,
) -> Iterator[Held]:
    """(graph, whether the store holds it, its triples but its own provenance, the
    N-Triples lines it holds, what an earlier write by this run left in it
    (:func:`~scholarkg.load.transactional.earlier_write`)) as the store holds it now, 500
    graphs at a time: from the contents row when the store holds the graph with the quads the
    manifest noted (``noted``), else from the store."""
    for part in batches(iris):
        sizes = store.graph_sizes(part)
        as_noted = [i for i in part if sizes.get(i) == noted.get(i)]
        rows = contents.nquads_to_replace(as_noted)  # read once
        for iri in part:
            if iri in rows:
                quads = ox.parse(rows[iri], format=ox.RdfFormat.N_QUADS)
                triples = {(str(q.subject), str(q.predicate), str(q.object)) for q in quads}
                lines = set(ntriples_lines(ntriples_of(iri, rows[iri])))
            else:
                triples = store.triples_in(iri) if iri in sizes else set()
                lines = {f"{s} {p} {o} .\n" for s, p, o in triples}
            earlier = earlier_write(store, iri, triples, run_iri)
            yield iri, iri in sizes, _without_own(iri, triples), lines, earlier


def write_changed(
    store: GraphStore,
    manifest: Manifest,
    segment: SegmentTally,
    changed: Sequence[tuple[GraphPayload, int]],
    *,
    run_iri: str,
    when: dt.datetime,
    request_bytes: int,
) -> None:
    """Write the changed graphs (each with the quads the manifest noted, -1: none) as patches
    against what they hold, in requests of about ``request_bytes``; each is noted in the
    manifest (committed by the caller once written) and, once its request is sent, its change
    is kept in ``segment`` against what it held but its provenance, what a write by this run
    left taken back. Each graph at most once a call: all are compared with what they held
    before it, so a graph given twice would be patched twice against its old state (the bulk
    loader finishes its segment before a graph given again: ``BulkLoader._take``)."""
    noted = {p.iri: quads for p, quads in changed}
    held = held_before(store, manifest.contents, [p.iri for p, _ in changed], noted, run_iri)
    batch: list[GraphPatch] = []
    sent: list[tuple[Replacement, tuple[int, int]]] = []  # the changes of the batch
    size = 0  # characters the batch writes
    for (payload, _), (_, _, before, lines, earlier) in zip(changed, held, strict=True):
        change = Replacement.of(payload, before, run_iri, when)
        sent.append((change, earlier))
        patches = change.patches(lines)
        batch += patches
        size += sum(_size(patch) for patch in patches)
        if size >= request_bytes:
            _send(store, manifest, batch, sent, segment)
            batch, sent, size = [], [], 0
    if batch:
        _send(store, manifest, batch, sent, segment)


def _send(
    store: GraphStore,
    manifest: Manifest,
    batch: list[GraphPatch],
    sent: list[tuple[Replacement, tuple[int, int]]],
    segment: SegmentTally,
) -> None:
    """Note the batch's graphs in the manifest (uncommitted), a few statements for the whole
    batch (before: a drop and a put per graph), then send its patches."""
    manifest.note_graphs([(c.payload.iri, c.payload.digest, c.quads) for c, _ in sent])
    written: list[Written] = [(c.payload, c.body, c.report, c.stats) for c, _ in sent]
    note_written_many(manifest.contents, written)
    store.patch_graphs(batch)
    for change, earlier in sent:
        segment.changed(change, earlier)


def _size(patch: GraphPatch) -> int:
    """Characters a patch writes."""
    return len(patch.ntriples) if patch.delta is None else sum(map(len, patch.delta))


def _without_own(iri: str, triples: set[Triple]) -> set[Triple]:
    """A graph's triples without the provenance it states about itself."""
    own = f"<{iri}>"
    return {t for t in triples if t[0] != own}

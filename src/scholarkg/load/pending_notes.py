"""Graphs the transactional loader wrote, noted in the store's manifest a batch at a time.

A graph is noted once the store took it, uncommitted like before, but with the others written
since: one statement for the digests and one drop and one put of the contents for the batch
(before: each graph alone, a few statements each, ~12 a graph). A batch is noted at the
loader's commit, or sooner once it holds ``NOTE_BYTES`` of written graphs (so memory stays
bounded however many graphs one call loads).
"""

from __future__ import annotations

from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import Written, note_written_many

NOTE_BYTES = 8 << 20  # written N-Triples held before they are noted without waiting


class PendingNotes:
    """The manifest notes of graphs the store took, not yet noted."""

    def __init__(self, manifest: Manifest, limit: int = NOTE_BYTES) -> None:
        self.manifest = manifest
        self.limit = limit
        self._graphs: dict[str, tuple[str, int, Written]] = {}  # IRI → digest, quads, written
        self._bytes = 0

    def add(self, digest: str, quads: int, written: Written) -> None:
        """Graph ``written[0]`` as the store holds it now; a graph written twice before it is
        noted is noted as last written, as noting each write in turn would leave it."""
        iri = written[0].iri
        earlier = self._graphs.pop(iri, None)  # noted in the order last written
        if earlier is not None:  # its earlier write is no longer held (before: counted too,
            self._bytes -= _size(earlier[2])  # so a graph written again flushed early)
        self._graphs[iri] = (digest, quads, written)
        self._bytes += _size(written)
        if self._bytes >= self.limit:
            self.flush()

    def flush(self) -> None:
        """Note every graph held (uncommitted: kept with the manifest's next commit)."""
        if not self._graphs:
            return
        graphs = [(iri, digest, quads) for iri, (digest, quads, _) in self._graphs.items()]
        self.manifest.note_graphs(graphs)
        note_written_many(self.manifest.contents, [w for _, _, w in self._graphs.values()])
        self._graphs, self._bytes = {}, 0


def _size(written: Written) -> int:
    """The bytes a pending note holds: the graph's N-Triples and its report's."""
    _, body, report, _ = written
    return len(body) + len(report)

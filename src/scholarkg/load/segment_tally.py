"""What a bulk segment writes, held back until the store holds it.

The bulk loader lists a segment's graphs in the run's change set just before the segment's
manifest is committed (:meth:`SegmentTally.write_out`: a run killed then leaves lines the next
run cuts off, :mod:`scholarkg.load.commit_mark`), and counts them and its records only once it
is committed; a segment cut short (a stop, a failure of the store) counts and lists those of
its graphs the store then holds, and the records of the chunks whose graphs it all holds
(:meth:`SegmentTally.settle`): the report and the change set say what the store took, no more.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from scholarkg.errors import ScholarKGError
from scholarkg.load.changes import ChangeSet
from scholarkg.load.transactional import LoadTally, Replacement
from scholarkg.sqlite_in import batches
from scholarkg.store.base import GraphStore
from scholarkg.transform import Triple


@dataclass(frozen=True)
class _Written:
    """One graph written in the segment, as the tally and the change set count it."""

    iri: str
    quads: int  # what the store holds in the graph once written
    provenance: int
    reports: int
    triples: int = 0  # a new graph's: counted as added, not kept
    diff: tuple[set[Triple], set[Triple]] | None = None  # a changed graph's (added, removed)
    earlier: tuple[int, int] = (0, 0)  # what a write by this run left in it (unwrite)

    def write(self, changes: ChangeSet) -> None:
        changes.write(self.iri, *(self.diff or (self.triples, 0)))

    def count(self, tally: LoadTally) -> None:
        added, removed = (len(d) for d in self.diff) if self.diff else (self.triples, 0)
        tally.changes.tally(self.iri, added, removed)
        tally.wrote(self.iri)
        tally.quads_written += self.quads
        tally.provenance += self.provenance
        tally.reports += self.reports
        tally.unwrite(self.earlier)


class SegmentTally:
    """The graphs and records of the segment being written (see the module doc)."""

    def __init__(self) -> None:
        self._written: list[_Written] = []
        self._chunks: list[tuple[int, frozenset[str]]] = []  # records, graphs written
        self._listed = False  # its graphs' lines written in the change set

    def new(self, iri: str, triples: int, quads: int, reports: int) -> None:
        """A graph the store did not hold, streamed or sent whole."""
        self._written.append(_Written(iri, quads, quads - triples, reports, triples=triples))

    def changed(self, change: Replacement, earlier: tuple[int, int]) -> None:
        """A graph the store held with other content, patched."""
        reports = change.report.count(b"\n")
        diff = (change.added, change.removed)
        iri, quads, provenance = change.payload.iri, change.quads, change.provenance
        self._written.append(_Written(iri, quads, provenance, reports, diff=diff, earlier=earlier))

    def chunk(self, records: int, iris: Collection[str]) -> None:
        """A chunk of ``records`` source records whose graphs ``iris`` the segment writes."""
        self._chunks.append((records, frozenset(iris)))

    @property
    def records(self) -> int:
        """The source records of the segment's chunks (counted once it is committed)."""
        return sum(n for n, _ in self._chunks)

    def write_out(self, changes: ChangeSet) -> None:
        """List the segment's graphs in the change set (before its manifest is committed)."""
        for graph in self._written:
            graph.write(changes)
        self._listed = True

    def settle(self, tally: LoadTally, store: GraphStore | None = None) -> None:
        """Count the segment in ``tally`` and start the next one: all of it once its manifest
        is committed (no ``store``), else what ``store`` holds of it (the graphs it holds with
        the quads they were written with; none when it cannot be read)."""
        written, chunks, listed = self._written, self._chunks, self._listed
        self._written, self._chunks, self._listed = [], [], False  # counted once, even if the
        # change set fails
        if store is not None:
            held = _held(store, written)
            written = [w for w in written if w.iri in held]
        taken = {w.iri for w in written}
        tally.records += sum(n for n, iris in chunks if store is None or iris <= taken)
        for graph in written:
            graph.count(tally)
        if not listed:  # after every count: a change set a full disk refuses leaves them
            for graph in written:  # (before: the graphs after the refused line went uncounted)
                graph.write(tally.changes)


def _held(store: GraphStore, written: Sequence[_Written]) -> set[str]:
    """The graphs of ``written`` the store holds as written (none when it cannot answer)."""
    expected = {w.iri: w.quads for w in written}
    held: set[str] = set()
    try:
        for part in batches(list(expected)):
            sizes = store.graph_sizes(part)
            held |= {iri for iri in part if sizes.get(iri) == expected[iri]}
    except (ScholarKGError, OSError, RuntimeError):  # a store that failed may not answer
        return set()
    return held

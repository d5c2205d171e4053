"""The transactional loader: each changed graph replaced in one atomic step, for any store.

Per graph: skipped when the manifest and the store agree it is unchanged; otherwise the old
triples are read for the change set, and the graph (its triples, its provenance, its SHACL
report when it has findings) replaces the old one in one store transaction. A graph the store
refuses for what it is (a SPARQL server's 400, 413, 415, 422; an embedded store's error while
it keeps answering) goes to the dead-letter folder; a store that stops answering, leaves a
graph's request unanswered (a server that crashed or restarted under it answers the next
request), refuses every write alike (401, 403, 5xx) or cannot write (a full disk) raises
:class:`StoreUnavailable` with what is left, for the outbox (:func:`store_failed`). The
manifest is committed per call of :meth:`TransactionalLoader.load` (a chunk, a profile's
graphs), after the change set's lines of its graphs are made durable, with a note of the run's
records so far and the change set's sizes (:mod:`scholarkg.load.commit_mark`, shared with the
bulk loader): a run killed part-way is reported by what it committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from scholarkg.errors import LoadError, QueryError
from scholarkg.files import refused_write
from scholarkg.load.changes import ChangeSet, diff, ntriples_set
from scholarkg.load.commit_mark import CommitMark, note_commit
from scholarkg.load.contents import GraphStats, bucket_of
from scholarkg.load.manifest import Manifest
from scholarkg.load.outbox import DeadLetters
from scholarkg.load.payload import (
    GENERATED_BY,
    REPORT_LINK,
    GraphPayload,
    report_graph_iri,
    written_form,
)
from scholarkg.load.pending_notes import PendingNotes
from scholarkg.store.base import GraphStore
from scholarkg.store.endpoint_failures import answered_status, not_applied, unanswered
from scholarkg.store.patch import GraphPatch
from scholarkg.transform import Triple


class StoreUnavailable(LoadError):
    """The store stopped answering; ``remaining`` graphs were not written."""

    def __init__(self, message: str, remaining: Sequence[GraphPayload]) -> None:
        super().__init__(message)
        self.remaining = list(remaining)


@dataclass
class LoadTally:
    """What loading did, graph by graph."""

    changes: ChangeSet
    unchanged: int = 0
    written: int = 0
    buckets: set[int] = field(default_factory=set)  # dump parts of the graphs written
    dead: list[tuple[str, str]] = field(default_factory=list)
    quads_written: int = 0
    removed: int = 0  # graphs dropped that the store held
    records: int = 0  # source records whose graphs the store holds (loaders told of records)
    papers: int = 0  # a build's: listed papers of the profiles whose graphs the store holds
    provenance: int = 0  # triples the graphs written state about themselves, as held now
    reports: int = 0  # triples in the SHACL report graphs of the graphs written, as held now

    @property
    def held(self) -> int:
        return self.unchanged + self.written

    def wrote(self, iri: str) -> None:
        """Graph ``iri`` (and its report graph) written or dropped."""
        self.written += 1
        self.buckets |= {bucket_of(iri), bucket_of(report_graph_iri(iri))}

    def unwrite(self, earlier: tuple[int, int]) -> None:
        """A graph this run wrote before is written again or dropped: what that earlier write
        held (:func:`earlier_write`) is no longer held."""
        self.provenance -= earlier[0]
        self.reports -= earlier[1]


def earlier_write(
    store: GraphStore, iri: str, held: Iterable[Triple], run_iri: str
) -> tuple[int, int]:
    """(provenance triples, SHACL report triples) graph ``iri`` holds from a write by this run
    (``held``: its triples), counted then in the tally; (0, 0) when an earlier run wrote it."""
    own = f"<{iri}>"
    mine = [(p, o) for s, p, o in held if s == own]
    if (GENERATED_BY, f"<{run_iri}>") not in mine:
        return 0, 0
    if not any(p == REPORT_LINK for p, _ in mine):
        return len(mine), 0
    report = report_graph_iri(iri)
    return len(mine), store.graph_sizes([report]).get(report, 0)


@dataclass(frozen=True)
class Replacement:
    """A graph the store holds with other content, as it is to be written: its body and report
    graph, and what it adds and removes (for the change set)."""

    payload: GraphPayload
    body: bytes
    report: bytes
    stats: GraphStats
    quads: int
    added: set[Triple]
    removed: set[Triple]
    provenance: int  # triples the graph states about itself

    @classmethod
    def of(
        cls, payload: GraphPayload, before: set[Triple], run_iri: str, when: dt.datetime
    ) -> Replacement:
        """``before``: what the graph holds now, its own provenance left out."""
        try:
            after = ntriples_set(payload.data)
        except (SyntaxError, ValueError, MemoryError) as exc:
            raise LoadError(f"<{payload.iri}>: cannot be read back as N-Triples: {exc}") from exc
        added, removed = diff(before, after)
        body, report, stats, quads = written_form(payload, run_iri, when)
        provenance = quads - payload.triples
        quads -= payload.triples - len(after)  # a graph listing a triple twice holds it once
        return cls(payload, body, report, stats, quads, added, removed, provenance)

    def patches(self, held: Collection[str] | None) -> list[GraphPatch]:
        """The graph as its difference from ``held`` (the N-Triples lines the store holds in
        it, provenance included; None: not known) and its report graph, replaced whole."""
        iri = self.payload.iri
        return [
            GraphPatch.between(iri, held, self.body.decode("utf-8")),
            GraphPatch(report_graph_iri(iri), self.report.decode("utf-8")),
        ]

    def note(self, notes: PendingNotes, tally: LoadTally) -> None:
        """Once written: the tally, and the manifest (with the graphs written around it)."""
        iri = self.payload.iri
        notes.add(
            self.payload.digest, self.quads, (self.payload, self.body, self.report, self.stats)
        )
        tally.wrote(iri)
        tally.quads_written += self.quads
        tally.provenance += self.provenance
        tally.reports += self.report.count(b"\n")
        # last: counted before its lines are written (a full disk refuses them: the store
        # holds the graph all the same, and the report counts it)
        tally.changes.record(iri, self.added, self.removed)


def store_answers(store: GraphStore) -> bool:
    """Whether the store still answers a trivial query."""
    try:
        store.query("ASK { }", union=False)
    except (LoadError, QueryError, OSError):
        return False
    return True


GRAPH_REFUSED = frozenset({400, 413, 414, 415, 422})
"""HTTP statuses with which a SPARQL server refuses what one request sent (its syntax, size,
type or content), not every write."""


def store_failed(store: GraphStore, exc: LoadError) -> bool:
    """Whether the failed write of one graph is the store's failure rather than a refusal of
    the graph: a full disk, a request the server never answered (a server restarting under
    it), a write it answered with success but did not apply, an HTTP answer that refuses every
    write alike (401, 403, 404, 405, a server error 5xx: before, a server answering 500 to
    every write had every graph of a profile put in the dead-letter folder, and no later run
    wrote them), or a store that stopped answering."""
    if refused_write(exc) or unanswered(exc) or not_applied(exc):
        return True
    status = answered_status(exc)
    if status is not None:
        return status not in GRAPH_REFUSED
    return not store_answers(store)


class TransactionalLoader:
    """Loads payloads graph by graph into any :class:`GraphStore`."""

    def __init__(
        self,
        store: GraphStore,
        manifest: Manifest,
        *,
        run_iri: str,
        when: dt.datetime,
        changes: ChangeSet,
        dead: DeadLetters,
    ) -> None:
        self.store = store
        self.manifest = manifest
        self.run_iri = run_iri
        self.when = when
        self.dead = dead
        self.tally = LoadTally(changes)
        self._skipped = 0  # records of chunks skipped as loaded before (reported apart)
        self._read = 0  # the run's records read as of the last chunk committed
        self._notes = PendingNotes(manifest)  # graphs the store took, noted by the commit
        self._commit()  # what a run killed before its first commit committed: nothing

    def load(
        self,
        payloads: Sequence[GraphPayload],
        records: int = 0,
        papers: int = 0,
        read: int | None = None,
    ) -> LoadTally:
        """Write ``payloads``; ``records``: the source records they hold, counted (less those
        whose graph went to the dead-letter folder: a record is one graph, persons apart) with
        the manifest's commit; ``papers``: a build's listed papers they hold, counted so too
        once every graph is written; ``read``: the run's records read with them, noted in the
        commit mark."""
        dead = len(self.tally.dead)
        same = self.manifest.unchanged({p.iri: p.digest for p in payloads}, self.store.graph_sizes)
        for index, payload in enumerate(payloads):
            if payload.iri in same:
                self.tally.unchanged += 1
                continue
            try:
                self._write(payload)
            except LoadError as exc:  # the store's failure, not the graph's: kept, with
                # the graphs after it, and written by the next run
                if store_failed(self.store, exc):
                    self._commit()
                    raise StoreUnavailable(str(exc), payloads[index:]) from exc
                self.dead.put(payload, str(exc))
                self.tally.dead.append((payload.iri, str(exc)))
        record_graphs = {p.iri for p in payloads if p.kind != "person"}
        lost = {iri for iri, _ in self.tally.dead[dead:]} & record_graphs
        self.tally.records += max(0, records - len(lost))
        self.tally.papers += papers if len(self.tally.dead) == dead else 0
        self._read = self._read if read is None else read
        self._commit()
        return self.tally

    def skipped(self, records: int, read: int | None = None) -> None:
        """A chunk of ``records`` loaded before, skipped: noted in the commit mark (the report
        counts it apart), with ``read``, the run's records read with it."""
        self._skipped += records
        self._read = self._read if read is None else read
        self._commit()

    def _commit(self) -> None:
        """Commit the manifest with a note of the run's records loaded so far and its change
        set made durable as it stands (:mod:`scholarkg.load.commit_mark`), and the graphs
        written since the last commit noted, in one go."""
        self._notes.flush()
        sizes = self.tally.changes.sync()
        loaded = self.tally.records + self._skipped
        tally = self.tally
        mark = CommitMark(self.run_iri, loaded, sizes, tally.papers, tally.removed, self._read)
        note_commit(self.manifest, mark)
        self.manifest.commit()

    def _write(self, payload: GraphPayload) -> None:
        own = f"<{payload.iri}>"
        held = self.store.triples_in(payload.iri)
        old = {t for t in held if t[0] != own}
        change = Replacement.of(payload, old, self.run_iri, self.when)
        earlier = earlier_write(self.store, payload.iri, held, self.run_iri)
        self.store.patch_graphs(change.patches({f"{s} {p} {o} .\n" for s, p, o in held}))
        change.note(self._notes, self.tally)  # only once the store took it
        self.tally.unwrite(earlier)

    def drop(self, iris: Sequence[str]) -> None:
        """Remove graphs that no longer exist (a merged person's), with their reports."""
        present = self.store.graph_sizes(list(iris))
        dropped: list[str] = []
        for iri in iris:
            if iri not in present:
                continue
            held = self.store.triples_in(iri)
            old = {t for t in held if t[0] != f"<{iri}>"}
            self.tally.unwrite(earlier_write(self.store, iri, held, self.run_iri))
            self.store.replace_graphs([(iri, ""), (report_graph_iri(iri), "")])
            dropped.append(iri)
            self.tally.changes.record(iri, set(), old)
            self.tally.removed += 1
        self._notes.flush()  # before the forgetting, as written before
        self.manifest.forget_graphs(dropped)
        self._commit()

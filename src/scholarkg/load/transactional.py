"""The transactional loader: each changed graph replaced in one atomic step, for any store.

Per graph: skipped when the manifest and the store agree it is unchanged; otherwise the old
triples are read for the change set, and the graph (its triples, its provenance, its SHACL
report when it has findings) replaces the old one in one store transaction. A graph the store
refuses while the store itself keeps answering goes to the dead-letter folder; a store that
stops answering raises :class:`StoreUnavailable` with what is left, for the outbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from scholarkg.errors import LoadError, QueryError
from scholarkg.load.changes import ChangeSet, diff, ntriples_set
from scholarkg.load.contents import GraphStats, bucket_of
from scholarkg.load.manifest import Manifest
from scholarkg.load.outbox import DeadLetters
from scholarkg.load.payload import (
    GraphPayload,
    note_written,
    report_graph_iri,
    written_form,
)
from scholarkg.store.base import GraphStore
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

    @property
    def held(self) -> int:
        return self.unchanged + self.written

    def wrote(self, iri: str) -> None:
        """Graph ``iri`` (and its report graph) written or dropped."""
        self.written += 1
        self.buckets |= {bucket_of(iri), bucket_of(report_graph_iri(iri))}


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
        quads -= payload.triples - len(after)  # a graph listing a triple twice holds it once
        return cls(payload, body, report, stats, quads, added, removed)

    def patches(self, held: Collection[str] | None) -> list[GraphPatch]:
        """The graph as its difference from ``held`` (the N-Triples lines the store holds in
        it, provenance included; None: not known) and its report graph, replaced whole."""
        iri = self.payload.iri
        return [
            GraphPatch.between(iri, held, self.body.decode("utf-8")),
            GraphPatch(report_graph_iri(iri), self.report.decode("utf-8")),
        ]

    def note(self, manifest: Manifest, tally: LoadTally) -> None:
        """Once written (or to be committed with what is): the manifest and the tally."""
        iri = self.payload.iri
        manifest.note_graph(iri, self.payload.digest, self.quads)
        note_written(manifest.contents, self.payload, self.body, self.report, self.stats)
        tally.changes.record(iri, self.added, self.removed)
        tally.wrote(iri)
        tally.quads_written += self.quads


def store_answers(store: GraphStore) -> bool:
    """Whether the store still answers a trivial query."""
    try:
        store.query("ASK { }", union=False)
    except (LoadError, QueryError, OSError):
        return False
    return True


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

    def load(self, payloads: Sequence[GraphPayload]) -> LoadTally:
        same = self.manifest.unchanged({p.iri: p.digest for p in payloads}, self.store.graph_sizes)
        for index, payload in enumerate(payloads):
            if payload.iri in same:
                self.tally.unchanged += 1
                continue
            try:
                self._write(payload)
            except LoadError as exc:
                if not store_answers(self.store):
                    self.manifest.commit()
                    raise StoreUnavailable(str(exc), payloads[index:]) from exc
                self.dead.put(payload, str(exc))
                self.tally.dead.append((payload.iri, str(exc)))
        self.manifest.commit()
        return self.tally

    def _write(self, payload: GraphPayload) -> None:
        own = f"<{payload.iri}>"
        held = self.store.triples_in(payload.iri)
        old = {t for t in held if t[0] != own}
        change = Replacement.of(payload, old, self.run_iri, self.when)
        self.store.patch_graphs(change.patches({f"{s} {p} {o} .\n" for s, p, o in held}))
        change.note(self.manifest, self.tally)

    def drop(self, iris: Sequence[str]) -> None:
        """Remove graphs that no longer exist (a merged person's), with their reports."""
        present = self.store.graph_sizes(list(iris))
        for iri in iris:
            if iri not in present:
                continue
            old = {t for t in self.store.triples_in(iri) if t[0] != f"<{iri}>"}
            self.store.replace_graphs([(iri, ""), (report_graph_iri(iri), "")])
            self.manifest.forget_graph(iri)
            self.tally.changes.record(iri, set(), old)
            self.tally.removed += 1
        self.manifest.commit()

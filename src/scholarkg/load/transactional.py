"""The transactional loader: each changed graph replaced in one atomic step, for any store.

Per graph: skipped when the manifest and the store agree it is unchanged; otherwise the old
triples are read for the change set, and the graph (its triples, its provenance, its SHACL
report when it has findings) replaces the old one in one store transaction. A graph the store
refuses while the store itself keeps answering goes to the dead-letter folder; a store that
stops answering raises :class:`StoreUnavailable` with what is left, for the outbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from scholarkg.errors import LoadError, QueryError
from scholarkg.load.changes import ChangeSet, diff, ntriples_set
from scholarkg.load.contents import bucket_of
from scholarkg.load.manifest import Manifest
from scholarkg.load.outbox import DeadLetters
from scholarkg.load.payload import (
    GraphPayload,
    note_written,
    report_graph_iri,
    written_form,
)
from scholarkg.store.base import GraphStore


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
    records: int = 0  # source records whose graphs the store holds (loaders told of records)

    @property
    def held(self) -> int:
        return self.unchanged + self.written

    def wrote(self, iri: str) -> None:
        """Graph ``iri`` (and its report graph) written or dropped."""
        self.written += 1
        self.buckets |= {bucket_of(iri), bucket_of(report_graph_iri(iri))}


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
        old = {t for t in self.store.triples_in(payload.iri) if t[0] != own}
        try:
            new = ntriples_set(payload.data)
        except (SyntaxError, ValueError, MemoryError) as exc:
            raise LoadError(f"<{payload.iri}>: cannot be read back as N-Triples: {exc}") from exc
        added, removed = diff(old, new)
        body, report, stats, quads = written_form(payload, self.run_iri, self.when)
        self.store.replace_graphs(
            [
                (payload.iri, body.decode("utf-8")),
                (report_graph_iri(payload.iri), report.decode("utf-8")),
            ]
        )
        quads -= payload.triples - len(new)  # a graph listing a triple twice holds it once
        self.manifest.note_graph(payload.iri, payload.digest, quads)
        note_written(self.manifest.contents, payload, body, report, stats)
        self.tally.changes.record(payload.iri, added, removed)
        self.tally.wrote(payload.iri)
        self.tally.quads_written += quads

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
        self.manifest.commit()

"""The bulk loader: many graphs per store operation, in a thread of its own.

``add`` only queues a chunk of payloads, so the caller keeps collecting worker results while
the loader thread writes: loading overlaps parsing and validation. Per segment
(``segment_quads``): new graphs stream into one operation — Oxigraph's ``bulk_load`` for the
embedded store, SPARQL Update requests of many graphs for a server, file writes for a file
sink (:mod:`scholarkg.load.new_graphs`) — and graphs the store already holds with other
content are then written as their difference from what it holds (:mod:`scholarkg.store.patch`:
one update per batch removes the triples they lost and adds those they gained; a reader sees
each graph old or new; after a crash, the next run redoes the segment). The manifest is
committed per segment, after its data is in the store and its graphs' lines in the change set
(with a note of what the run committed: :mod:`scholarkg.load.commit_mark`); the segment's
graphs and records are counted then, or, when it is cut short, those the store holds
(:mod:`scholarkg.load.segment_tally`).

The change set holds what each graph gained and lost, as the transactional loader's does: a new
graph adds all its triples (counted, not written out); a changed or dropped graph is compared
with what it held before, taken from the manifest's contents row (from the store only when the
store no longer holds the graph as noted): :mod:`scholarkg.load.held_graphs`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scholarkg.errors import ScholarKGError
from scholarkg.load.changes import ChangeSet
from scholarkg.load.commit_mark import CommitMark, note_commit
from scholarkg.load.contents import nquads
from scholarkg.load.held_graphs import held_before, write_changed
from scholarkg.load.loader_thread import ABORT_DEADLINE, IDLE_DEADLINE, LoaderThread
from scholarkg.load.manifest import ChunkCounts, Manifest
from scholarkg.load.new_graphs import REQUEST_BYTES, NewGraphs
from scholarkg.load.payload import (
    ContentRow,
    GraphPayload,
    content_rows,
    report_graph_iri,
    written_form,
)
from scholarkg.load.segment_tally import SegmentTally
from scholarkg.load.transactional import LoadTally
from scholarkg.store.base import GraphStore


@dataclass(frozen=True)
class _Chunk:
    payloads: list[GraphPayload]
    key: bytes | None
    counts: ChunkCounts | None
    drops: tuple[str, ...] = ()  # graphs to remove (a merged person's), in queue order
    skipped: int = 0  # records of a chunk loaded before, skipped (noted in the commit mark)
    read: int | None = None  # the run's records read with this chunk (noted in the mark)


class BulkLoader:
    """Segments of many graphs into any store, from a thread of its own."""

    def __init__(
        self,
        store: GraphStore,
        open_manifest: Callable[[], Manifest],
        *,
        run_iri: str,
        when: dt.datetime,
        changes: ChangeSet,
        segment_quads: int = 250_000,
        queue_chunks: int = 4,
        stop: threading.Event | None = None,
        idle_deadline: float = IDLE_DEADLINE,
        abort_deadline: float = ABORT_DEADLINE,
    ) -> None:
        """``open_manifest`` opens the store's manifest in the loader thread (an SQLite
        connection belongs to the thread that opened it). ``stop``: the run's (set by a
        SIGTERM); the deadlines: :class:`~scholarkg.load.loader_thread.LoaderThread`'s."""
        self.store, self.open_manifest = store, open_manifest
        self.run_iri, self.when = run_iri, when
        self.segment_quads = segment_quads
        self.tally = LoadTally(changes)
        self.seconds = 0.0
        self.new_graphs = NewGraphs(store)  # a segment's graphs the store does not hold
        native = self.new_graphs.native
        self.fresh = native is not None and next(iter(native.named_graphs()), None) is None
        self._changed: list[tuple[GraphPayload, int]] = []  # with the quads noted before
        self._noted: list[tuple[str, str, int]] = []  # manifest rows of this chunk's new graphs
        self._segment = SegmentTally()  # counted once the store holds it
        self._contents: list[ContentRow] = []
        self._segment_iris: set[str] = set()  # graphs written or to be patched in the segment
        self._quads = 0
        self._skipped = 0  # records of chunks skipped as loaded before (reported apart)
        self._read = 0  # the run's records read as of the last chunk taken (noted in the mark)
        self._loop: LoaderThread[_Chunk] = LoaderThread(
            self._run,
            queue_items=queue_chunks,
            stop=stop,
            idle_deadline=idle_deadline,
            abort_deadline=abort_deadline,
        )
        self._loop.start()

    # -- the caller's side --------------------------------------------------------------------

    def add(
        self,
        payloads: list[GraphPayload],
        key: bytes | None = None,
        counts: ChunkCounts | None = None,
        read: int | None = None,
    ) -> None:
        """Queue a chunk (blocks only while the loader is ``queue_chunks`` chunks behind);
        ``read``: the run's records read with it, noted in the commit mark once it is
        committed."""
        self._loop.put(_Chunk(payloads, key, counts, read=read))

    def skipped(self, records: int, read: int | None = None) -> None:
        """A chunk of ``records`` loaded before was skipped (the report counts it): noted in
        the commit mark once what is queued before is committed, with ``read`` (as :meth:`add`)."""
        self._loop.put(_Chunk([], None, None, skipped=records, read=read))

    def drop(self, iris: list[str]) -> None:
        """Remove these graphs (and their reports) once what is queued before is written."""
        self._loop.put(_Chunk([], None, None, tuple(iris)))

    def close(self) -> LoadTally:
        """Load what is queued, finish the last segment and return the tally. A stop asked for
        meanwhile raises :class:`~scholarkg.lifecycle.Interrupted` within seconds, the thread
        ending after the chunk it is writing, its segment not committed: the caller aborts
        (before: the wait had no end and took no stop, so a SIGTERM during it waited while every
        queued chunk was loaded and committed). A thread that never ends fails it in one line
        naming it (:meth:`~scholarkg.load.loader_thread.LoaderThread.wait_ended`)."""
        self._loop.put(None)
        self._loop.wait_ended()
        return self.tally

    def abort(self) -> None:
        """Stop after the chunk being written; the unfinished segment is not committed. A
        thread still writing past ``abort_deadline`` is a :class:`LoadError` naming it."""
        self._loop.abort()

    # -- the loader thread --------------------------------------------------------------------

    def _run(self) -> None:
        manifest: Manifest | None = None
        try:  # a manifest that cannot be opened fails the load (before: the thread died
            self.manifest = manifest = self.open_manifest()  # unheard, and add() waited)
            self._commit()  # what a run killed before its first segment's commit committed
            while (chunk := self._loop.inbox.get()) is not None:
                if self._loop.aborting():  # stopped: no chunk after the one being written
                    continue
                started = time.perf_counter()
                self._take(chunk)
                self.seconds += time.perf_counter() - started
                self._loop.moved()
            if self._loop.aborting():  # the new graphs sent so far are written, no changed
                self.new_graphs.flush()
                self._segment.settle(self.tally)
                return
            self._finish_segment()
        except BaseException as exc:  # reported to the caller by add() / close()
            try:  # counted before the failure is seen: the caller then reads the tally
                with contextlib.suppress(ScholarKGError, OSError):  # a change set it cannot
                    self._segment.settle(self.tally, self.store)  # write; what the store took
            finally:  # (before: seen first, a run's report counted part of it, or none)
                self._loop.error = exc
        finally:
            if manifest is not None:
                manifest.close()  # what was not committed is dropped

    def _take(self, chunk: _Chunk) -> None:
        if chunk.skipped:
            self._skipped += chunk.skipped
            self._read = self._read if chunk.read is None else chunk.read
            if not self._segment_iris:  # nothing of the segment written: noted now
                self._commit(self._segment.records)
            return
        if chunk.drops:
            self._drop(chunk.drops)
            return
        iris = [p.iri for p in chunk.payloads]
        known = self.manifest.known(iris)
        same = [p.iri for p in chunk.payloads if known.get(p.iri, ("", 0))[0] == p.digest]
        held = self.store.graph_sizes(same) if same else {}  # the store is the judge
        for index, payload in enumerate(chunk.payloads):
            if payload.iri in self._segment_iris:  # given before in this segment: write that
                self._note_rows()  # state first, then compare this one with it (and any
                self._finish_segment()  # other graph of the chunk given again with those)
                done = iris[: index + 1]
                known.update(self.manifest.known(done))
                held.update(self.store.graph_sizes(done))
            old = known.get(payload.iri)
            if old is not None and old[0] == payload.digest and held.get(payload.iri) == old[1]:
                self.tally.unchanged += 1
                continue
            self._segment_iris.add(payload.iri)
            exists = old is not None or (
                not self.fresh and bool(self.store.graph_sizes([payload.iri]))
            )
            if exists:  # counted towards the segment too: one segment's payloads held
                self._changed.append((payload, -1 if old is None else old[1]))
                self._quads += payload.triples
            else:
                self._write_new(payload)
        self._note_rows()
        self._read = self._read if chunk.read is None else chunk.read  # with its segment
        if chunk.counts is not None:
            self._segment.chunk(chunk.counts.loaded, self._segment_iris.intersection(iris))
        if chunk.key is not None and chunk.counts is not None:
            pairs = [(p.iri, p.digest) for p in chunk.payloads]
            self.manifest.note_chunk(chunk.key, chunk.counts, pairs)
        if self._quads >= self.segment_quads:
            self._finish_segment()

    def _note_rows(self) -> None:
        """Note the new graphs written since the last call in the manifest (uncommitted)."""
        self.manifest.note_graphs(self._noted)
        self.manifest.contents.put_many(self._contents)
        self._noted, self._contents = [], []

    def _drop(self, iris: Sequence[str]) -> None:
        """Remove graphs and their reports, once what came before is in the store; those the
        store held count as removed, with their triples."""
        self._finish_segment()
        noted = {iri: quads for iri, (_, quads) in self.manifest.known(list(iris)).items()}
        held = held_before(
            self.store, self.manifest.contents, list(dict.fromkeys(iris)), noted, self.run_iri
        )
        for iri, present, before, _, earlier in held:
            if present:
                self.tally.changes.record(iri, set(), before)
                self.tally.removed += 1
                self.tally.unwrite(earlier)
        reports = [report_graph_iri(iri) for iri in iris]
        self.store.replace_graphs([(iri, "") for iri in [*iris, *reports]])
        self.manifest.forget_graphs(iris)  # before: a delete and two drops a graph
        self._commit()

    def _write_new(self, payload: GraphPayload) -> None:
        body, report, stats, quads = written_form(payload, self.run_iri, self.when)
        report_iri = report_graph_iri(payload.iri)
        written = (nquads(payload.iri, body), nquads(report_iri, report) if report else b"")
        graphs = [(payload.iri, body), *([(report_iri, report)] if report else [])]
        self.new_graphs.put(graphs, written)
        self._noted.append((payload.iri, payload.digest, quads))
        self._contents += content_rows(payload, body, report, stats, written)  # no old report
        self._segment.new(payload.iri, payload.triples, quads, report.count(b"\n"))
        self._quads += quads

    def _commit(self, records: int = 0) -> None:
        """Commit the manifest, with a note of the run's records loaded (``records``: of the
        segment committed now) and its change set made durable as it stands."""
        sizes = self.tally.changes.sync()
        loaded = self.tally.records + self._skipped + records
        mark = CommitMark(self.run_iri, loaded, sizes, removed=self.tally.removed, read=self._read)
        note_commit(self.manifest, mark)
        self.manifest.commit()

    def _finish_segment(self) -> None:
        self.new_graphs.flush()
        if self._changed:
            write_changed(
                self.store,
                self.manifest,
                self._segment,
                self._changed,
                run_iri=self.run_iri,
                when=self.when,
                request_bytes=REQUEST_BYTES,
            )
            self._changed = []
        self._segment.write_out(self.tally.changes)  # its lines first, then its commit
        self._commit(self._segment.records)
        self._segment.settle(self.tally)  # held now: counted only once committed
        self._quads = 0
        self._segment_iris = set()
        self._loop.moved()

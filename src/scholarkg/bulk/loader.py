"""Gate output into Oxigraph: one streaming ``bulk_load`` per segment; unchanged graphs skipped.

A segment (``segment_quads``, default 250 000) is a single ``bulk_load`` reading from a queue this
process keeps filling, in a thread (pyoxigraph releases the GIL while it loads), so loading
overlaps the workers' parsing and validation. Oxigraph's bulk loader holds what it reads until
it has a million quads (or the input ends), then sorts them into index files: the segment size
bounds that memory, and with it the process's peak memory whatever the input size. Many tiny
``bulk_load`` calls would cost more (each call's files overlap what is stored and get compacted);
250 000 quads per call measured as fast as 1 or 20 million at 100 000 records (bench/README.md).

A graph the store already holds with other content cannot go into that stream (its old quads
must be removed first): it is spooled to a temporary SQLite file, and at the end of the segment
each such graph is removed and the spool is bulk-loaded. The manifest is committed per segment,
after its data is in the store.
"""

from __future__ import annotations

import io
import queue
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from scholarkg.bulk.manifest import ChunkCounts, Manifest
from scholarkg.bulk.worker import ChunkResult


class _QueueReader(io.RawIOBase):
    """A binary stream over byte chunks put on a queue (``None`` ends it)."""

    def __init__(self, chunks: queue.Queue[bytes | None]) -> None:
        self.chunks = chunks
        self.view = memoryview(b"")
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.view:
            if self.ended:
                return 0
            item = self.chunks.get()
            if item is None:
                self.ended = True
                return 0
            self.view = memoryview(item)
        size = min(len(buffer), len(self.view))
        buffer[:size] = self.view[:size]
        self.view = self.view[size:]
        return size


class _Stream:
    """One running ``bulk_load`` in a thread, fed with N-Quads bytes."""

    def __init__(self, store: ox.Store) -> None:
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        reader = io.BufferedReader(_QueueReader(self.chunks), 1 << 20)

        def load() -> None:
            try:
                store.bulk_load(reader, format=ox.RdfFormat.N_QUADS)
            except BaseException as exc:  # re-raised in the feeding thread
                self.error = exc

        self.thread = threading.Thread(target=load, name="bulk-load", daemon=True)
        self.thread.start()

    def put(self, data: bytes | None) -> None:
        while True:
            if self.error is not None or not self.thread.is_alive():
                raise self.error or RuntimeError("the bulk loader stopped")
            try:
                self.chunks.put(data, timeout=0.5)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        self.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class Loader:
    """Takes chunk results in input order; skips unchanged graphs; loads the rest."""

    def __init__(self, store: ox.Store, manifest: Manifest, segment_quads: int = 250_000) -> None:
        self.store = store
        self.manifest = manifest
        self.segment_quads = segment_quads
        self.fresh_store = next(iter(store.named_graphs()), None) is None
        self.tee: IO[bytes] | None = None
        self.counts = dict.fromkeys(("written", "replaced", "unchanged", "triples"), 0)
        self.seconds = 0.0
        self._stream: _Stream | None = None
        self._quads = 0
        self._spool_dir = tempfile.TemporaryDirectory(prefix="scholarkg-spool-")
        self._spool = sqlite3.connect(Path(self._spool_dir.name) / "spool.sqlite")
        self._spool.execute("CREATE TABLE spool (iri TEXT PRIMARY KEY, data BLOB) WITHOUT ROWID")
        self._spooled = 0

    def add(self, result: ChunkResult, key: bytes | None) -> None:
        """Route one chunk's graphs: unchanged (skip), new (stream) or changed (spool)."""
        started = time.perf_counter()
        data = memoryview(result.data)
        known = self.manifest.digests([g.iri for g in result.graphs])
        fresh: list[memoryview] = []
        for g in result.graphs:
            old = known.get(g.iri)
            if old == g.digest:
                self.counts["unchanged"] += 1
                continue
            part = data[g.start : g.end]
            if old is not None or (
                not self.fresh_store and self.store.contains_named_graph(ox.NamedNode(g.iri))
            ):
                self._spool.execute("INSERT OR REPLACE INTO spool VALUES (?, ?)", (g.iri, part))
                self._spooled += 1
                self.counts["replaced"] += 1
            else:
                fresh.append(part)
                self.counts["written"] += 1
            known[g.iri] = g.digest
            self.manifest.note_graph(g.iri, g.digest)
            self.counts["triples"] += g.triples
            self._quads += g.triples
        if fresh:
            payload = b"".join(fresh)
            if self._stream is None:
                self._stream = _Stream(self.store)
            self._stream.put(payload)
            if self.tee is not None:
                self.tee.write(payload)
        if key is not None:
            self.manifest.note_chunk(key, _counts(result))
        self.seconds += time.perf_counter() - started
        if self._quads >= self.segment_quads:
            self.finish_segment()

    def finish_segment(self) -> None:
        """End the stream, swap in the spooled graphs, commit the manifest."""
        started = time.perf_counter()
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if self._spooled:
            for (iri,) in self._spool.execute("SELECT iri FROM spool"):
                self.store.remove_graph(ox.NamedNode(iri))
            stream = _Stream(self.store)
            for chunk in self._spooled_chunks():
                stream.put(chunk)
                if self.tee is not None:
                    self.tee.write(chunk)
            stream.close()
            self._spool.execute("DELETE FROM spool")
            self._spooled = 0
        self.manifest.commit()
        self._quads = 0
        self.seconds += time.perf_counter() - started

    def _spooled_chunks(self) -> Iterator[bytes]:
        batch: list[bytes] = []
        size = 0
        for (data,) in self._spool.execute("SELECT data FROM spool"):
            batch.append(data)
            size += len(data)
            if size > 4 << 20:
                yield b"".join(batch)
                batch, size = [], 0
        if batch:
            yield b"".join(batch)

    def close(self) -> None:
        self.finish_segment()
        self._spool.close()
        self._spool_dir.cleanup()

    def abort(self) -> None:
        """Stop without committing (the next run redoes this segment)."""
        if self._stream is not None:
            try:
                self._stream.close()
            finally:
                self._stream = None
        self._spool.close()
        self._spool_dir.cleanup()


def _counts(result: ChunkResult) -> ChunkCounts:
    return ChunkCounts(
        result.records,
        len(result.graphs),
        sum(g.triples for g in result.graphs),
        sum(g.warnings for g in result.graphs),
        sum(g.infos for g in result.graphs),
        len(result.rejected),
        len(result.quarantined),
    )

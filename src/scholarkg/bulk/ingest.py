"""Streaming, parallel bulk ingest of arXiv records into the embedded Oxigraph store.

The snapshot is read in chunks of raw lines; worker *processes* parse, transform (N-Triples terms,
no rdflib), gate (:class:`~scholarkg.shacl.Engine`) and write N-Quads; the main process
streams them into ``bulk_load`` (:mod:`scholarkg.bulk.loader`). At most ``2 × workers`` chunks are
in flight and one load segment is buffered, so memory stays flat however long the input is.

Re-running is cheap: a chunk whose bytes (and configuration) were loaded before is skipped
without being parsed, and a graph whose N-Quads digest is unchanged is not rewritten
(:mod:`scholarkg.bulk.manifest`). A changed graph is removed and loaded again; a graph the gate
rejects is not loaded (its previous version, if any, stays, as with the pySHACL gate). Unlike
``EmbeddedStore.replace_graph`` the swap is not one transaction: a reader may briefly see a
replaced graph missing, and after a crash the next run redoes the unfinished segment.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from scholarkg import __version__
from scholarkg.bulk import worker
from scholarkg.bulk.loader import Loader
from scholarkg.bulk.manifest import ChunkCounts, Manifest
from scholarkg.config import Config
from scholarkg.errors import ExtractError, LoadError
from scholarkg.extract.snapshot import batched
from scholarkg.models import ArxivRecord, QuarantinedRecord
from scholarkg.pipeline import quarantine_records
from scholarkg.resources import ONTOLOGY_FILES, ontology_dir, shapes_dir
from scholarkg.store.embedded import EmbeddedStore

MAPPING_VERSION = "arxiv-1"  # bump when transform/arxiv.py changes what it emits
STAGES = ("read", "parse", "transform", "validate", "write", "load", "wait")


@dataclass
class BulkSummary:
    """Counts and stage times of one bulk ingest (CPU seconds for worker stages)."""

    records: int = 0
    quarantined: int = 0
    quarantined_records: list[QuarantinedRecord] = field(default_factory=list)  # first 10 000
    rejected: list[str] = field(default_factory=list)
    rejected_skipped: int = 0
    graphs_written: int = 0
    graphs_replaced: int = 0
    graphs_unchanged: int = 0
    chunks: int = 0
    chunks_skipped: int = 0
    records_skipped: int = 0
    triples: int = 0
    triples_written: int = 0
    warnings: int = 0
    infos: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    wall: float = 0.0

    @property
    def loaded(self) -> int:
        """Graphs in the store as this input made them (written, replaced or unchanged)."""
        return self.graphs_written + self.graphs_replaced + self.graphs_unchanged

    def lines(self) -> list[str]:
        rejected = len(self.rejected) + self.rejected_skipped
        out = [
            f"records: {self.records} read, {self.loaded} loaded, {rejected} rejected by SHACL, "
            f"{self.quarantined} unreadable (quarantined)",
            f"triples: {self.triples} passed the gate; {self.warnings} SHACL warnings, "
            f"{self.infos} infos",
            f"graphs: {self.graphs_written} new, {self.graphs_replaced} replaced, "
            f"{self.graphs_unchanged} unchanged; {self.triples_written} triples written",
            f"chunks: {self.chunks} read, {self.chunks_skipped} unchanged since the last run "
            f"(skipped, {self.records_skipped} records)",
        ]
        return out + [f"rejected: {iri}" for iri in self.rejected]


def fingerprint(config: Config) -> str:
    """What, besides the input bytes, decides the graphs: mapping, shapes, ontology, config."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (MAPPING_VERSION, __version__, config.iri_base):
        digest.update(part.encode() + b"\0")
    for table in (config.people_merge, config.people_split):
        digest.update(repr(sorted(table.items())).encode() + b"\0")
    for path in [
        *sorted(shapes_dir().glob("*.ttl")),
        *(ontology_dir() / n for n in ONTOLOGY_FILES),
    ]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def setup_for(config: Config, *, pyshacl_quarantine: bool = True) -> worker.Setup:
    return worker.Setup(
        config.iri_base,
        config.quarantine_dir,
        tuple(config.people_merge.items()),
        tuple(config.people_split.items()),
        pyshacl_quarantine,
    )


def _oxigraph(store: EmbeddedStore) -> ox.Store:
    if not isinstance(store, EmbeddedStore) or store.read_only:
        raise LoadError("the bulk path loads into the embedded Oxigraph store, opened read-write")
    return store._store  # the bulk loader needs the pyoxigraph store itself


def _open(path: Path) -> IO[bytes]:
    try:
        handle = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # noqa: SIM115
        return cast(IO[bytes], handle)
    except OSError as exc:
        raise ExtractError(str(path), f"cannot open snapshot: {exc}") from exc


def _chunks(path: Path, size: int) -> Iterator[list[tuple[int, bytes]]]:
    with _open(path) as handle:
        yield from (list(c) for c in batched(enumerate(handle, start=1), size))


def _absorb(result: worker.ChunkResult, summary: BulkSummary, config: Config) -> None:
    summary.records += result.records
    summary.quarantined += len(result.quarantined)
    room = 10_000 - len(summary.quarantined_records)
    summary.quarantined_records += result.quarantined[: max(room, 0)]
    summary.rejected += result.rejected
    summary.triples += sum(g.triples for g in result.graphs)
    summary.warnings += sum(g.warnings for g in result.graphs)
    summary.infos += sum(g.infos for g in result.graphs)
    for stage, seconds in result.seconds.items():
        summary.seconds[stage] += seconds
    quarantine_records(tuple(result.quarantined), config.quarantine_dir)


class _Run:
    """The parts of one ingest: summary, manifest, loader, and the worker pool (if any)."""

    def __init__(
        self, config: Config, store: EmbeddedStore, workers: int, segment_quads: int, **opts: bool
    ) -> None:
        self.started = time.perf_counter()
        self.config = config
        self.summary = BulkSummary()
        self.fingerprint = fingerprint(config)
        self.manifest = Manifest(store.path, self.fingerprint)
        self.loader = Loader(_oxigraph(store), self.manifest, segment_quads)
        setup = setup_for(config, pyshacl_quarantine=opts.get("pyshacl_quarantine", True))
        self.pool = (
            ProcessPoolExecutor(workers, get_context("spawn"), worker.start, (setup,))
            if workers
            else None
        )
        if self.pool is None:
            worker.start(setup)
        self.window = 2 * max(workers, 1)
        self.pending: deque[tuple[bytes | None, Future[worker.ChunkResult] | worker.ChunkResult]]
        self.pending = deque()

    def submit(
        self, key: bytes | None, job: Future[worker.ChunkResult] | worker.ChunkResult
    ) -> None:
        self.pending.append((key, job))
        self.drain(self.window if self.pool is not None else 0)

    def drain(self, limit: int = 0) -> None:
        """Take finished chunks, in input order, until at most ``limit`` are in flight."""
        while len(self.pending) > limit:
            key, job = self.pending.popleft()
            waited = time.perf_counter()
            result = job.result() if isinstance(job, Future) else job
            self.summary.seconds["wait"] += time.perf_counter() - waited
            _absorb(result, self.summary, self.config)
            self.loader.add(result, key)

    def skip(self, counts: ChunkCounts) -> None:
        s = self.summary
        s.chunks_skipped += 1
        s.records_skipped += counts.records
        s.records += counts.records
        s.graphs_unchanged += counts.loaded
        s.triples += counts.triples
        s.warnings += counts.warnings
        s.infos += counts.infos
        s.rejected_skipped += counts.rejected
        s.quarantined += counts.quarantined

    def finish(self, ok: bool) -> BulkSummary:
        try:
            if ok:
                self.drain(0)
                self.loader.close()
            else:
                self.loader.abort()
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
            self.manifest.close()
        s = self.summary
        counts = self.loader.counts
        s.graphs_written += counts["written"]
        s.graphs_replaced += counts["replaced"]
        s.graphs_unchanged += counts["unchanged"]
        s.triples_written += counts["triples"]
        s.seconds["load"] += self.loader.seconds
        s.wall = time.perf_counter() - self.started
        return s


def ingest_snapshot(
    path: Path | str,
    config: Config,
    store: EmbeddedStore,
    *,
    workers: int = 2,
    chunk_records: int = 1000,
    segment_quads: int = 250_000,
    force: bool = False,
    pyshacl_quarantine: bool = True,
    tee: IO[bytes] | None = None,
) -> BulkSummary:
    """Bulk-load a snapshot file (JSON lines, ``.gz`` too) into ``store``; see the module doc.

    ``workers`` processes do the CPU work (0: all in this process). ``force`` re-reads every chunk
    (unchanged graphs are still not rewritten). ``tee`` receives every N-Quads byte loaded.
    Call it from a ``__main__``-guarded program: worker processes are spawned.
    """
    path = Path(path)
    run = _Run(config, store, workers, segment_quads, pyshacl_quarantine=pyshacl_quarantine)
    run.loader.tee = tee
    if force:
        run.manifest.forget_chunks()
    ok = False
    try:
        read_started = time.perf_counter()
        for index, lines in enumerate(_chunks(path, chunk_records)):
            run.summary.chunks += 1
            digest = hashlib.blake2b(run.fingerprint.encode(), digest_size=16)
            for _, raw in lines:
                digest.update(raw)
            key = digest.digest()
            counts = run.manifest.chunk(key)
            run.summary.seconds["read"] += time.perf_counter() - read_started
            if counts is not None:
                run.skip(counts)
            elif run.pool is not None:
                run.submit(key, run.pool.submit(worker.process_lines, index, str(path), lines))
            else:
                run.submit(key, worker.process_lines(index, str(path), lines))
            read_started = time.perf_counter()
        ok = True
    finally:
        summary = run.finish(ok)
    return summary


def ingest_records(
    records: Iterable[ArxivRecord],
    config: Config,
    store: EmbeddedStore,
    *,
    batch_size: int = 1000,
    segment_quads: int = 250_000,
    pyshacl_quarantine: bool = True,
) -> BulkSummary:
    """Records already read (API, OAI-PMH) through the bulk path, in this process.

    Graph-level change detection applies (there are no input chunks to skip).
    """
    run = _Run(config, store, 0, segment_quads, pyshacl_quarantine=pyshacl_quarantine)
    ok = False
    try:
        for index, batch in enumerate(batched(records, batch_size)):
            run.summary.chunks += 1
            run.submit(None, worker.process_records(index, list(batch)))
        ok = True
    finally:
        summary = run.finish(ok)
    return summary

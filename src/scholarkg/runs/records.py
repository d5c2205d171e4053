"""arXiv records through the one pipeline, from any door: emit → gate → identity → load.

The CPU work of a chunk — reading snapshot lines, emitting each record's graph, the SHACL gate —
is :func:`process_lines` / :func:`process_records`, which run in worker processes (or inline)
and return picklable :class:`ChunkResult` objects. Identity decisions, the title index and
loading happen in the run's own process, in input order (:func:`ingest`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from scholarkg import __version__
from scholarkg.config import Config
from scholarkg.extract.snapshot import read_line
from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.identity.resolver import PaperMentions
from scholarkg.iris import MINTING, Minter
from scholarkg.lifecycle import die_with_parent
from scholarkg.limits import DEFAULT_LIMITS, Limits
from scholarkg.load.bulk import BulkLoader
from scholarkg.load.manifest import ChunkCounts
from scholarkg.load.payload import GraphPayload
from scholarkg.models import ArxivRecord, QuarantinedRecord
from scholarkg.quarantine import quarantine_records
from scholarkg.resolution.index import IndexEntry, index_entry
from scholarkg.resources import ONTOLOGY_FILES, ontology_dir, shapes_dir
from scholarkg.runs import gating
from scholarkg.runs.collector import set_for_batches
from scholarkg.runs.context import RunContext
from scholarkg.runs.loading import Loading
from scholarkg.transform import EmittedGraph
from scholarkg.transform.arxiv import arxiv_mentions, emit_arxiv
from scholarkg.transform.emit import NTriplesEmitter

COMMIT_EVERY = 20_000  # papers between identity-registry commits (lost work if killed: redone)
MAPPING_VERSION = "arxiv-3"  # bump when transform/arxiv.py changes what it emits


@dataclass
class ChunkResult:
    """Everything one chunk produced (picklable)."""

    index: int
    records: int = 0
    payloads: list[GraphPayload] = field(default_factory=list)
    mentions: list[PaperMentions] = field(default_factory=list)
    titles: list[IndexEntry] = field(default_factory=list)  # for the title index
    rejected: list[str] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    findings: list[dict[str, str | None]] = field(default_factory=list)
    pyshacl_graphs: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def counts(self) -> ChunkCounts:
        return ChunkCounts(
            self.records,
            len(self.payloads),
            sum(p.triples for p in self.payloads),
            sum(p.warnings for p in self.payloads),
            sum(p.infos for p in self.payloads),
            len(self.rejected),
            len(self.quarantined),
        )


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker process needs (picklable)."""

    iri_base: str
    quarantine_dir: str
    limits: Limits = DEFAULT_LIMITS
    shacl_fallback: str = "error"

    @classmethod
    def of(cls, config: Config) -> WorkerSetup:
        return cls(
            config.iri_base, str(config.quarantine_dir), config.limits, config.shacl.fallback
        )


_SETUP: WorkerSetup | None = None


def start_worker(setup: WorkerSetup) -> None:
    """Process-pool initializer: compile the gate once per process."""
    global _SETUP
    die_with_parent()  # a killed run takes its workers with it
    set_for_batches()
    _SETUP = setup
    gating.start_gate(setup.shacl_fallback)


def _gate_records(
    numbered: Iterable[tuple[int, ArxivRecord]], result: ChunkResult, setup: WorkerSetup
) -> ChunkResult:
    minter = Minter(setup.iri_base)
    out = NTriplesEmitter()
    clock = time.process_time
    before = gating.pyshacl_graphs()
    started = clock()
    emitted: list[EmittedGraph] = []
    records: list[ArxivRecord] = []
    for number, record in numbered:
        result.records += 1
        out.reset()
        iri = str(emit_arxiv(record, minter, out))
        if out.unwritable is not None:
            reason = f"IRI cannot be written as N-Triples: <{out.unwritable}>"
            result.quarantined.append(
                QuarantinedRecord(record.source, number, reason, record.arxiv_id)
            )
            continue
        emitted.append(EmittedGraph(iri, "arxiv", tuple(out.triples), record.source or None))
        records.append(record)
    gating_started = clock()
    result.seconds["transform"] = result.seconds.get("transform", 0.0) + gating_started - started
    for (graph, payload, findings), record in zip(gating.gate_many(emitted), records, strict=True):
        result.findings += [{"graph": graph.iri, **f.__dict__} for f in findings]
        if payload is None:
            gating.quarantine_graph(
                _quarantine_root(setup), graph.iri, list(graph.triples), findings, graph.source
            )
            result.rejected.append(graph.iri)
            continue
        result.payloads.append(payload)
        result.mentions.append(arxiv_mentions(record, minter))
        result.titles.append(index_entry(record))
    result.seconds["validate"] = result.seconds.get("validate", 0.0) + clock() - gating_started
    if _SETUP is not None:  # a worker process: the run's process counts its own gate
        result.pyshacl_graphs += gating.pyshacl_graphs() - before
    return result


def _quarantine_root(setup: WorkerSetup) -> Path:
    return Path(setup.quarantine_dir)


def process_records(index: int, records: list[ArxivRecord], setup: WorkerSetup) -> ChunkResult:
    """Records already read (API, OAI-PMH) through emit and gate."""
    return _gate_records(((0, r) for r in records), ChunkResult(index), setup)


def process_lines(
    index: int, source: str, lines: list[SnapshotLine], setup: WorkerSetup | None = None
) -> ChunkResult:
    """Snapshot lines (as :func:`snapshot_lines` reads them) through parse, emit and gate."""
    setup = setup or _SETUP
    assert setup is not None, "start_worker() first, or pass the setup"
    result = ChunkResult(index)
    started = time.process_time()
    numbered: list[tuple[int, ArxivRecord]] = []
    for line in lines:
        outcome = read_line(line, source, setup.limits)
        if isinstance(outcome, QuarantinedRecord):
            result.quarantined.append(outcome)
        elif outcome is not None:
            numbered.append((line.number, dataclasses.replace(outcome, source=source)))
    result.seconds["parse"] = time.process_time() - started
    return _gate_records(numbered, result, setup)


def fingerprint(limits: Limits, iri_base: str) -> str:
    """What, besides the input bytes, decides a chunk's graphs: mapping, IRI base, shapes,
    ontology, and the limits that decide which records are quarantined."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (MAPPING_VERSION, MINTING, __version__, Minter(iri_base).base):
        digest.update(part.encode() + b"\0")
    digest.update(f"{limits.line_bytes} {limits.literal_bytes} {limits.json_depth}\0".encode())
    for path in [
        *sorted(shapes_dir().glob("*.ttl")),
        *(ontology_dir() / n for n in ONTOLOGY_FILES),
    ]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


Job = tuple[bytes | None, "Future[ChunkResult] | ChunkResult"]


class Ingest:
    """Chunks in input order through workers, identity, the title index and a loader."""

    def __init__(self, ctx: RunContext, loading: Loading, *, workers: int) -> None:
        self.ctx = ctx
        self.loading = loading
        self.setup = WorkerSetup.of(ctx.config)
        self.pool = (
            ProcessPoolExecutor(workers, get_context("spawn"), start_worker, (self.setup,))
            if workers
            else None
        )
        self.window = 2 * max(workers, 1)
        self.pending: deque[Job] = deque()
        self.seconds: dict[str, float] = {}
        self.uncommitted = 0

    def submit_lines(
        self, index: int, source: str, lines: list[SnapshotLine], key: bytes | None
    ) -> None:
        job: Future[ChunkResult] | ChunkResult
        if self.pool is not None:
            job = self.pool.submit(process_lines, index, source, lines, self.setup)
        else:
            job = process_lines(index, source, lines, self.setup)
        self._queue(key, job)

    def submit_records(self, index: int, records: list[ArxivRecord]) -> None:
        self._queue(None, process_records(index, records, self.setup))

    def _queue(self, key: bytes | None, job: Future[ChunkResult] | ChunkResult) -> None:
        self.pending.append((key, job))
        self.drain(self.window if self.pool is not None else 0)

    def drain(self, limit: int = 0) -> None:
        """Take finished chunks, in input order, until at most ``limit`` are in flight."""
        while len(self.pending) > limit:
            self.ctx.check_stop()
            key, job = self.pending.popleft()
            result = job.result() if isinstance(job, Future) else job
            self.absorb(result, key)

    def absorb(self, result: ChunkResult, key: bytes | None) -> None:
        ctx, report = self.ctx, self.ctx.report
        started = time.perf_counter()
        ctx.identity.restate(result.mentions)
        self.uncommitted += len(result.mentions)
        if self.uncommitted >= COMMIT_EVERY:  # large transactions: each commit rewrites indexes
            ctx.registry.commit()
            self.uncommitted = 0
        self.seconds["identity"] = self.seconds.get("identity", 0.0) + time.perf_counter() - started
        started = time.perf_counter()
        ctx.index.add_entries(result.titles)
        self.seconds["index"] = self.seconds.get("index", 0.0) + time.perf_counter() - started
        for stage, seconds in result.seconds.items():
            self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds
        report.records_read += result.records
        if ctx.progress is not None:
            ctx.progress(report.records_read)
        report.rejected += result.rejected
        quarantine_records(result.quarantined, ctx.config.quarantine_dir)
        report.quarantined += [f"{q.source}:{q.line}: {q.reason}" for q in result.quarantined]
        report.findings += result.findings
        report.triples_gated += sum(p.triples for p in result.payloads)
        report.pyshacl_graphs += result.pyshacl_graphs
        self.loading.add(result.payloads, key, result.counts())

    def close(self) -> None:
        """Take every chunk still in flight, then end the workers."""
        try:
            self.drain(0)
        finally:
            self.abort()

    def abort(self) -> None:
        """End the workers now; chunks in flight are dropped (redone by the next run)."""
        self.pending.clear()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def chunks_of(records: Iterable[ArxivRecord], size: int) -> Iterator[list[ArxivRecord]]:
    batch: list[ArxivRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = ["BulkLoader", "ChunkResult", "Ingest", "chunks_of", "fingerprint", "process_lines"]

"""arXiv records through the one pipeline, from any door: emit → gate → identity → load.

The CPU work of a chunk — reading snapshot lines, emitting each record's graph, the SHACL gate —
is in :mod:`scholarkg.runs.chunk_work` (worker processes, or inline). Identity decisions, the
title index and loading happen in the run's own process, in input order (:class:`Ingest`).

A snapshot holds one version of a record per run: the first line with an arXiv id wins, and
every later line with that id is quarantined ("duplicate of arXiv id X at line N") before
anything of it reaches identity, the title index or the store. A chunk drops the later lines of
its own ids before the gate; ids read in earlier chunks are checked in input order
(:class:`FirstLines`, in :meth:`Ingest.absorb`), so workers never change the outcome.

What a chunk's records are taken out for is in :mod:`~scholarkg.runs.chunk_pruning` (duplicates)
, :mod:`~scholarkg.runs.withholding` (records deleted from the store) and
:mod:`~scholarkg.runs.holding_back` (older versions than the store holds); a chunk loaded before is
reported by :mod:`~scholarkg.runs.skipped_chunks`; what decides whether it is loaded before, by
:mod:`~scholarkg.runs.chunk_fingerprint`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.load.manifest import ChunkCounts
from scholarkg.models import ArxivRecord
from scholarkg.quarantine import quarantine_records
from scholarkg.runs import gating
from scholarkg.runs.chunk_pruning import drop_duplicates
from scholarkg.runs.chunk_work import (
    ChunkResult,
    WorkerSetup,
    process_lines,
    process_records,
    skipped_lines,
    start_worker,
)
from scholarkg.runs.context import RunContext
from scholarkg.runs.first_lines import FirstLines
from scholarkg.runs.holding_back import holding_back
from scholarkg.runs.loading import Loading
from scholarkg.runs.skipped_chunks import report_skipped
from scholarkg.runs.withholding import Withholding
from scholarkg.runs.worker_pool import Ticket, WorkerPool

COMMIT_EVERY = 20_000  # papers between identity-registry commits (lost work if killed: redone)


@dataclass
class Job:
    """A chunk in flight, with what its absorption needs besides the result."""

    work: Ticket[ChunkResult] | ChunkResult
    key: bytes | None = None
    source: str = ""
    lines: list[SnapshotLine] | None = None  # snapshot lines (the text of a duplicate)
    skipped: tuple[ChunkCounts, list[tuple[str, str]]] | None = None  # loaded before
    # the door weighed remembered deletions and the store's versions (a harvest)
    deletions_decided: bool = False
    written: dt.datetime | None = None  # snapshot lines: the time they are judged by

    def result(self) -> ChunkResult:
        """Its result; a worker's is waited for in slices (a stop, or a worker that ended,
        raises)."""
        return self.work.result() if isinstance(self.work, Ticket) else self.work


class Ingest:
    """Chunks in input order through workers, identity, the title index and a loader."""

    def __init__(self, ctx: RunContext, loading: Loading, *, workers: int) -> None:
        self.ctx = ctx
        self.loading = loading
        self.setup = WorkerSetup.of(ctx.config)
        runner = ctx.config.runner
        self.pool = (  # a worker starts when a chunk comes that no worker is free to take
            WorkerPool(
                workers,
                start_worker,
                (self.setup,),
                take_deadline=runner.take_deadline,
                answer_deadline=runner.answer_deadline,
            )
            if workers
            else None
        )
        self.window = 2 * max(workers, 1)
        self.pending: deque[Job] = deque()
        self.seconds: dict[str, float] = {}
        self.uncommitted = 0
        self.skipped = 0  # chunks loaded before and left as they are
        self.first_lines: FirstLines | None = None  # made by the first snapshot chunk
        self.withholding = Withholding(ctx)
        self.holding_back = holding_back(ctx)

    def submit_lines(
        self,
        index: int,
        source: str,
        lines: list[SnapshotLine],
        key: bytes | None,
        written: dt.datetime | None = None,
    ) -> None:
        """Snapshot lines to read (``written``: the time they are judged by, no line dated
        after it: :mod:`~scholarkg.runs.first_written`)."""
        work: Ticket[ChunkResult] | ChunkResult
        if self.pool is not None:
            work = self.pool.submit(process_lines, index, source, lines, self.setup, written)
        else:
            work = process_lines(index, source, lines, self.setup, written)
        self._queue(Job(work, key, source, lines, written=written))

    def submit_skipped(
        self,
        index: int,
        source: str,
        lines: list[SnapshotLine],
        key: bytes,
        known: tuple[ChunkCounts, list[tuple[str, str]]],
        written: dt.datetime | None = None,
    ) -> None:
        """A chunk the store holds as loaded before: reported with what it held, and its ids
        noted in input order (processed after all if one was read earlier in this run)."""
        exact = known[0].quarantined > 0  # here: a few µs a line, no worker to start for it
        work = skipped_lines(index, source, lines, exact, self.setup, written)
        self._queue(Job(work, key, source, lines, known, written=written))

    def submit_records(
        self, index: int, records: list[ArxivRecord], *, deletions_decided: bool = False
    ) -> None:
        """Records already read; ``deletions_decided``: the door (a harvest, by datestamp) has
        weighed the store's remembered deletions and versions, else they are weighed here (by
        version date, and against the latest version the store holds)."""
        work = process_records(index, records, self.setup)
        self._queue(Job(work, deletions_decided=deletions_decided))

    def _queue(self, job: Job) -> None:
        self.pending.append(job)
        self.drain(self.window if self.pool is not None else 0)

    def drain(self, limit: int = 0) -> None:
        """Take finished chunks, in input order, until at most ``limit`` are in flight."""
        while len(self.pending) > limit:
            self.ctx.check_stop()
            job = self.pending.popleft()
            self.absorb(job.result(), job)

    def absorb(self, result: ChunkResult, job: Job) -> None:
        """Take a finished chunk, in input order: drop later lines of ids read before, then
        identity, the title index, the report and the loader."""
        ctx, report = self.ctx, self.ctx.report
        key = job.key
        earlier = self._claim(result.ids)
        if job.skipped is not None:
            if not (earlier or result.stale or self.withholding.deleted_among(result.ids)):
                assert job.lines
                self.skipped += 1
                report_skipped(ctx, result, job.source, job.lines, job.skipped)
                self.loading.skipped(job.skipped[0].loaded)
                return
            assert job.lines is not None  # not the chunk it was: process it after all
            result = process_lines(  # judged (before: not, no record dated after anything)
                result.index, job.source, job.lines, self.setup, job.written
            )
            earlier = self._claim(result.ids)
        if earlier:
            drop_duplicates(result, earlier, ctx.minter, job.source, job.lines or ())
            key = None  # what it loads depends on earlier chunks: processed on every run
        if not job.deletions_decided and self.withholding.withhold(result):
            key = None  # what it loads depends on deletions: processed on every run
        if self.holding_back.hold_back(result, decided=job.deletions_decided):
            key = None  # what it loads depends on the store's versions: processed every run
        started = time.perf_counter()
        ctx.identity.restate(result.mentions)
        if key is not None:  # skipped by a later run only once these decisions are kept
            ctx.registry.note_decided(key)
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
        if result.rejected_graphs:
            kept = ctx.config.quarantine_dir
            gating.quarantine_graphs(kept, ctx.run_id, result.rejected_graphs)
        quarantine_records(result.quarantined, ctx.config.quarantine_dir, ctx.run_id)
        report.quarantined += [q.describe() for q in result.quarantined]
        report.findings += result.findings
        report.triples_gated += sum(p.triples for p in result.payloads)
        report.pyshacl_graphs += result.pyshacl_graphs
        self.loading.add(result.payloads, key, result.counts())

    def _claim(self, ids: list[tuple[str, int]]) -> dict[str, int]:
        if not ids:
            return {}
        if self.first_lines is None:
            self.first_lines = FirstLines(self.ctx.config.state_dir)
        return self.first_lines.claim(ids)

    def close(self) -> None:
        """Take every chunk still in flight, then end the workers."""
        try:
            self.drain(0)
            if self.pool is not None:
                self.pool.close()
        finally:
            self.abort()

    def abort(self) -> None:
        """End the workers now; chunks in flight are dropped (redone by the next run)."""
        self.pending.clear()
        try:
            if self.pool is not None:  # killed: none is waited for, nor can hold the exit
                self.pool.abort()
                self.pool = None
        finally:
            if self.first_lines is not None:
                self.first_lines.close()
                self.first_lines = None


def chunks_of(records: Iterable[ArxivRecord], size: int) -> Iterator[list[ArxivRecord]]:
    batch: list[ArxivRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = ["Ingest", "chunks_of"]

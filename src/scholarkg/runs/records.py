"""arXiv records through the one pipeline, from any door: emit → gate → identity → load.

The CPU work of a chunk — reading snapshot lines, emitting each record's graph, the SHACL gate —
is in :mod:`scholarkg.runs.chunk_work` (worker processes, or inline). Identity decisions, the
title index and loading happen in the run's own process, in input order (:class:`Ingest`).

A snapshot holds one version of a record per run: the first line with an arXiv id wins, and
every later line with that id is quarantined ("duplicate of arXiv id X at line N") before
anything of it reaches identity, the title index or the store. A chunk drops the later lines of
its own ids before the gate; ids read in earlier chunks are checked in input order
(:class:`FirstLines`, in :meth:`Ingest.absorb`), so workers never change the outcome.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from scholarkg import __version__
from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.iris import MINTING, Minter
from scholarkg.limits import Limits
from scholarkg.load.manifest import ChunkCounts
from scholarkg.models import ArxivRecord
from scholarkg.quarantine import quarantine_records
from scholarkg.resources import ONTOLOGY_FILES, ontology_dir, shapes_dir
from scholarkg.runs import gating
from scholarkg.runs.chunk_work import (
    ChunkResult,
    WorkerSetup,
    duplicate,
    process_lines,
    process_records,
    skipped_lines,
    start_worker,
)
from scholarkg.runs.context import RunContext
from scholarkg.runs.deletions import comes_back
from scholarkg.runs.first_lines import FirstLines
from scholarkg.runs.harvest_listings import some
from scholarkg.runs.loading import Loading

COMMIT_EVERY = 20_000  # papers between identity-registry commits (lost work if killed: redone)
# bump when transform/arxiv.py changes what it emits or the snapshot reader what it refuses
# (arxiv-4: control characters quarantine their line; arxiv-5: C1 controls too, as the API and
# OAI-PMH readers refuse them, and "ATLAS Collaboration: G. Aad" is a person named for a group,
# skg:onBehalfOf; chunks loaded before are read again)
MAPPING_VERSION = "arxiv-5"


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


@dataclass
class Job:
    """A chunk in flight, with what its absorption needs besides the result."""

    work: Future[ChunkResult] | ChunkResult
    key: bytes | None = None
    source: str = ""
    lines: list[SnapshotLine] | None = None  # snapshot lines (the text of a duplicate)
    skipped: tuple[ChunkCounts, list[tuple[str, str]]] | None = None  # loaded before
    deletions_decided: bool = False  # the door weighed remembered deletions (a harvest)

    def result(self) -> ChunkResult:
        return self.work.result() if isinstance(self.work, Future) else self.work


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
        self.skipped = 0  # chunks loaded before and left as they are
        self.first_lines: FirstLines | None = None  # made by the first snapshot chunk
        self.withheld: dict[str, str] = {}  # deleted records not read back: arXiv id, why
        self._withheld_note: int | None = None  # where the report tells them

    def submit_lines(
        self, index: int, source: str, lines: list[SnapshotLine], key: bytes | None
    ) -> None:
        work: Future[ChunkResult] | ChunkResult
        if self.pool is not None:
            work = self.pool.submit(process_lines, index, source, lines, self.setup)
        else:
            work = process_lines(index, source, lines, self.setup)
        self._queue(Job(work, key, source, lines))

    def submit_skipped(
        self,
        index: int,
        source: str,
        lines: list[SnapshotLine],
        key: bytes,
        known: tuple[ChunkCounts, list[tuple[str, str]]],
    ) -> None:
        """A chunk the store holds as loaded before: reported with what it held, and its ids
        noted in input order (processed after all if one was read earlier in this run)."""
        exact = known[0].quarantined > 0  # here: a few µs a line, no worker to start for it
        work = skipped_lines(index, source, lines, exact, self.setup)
        self._queue(Job(work, key, source, lines, known))

    def submit_records(
        self, index: int, records: list[ArxivRecord], *, deletions_decided: bool = False
    ) -> None:
        """Records already read; ``deletions_decided``: the door (a harvest, by datestamp) has
        weighed the store's remembered deletions, else they are weighed here by version date."""
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
            if not (earlier or result.stale or self._deleted_among(result.ids)):
                self._absorb_skipped(result, job)
                return
            assert job.lines is not None  # not the chunk it was: process it after all
            result = process_lines(result.index, job.source, job.lines, self.setup)
            earlier = self._claim(result.ids)
        if earlier:
            self._drop_duplicates(result, earlier, job)
            key = None  # what it loads depends on earlier chunks: processed on every run
        if not job.deletions_decided and self._withhold_deleted(result):
            key = None  # what it loads depends on deletions: processed on every run
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
        for graph, findings in result.rejected_graphs:
            gating.quarantine_graph(
                ctx.config.quarantine_dir, graph.iri, list(graph.triples), findings, graph.source
            )
        quarantine_records(result.quarantined, ctx.config.quarantine_dir)
        report.quarantined += [f"{q.source}:{q.line}: {q.reason}" for q in result.quarantined]
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

    def _drop_duplicates(self, result: ChunkResult, earlier: dict[str, int], job: Job) -> None:
        """Quarantine the chunk's lines of ids read in earlier chunks; nothing of them is kept."""
        graphs = {str(self.ctx.minter.arxiv_graph(arxiv_id)) for arxiv_id in earlier}
        keep = [i for i, p in enumerate(result.payloads) if p.iri not in graphs]
        result.payloads = [result.payloads[i] for i in keep]
        result.mentions = [result.mentions[i] for i in keep]
        result.titles = [result.titles[i] for i in keep]
        for arxiv_id in earlier:  # their lines here were not read: not this chunk's records
            result.dates.pop(arxiv_id, None)
        result.rejected = [iri for iri in result.rejected if iri not in graphs]
        result.rejected_graphs = [r for r in result.rejected_graphs if r[0].iri not in graphs]
        result.findings = [f for f in result.findings if f.get("graph") not in graphs]
        later = {line: arxiv_id for arxiv_id, line in result.ids if arxiv_id in earlier}
        result.ids = [(arxiv_id, line) for arxiv_id, line in result.ids if line not in later]
        later.update((n, i) for n, i in result.repeats.items() if i in earlier)  # to the first
        by_number = {line.number: line for line in job.lines or () if line.number in later}
        result.quarantined = sorted(
            [
                *(q for q in result.quarantined if q.line not in later),
                *(
                    duplicate(job.source, by_number[line], arxiv_id, earlier[arxiv_id])
                    for line, arxiv_id in later.items()
                ),
            ],
            key=lambda q: q.line,
        )

    def _deleted_among(self, ids: list[tuple[str, int]]) -> bool:
        """Whether a chunk loaded before reads a record deleted since (then it is processed:
        the record is withheld, whatever it came out as then)."""
        deletions = self.ctx.deletions
        return bool(deletions) and bool(deletions.of([arxiv_id for arxiv_id, _ in ids]))

    def _withhold_deleted(self, result: ChunkResult) -> bool:
        """Records deleted from the store (:mod:`~scholarkg.runs.deletions`) whose state here has
        no version dated after the deletion are withheld, rejected by the gate or not: read,
        counted as deleted, nothing of them kept. A later state is the record come back: once
        the store holds it, the deletion is forgotten. Returns whether any was withheld."""
        deletions = self.ctx.deletions
        if not deletions or not result.dates:
            return False
        tombstones = deletions.of(list(result.dates))
        withheld = {i: d for i, d in tombstones.items() if not comes_back(d, result.dates[i])}
        back = {p.iri for p in result.payloads}
        returning = [
            (i, result.dates[i])
            for i in tombstones
            if i not in withheld and str(self.ctx.minter.arxiv_graph(i)) in back
        ]
        self.ctx.forget_deletions(returning)
        if not withheld:
            return False
        gone = {str(self.ctx.minter.arxiv_graph(i)) for i in withheld}
        keep = [n for n, p in enumerate(result.payloads) if p.iri not in gone]
        result.payloads = [result.payloads[n] for n in keep]
        result.mentions = [result.mentions[n] for n in keep]
        result.titles = [result.titles[n] for n in keep]
        result.rejected = [iri for iri in result.rejected if iri not in gone]
        result.rejected_graphs = [r for r in result.rejected_graphs if r[0].iri not in gone]
        result.findings = [f for f in result.findings if f.get("graph") not in gone]
        self.ctx.report.records_deleted += len(withheld)
        self.withheld.update(
            {
                i: f"deleted {day}, latest version {result.dates[i] or 'undated'}"
                for i, day in withheld.items()
            }
        )
        told = some(f"{i} ({why})" for i, why in self.withheld.items())
        note = (
            f"{len(self.withheld)} records withheld: their source deleted them from the store "
            f"and they have no version since: {told}"
        )
        notes = self.ctx.report.notes
        if self._withheld_note is None:
            self._withheld_note = len(notes)
            notes.append(note)
        else:
            notes[self._withheld_note] = note
        return True

    def _absorb_skipped(self, result: ChunkResult, job: Job) -> None:
        """Report a chunk loaded before as it was reported then: its counts, its quarantined
        lines and rejected graphs again (named when they can be told without the gate)."""
        assert job.skipped is not None and job.lines
        ctx, report = self.ctx, self.ctx.report
        counts, graphs = job.skipped
        self.skipped += 1
        report.records_read += counts.records
        report.records_loaded += counts.loaded
        report.graphs_unchanged += len(graphs)
        report.triples_gated += counts.triples  # gated when the chunk was loaded
        if ctx.progress is not None:
            ctx.progress(report.records_read)
        where = f"{job.source}:{job.lines[0].number}-{job.lines[-1].number}"
        kept = ctx.config.quarantine_dir
        quarantine_records(result.quarantined, kept)
        report.quarantined += [f"{q.source}:{q.line}: {q.reason}" for q in result.quarantined]
        untold = max(counts.quarantined - len(result.quarantined), 0)  # told by the emitter
        report.quarantined += [
            f"{where}: {n} of {untold} lines quarantined when this chunk was loaded "
            f"(unchanged since, skipped; see {kept / 'records'})"
            for n in range(1, untold + 1)
        ]
        loaded = {iri for iri, _ in graphs}
        rejected = [
            iri
            for iri in (str(ctx.minter.arxiv_graph(arxiv_id)) for arxiv_id, _ in result.ids)
            if iri not in loaded
        ]
        if untold or len(rejected) != counts.rejected:
            rejected = [
                f"{where}: {n} of {counts.rejected} graphs rejected when this chunk was loaded "
                f"(unchanged since, skipped; see {kept / 'graphs'})"
                for n in range(1, counts.rejected + 1)
            ]
        report.rejected += rejected
        report.findings += json.loads(counts.findings) if counts.findings else []

    def close(self) -> None:
        """Take every chunk still in flight, then end the workers."""
        try:
            self.drain(0)
        finally:
            self.abort()

    def abort(self) -> None:
        """End the workers now; chunks in flight are dropped (redone by the next run)."""
        self.pending.clear()
        try:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
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


__all__ = ["Ingest", "chunks_of", "fingerprint"]

"""The run's loader: transactional or bulk, for any store kind, with the outbox behind it.

Graphs earlier runs could not load into this run's store are taken first (unless this run made
a newer version); those kept for another store wait for a run into that one.
When the store stops answering, everything not yet written goes to this run's outbox folder
and the run fails with one line; a graph the store refuses on its own goes to the dead-letter
folder and the rest loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scholarkg.errors import LoadError, QueryError, WriteFailed
from scholarkg.load.bulk import BulkLoader
from scholarkg.load.contents import bucket_of
from scholarkg.load.manifest import ChunkCounts
from scholarkg.load.payload import GraphPayload, report_graph_iri
from scholarkg.load.transactional import LoadTally, StoreUnavailable, TransactionalLoader
from scholarkg.runs.context import RunContext


class Loading:
    """See the module doc. ``bulk`` picks the segment loader."""

    def __init__(self, ctx: RunContext, *, bulk: bool = False) -> None:
        self.ctx = ctx
        self.bulk = bulk
        self.failed: str | None = None
        self._kept = 0
        self._settled: list[Path] = []
        self._loader: BulkLoader | TransactionalLoader | None = None
        # graphs of this run that an earlier run kept in the outbox (only those: the names of
        # every graph a run loads would grow with it; the data directory's lock keeps the
        # outbox as it was when the run began)
        self._seen: set[str] = set()
        self._waiting: set[str] | None = None  # names in the outbox for this store
        self._dropped: list[str] = []
        self._stopped = False  # a bulk loader aborted: its tally holds what the store took

    def _open(self) -> BulkLoader | TransactionalLoader:
        if self._loader is None:
            ctx = self.ctx
            if self.bulk:
                self._loader = BulkLoader(
                    ctx.store,
                    ctx.open_manifest,
                    run_iri=ctx.run.iri,
                    when=ctx.now(),
                    changes=ctx.changes,
                    segment_quads=ctx.config.store.segment_quads,
                    idle_deadline=ctx.config.store.loader_idle_deadline,
                    abort_deadline=ctx.config.store.loader_abort_deadline,
                    stop=ctx.stop,  # a SIGTERM ends its waits and its loading within seconds
                )
            else:
                self._loader = TransactionalLoader(
                    ctx.store,
                    ctx.open_manifest(),
                    run_iri=ctx.run.iri,
                    when=ctx.now(),
                    changes=ctx.changes,
                    dead=ctx.dead,
                )
        return self._loader

    def add(
        self,
        payloads: Sequence[GraphPayload],
        key: bytes | None = None,
        counts: ChunkCounts | None = None,
        *,
        papers: int = 0,
    ) -> None:
        """Load (or, once the store has failed, keep) these graphs; ``papers``: a build's
        listed papers they hold (noted with the loader's commit: a run killed after is known by
        them)."""
        if self._waiting is None:
            self._waiting = {payload.iri for _, payload in self.ctx.outbox.pending()}
        if self._waiting:
            self._seen.update(p.iri for p in payloads if p.iri in self._waiting)
        if self._stopped:  # the next run makes them again
            return
        if self.failed is not None:
            self._kept += self.ctx.outbox.keep(payloads)
            return
        records = 0 if counts is None else counts.loaded
        read = self.ctx.report.records_read  # these included: noted with their commit
        try:
            loader = self._open()
            if isinstance(loader, BulkLoader):
                loader.add(list(payloads), key, counts, read)  # counted when its segment commits
            else:
                loader.load(payloads, records, papers, read)  # counted with its commit
        except StoreUnavailable as exc:
            self._fail(str(exc), exc.remaining)
        except (LoadError, QueryError) as exc:  # the store cannot be written or read
            self._fail(str(exc), payloads if not self.bulk else ())

    def skipped(self, records: int) -> None:
        """A chunk of ``records`` loaded before was skipped (its report counts it): noted with
        the loader's commits, so a run killed later is known to have loaded them too."""
        if records and self.failed is None and not self._stopped:
            try:
                self._open().skipped(records, self.ctx.report.records_read)
            except (LoadError, QueryError) as exc:
                self._fail(str(exc), ())

    def _fail(self, message: str, remaining: Sequence[GraphPayload]) -> None:
        self.failed = message
        self._kept += self.ctx.outbox.keep(remaining)

    def pending_first(self) -> None:
        """Load what earlier runs kept in the outbox for this store (before anything of this
        run); see :meth:`~scholarkg.load.outbox.Outbox.pending`."""
        for where, count in self.ctx.outbox.elsewhere().items():
            self.ctx.report.notes.append(
                f"outbox: {count} graphs kept by earlier runs wait for {where} "
                f"(in {self.ctx.outbox.root}; a run into that store loads them)"
            )
        waiting = self.ctx.outbox.pending()
        self._waiting = {payload.iri for _, payload in waiting}
        if not waiting:
            return
        self.add([payload for _, payload in waiting])
        if self.failed is None:
            self._settled += [record for record, _ in waiting]

    def settle_superseded(self) -> None:
        """Outbox entries this run replaced with a newer version of the same graph."""
        for record, payload in self.ctx.outbox.pending():
            if payload.iri in self._seen and self.failed is None:
                self._settled.append(record)

    def drop(self, iris: Sequence[str]) -> None:
        """Remove these graphs (and their reports); those the store held count as removed.
        A store that cannot drop them fails the run as a failed load does (:attr:`failed`)."""
        if self.failed is not None or self._stopped:
            return
        self._dropped += list(iris)
        try:
            self._open().drop(list(iris))
        except (LoadError, QueryError) as exc:  # StoreUnavailable included
            self._fail(str(exc), ())

    def close(self) -> LoadTally | None:
        """Finish loading and put the tally into the run report, after a failure of the store
        too: what the loader wrote until then."""
        tally: LoadTally | None = None
        report = self.ctx.report
        if self._loader is not None and self.failed is None and not self._stopped:
            try:
                tally = (
                    self._loader.close()
                    if isinstance(self._loader, BulkLoader)
                    else self._loader.tally
                )
                if isinstance(self._loader, TransactionalLoader):
                    self._loader.manifest.close()
            except (LoadError, QueryError) as exc:
                self.failed = str(exc)
        if self.failed is None:
            for record in self._settled:
                self.ctx.outbox.settle(record)
        else:
            report.store_error = self.failed
        if tally is None and self._loader is not None:  # stopped, or the store failed part-way
            tally = self._loader.tally
            if isinstance(self._loader, BulkLoader) and self.failed is not None:
                report.notes.append(
                    "the store failed in a bulk segment: of the segment's graphs those it holds"
                    " are counted as written; the next run writes them again"
                )
        # records the store holds, even when loading stopped part-way
        if self._loader is not None:
            report.records_loaded += self._loader.tally.records
        if tally is not None:
            self.ctx.touched_buckets |= tally.buckets
            for graph in self._dropped:
                self.ctx.touched_buckets |= {bucket_of(graph), bucket_of(report_graph_iri(graph))}
            changes = tally.changes
            report.graphs_written += tally.written
            report.graphs_removed = (report.graphs_removed or 0) + tally.removed
            report.graphs_unchanged += tally.unchanged
            report.triples_added = (report.triples_added or 0) + changes.added
            report.triples_removed = (report.triples_removed or 0) + changes.removed
            report.provenance_triples += tally.provenance
            report.report_triples += tally.reports
            report.dead += tally.dead
            if tally.dead:
                report.dead_dir = str(self.ctx.dead.folder)
            if changes.graphs and changes.directory is not None:
                report.changes_dir = str(tally.changes.directory)
            self._flush(tally)  # last: the counts are what the store holds, written or not
        if self._kept:
            report.kept += self._kept
            report.outbox_dir = str(self.ctx.outbox.folder())
        return tally

    def _flush(self, tally: LoadTally) -> None:
        """Write out the change set; a file the disk refuses is a failure of the run (the
        store holds what the report counts), in one line naming it; not said again when the
        run failed on a file of its change set already."""
        try:
            tally.changes.flush()
        except WriteFailed as exc:
            report, folder = self.ctx.report, str(tally.changes.directory)
            if report.run_error is None or folder not in report.run_error:
                report.failures.append((str(exc.path), str(exc)))

    def abort(self) -> None:
        """Stop loading now: a bulk segment in progress is not committed (the graphs of it the
        store took are counted by :meth:`close`, the next run writes them again). A loader
        thread that does not end is the run's store failure, in one line naming it."""
        if isinstance(self._loader, BulkLoader):
            self._stopped = True
            try:
                self._loader.abort()
            except LoadError as exc:  # its thread still writing: the store's state is unknown
                self.failed = self.failed or str(exc)

"""The arXiv jobs — fetch by id, harvest OAI-PMH, load a snapshot — on the one pipeline.

Each reads records through its door, sends them through :class:`~scholarkg.runs.records.Ingest`
(emit, gate, identity, title index) into the run's loader, and closes the run like every job.
A snapshot load uses the bulk loader by default; the others load graph by graph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pyoxigraph as ox

from scholarkg.clients import arxiv_api_client, oai_client
from scholarkg.config import Config
from scholarkg.errors import ConfigError, ScholarKGError, WorkerLost, WriteFailed
from scholarkg.extract.oai_pages import OaiPage
from scholarkg.extract.oai_pmh import oai_date
from scholarkg.extract.oai_state import HarvestState
from scholarkg.extract.paging import PagingStopped
from scholarkg.extract.snapshot import batched
from scholarkg.extract.snapshot_lines import SnapshotLine, snapshot_lines
from scholarkg.harvest import WATERMARKS_NAME, Checkpoint, HarvestJob
from scholarkg.incremental import SourceStates
from scholarkg.lifecycle import Interrupted
from scholarkg.limits import Limits
from scholarkg.load.manifest import store_state_dir
from scholarkg.models import ArxivRecord, QuarantinedRecord
from scholarkg.quarantine import quarantine_records
from scholarkg.runs.build import finish
from scholarkg.runs.chunk_fingerprint import fingerprint
from scholarkg.runs.context import ProgressSink, RunContext
from scholarkg.runs.cut_short import stop_run
from scholarkg.runs.harvest_listings import Listings, some
from scholarkg.runs.loading import Loading
from scholarkg.runs.records import Ingest, chunks_of
from scholarkg.store.sparql_text import iri_ref


def fetch_ids(
    config: Config, ids: list[str], *, progress: ProgressSink | None = None
) -> RunContext:
    """Fetch e-prints by id through the API and load them; ids arXiv has no record of, and
    strings that are no arXiv id (not sent), are failures, each told as what it is."""
    with RunContext(config, "fetch", progress=progress) as ctx:
        loading = Loading(ctx)
        client = arxiv_api_client(config)
        try:
            try:
                result = client.fetch_by_ids(ids, batch_size=config.arxiv.batch_size)
            finally:
                client.http.close()
            ctx.report.warnings += client.warnings  # answers cut at max_results
            loading.pending_first()
            ingest = Ingest(ctx, loading, workers=0)
            _quarantined(ctx, result.quarantined)
            records = _one_per_paper(ctx, result.records)
            for index, batch in enumerate(chunks_of(records, 200)):
                ingest.submit_records(index, batch)
            ingest.close()
            ctx.report.requests["id lookups"] = len(result.archived)
            for arxiv_id in result.missing:
                ctx.report.failures.append((arxiv_id, "arXiv returned no such record"))
            for text in result.invalid:  # never sent: arXiv was not asked
                ctx.report.failures.append((text, "not an arXiv identifier (not asked)"))
            _touch(ctx, [r.arxiv_id for r in records])
            finish(ctx, loading)
        except (Interrupted, WriteFailed) as exc:  # stopped, or a full disk: reported
            stop_run(ctx, loading, exc)
        return ctx


def _one_per_paper(ctx: RunContext, records: Sequence[ArxivRecord]) -> list[ArxivRecord]:
    """One record per paper: ids asked in several versions (``2104.12255v1`` and ``2104.12255``)
    are one paper with one graph, so the newest version found is read and loaded (counted once,
    as the store holds it) and a note tells which were left."""
    newest: dict[str, ArxivRecord] = {}
    for record in records:
        before = newest.get(record.arxiv_id)
        if before is None or _version(record) >= _version(before):
            newest[record.arxiv_id] = record
    left = len(records) - len(newest)
    if left:
        twice = sorted({r.arxiv_id for r in records if newest[r.arxiv_id] is not r})
        ctx.report.notes.append(
            f"{left} records were older versions of a paper also found in a newer version "
            f"(one graph a paper, the newest loaded, counted once): {some(twice)}"
        )
    return list(newest.values())


def _version(record: ArxivRecord) -> int:
    return max((v.number for v in record.versions), default=0)


FetchPage = Callable[[HarvestJob, Checkpoint], OaiPage]


def harvest(
    config: Config,
    set_spec: str | None,
    prefix: str,
    from_date: str | None = None,
    *,
    fetch_page: FetchPage | None = None,
    progress: ProgressSink | None = None,
    again: bool = False,
) -> RunContext:
    """OAI-PMH ListRecords from the checkpoint, else the watermark, else ``from_date``; each
    page is loaded before the checkpoint moves past it. ``fetch_page`` replaces the direct
    request (the flow passes a retried task). A ``from_date`` that is no calendar date is a
    :class:`~scholarkg.errors.ConfigError` before the run starts (nothing asked, nothing
    recorded), as ``--from`` is a usage error. ``again`` harvests from ``from_date`` even past
    a watermark or checkpoint (:meth:`~scholarkg.harvest.HarvestJob.again`)."""
    from_date = oai_date(from_date)
    if again:
        check_again(config, [set_spec], prefix, from_date)
    with RunContext(config, "harvest", progress=progress) as ctx:
        job = HarvestJob.of(config, prefix, set_spec)
        resuming = job.resuming and not again
        at = job.again(from_date) if again and from_date else job.start(from_date)
        where = f"resuming after page {at.pages_done}" if resuming else f"from {at.from_date}"
        ctx.report.notes.append(f"harvest {job.key} {where}")
        loading = Loading(ctx)
        ingest = Ingest(ctx, loading, workers=0)
        listings = Listings(ctx)
        client = oai_client(config)
        fetch = fetch_page or (lambda job_, at_: job_.fetch(client, at_))
        try:
            loading.pending_first()
            index = 0
            while True:
                ctx.check_stop()
                try:
                    page = fetch(job, at)
                except ScholarKGError as exc:  # the source failed: keep what was loaded
                    ctx.report.failures.append((f"OAI-PMH {job.key}", str(exc)))
                    break
                ctx.report.requests["ListRecords pages"] = at.pages_done + 1
                _quarantined(ctx, page.quarantined)
                records, deleted = listings.take(page)
                ingest.submit_records(index, records, deletions_decided=True)  # absorbed now
                _delete(ctx, loading, [(i, listings.seen[i].datestamp) for i in deleted])
                listings.settle(records, deleted, loading)
                _touch(ctx, [r.arxiv_id for r in records])
                index += 1
                if loading.failed is not None:
                    break
                try:
                    at = job.page_loaded(at, page)
                except PagingStopped as exc:  # a loop, the page cap or the deadline: resumable
                    ctx.report.failures.append((f"OAI-PMH {job.key}", str(exc)))
                    break
                if not at.next_token:
                    break
            ctx.report.notes += job.notices + listings.notes()
            ctx.report.warnings += job.warnings
            listings.close()
            ingest.close()
            finish(ctx, loading)
        except (Interrupted, WriteFailed) as exc:  # stopped, or a full disk: reported
            ingest.abort()
            stop_run(ctx, loading, exc)
        finally:
            client.http.close()
        return ctx


LOST_WORKER = (
    "a worker process ended abruptly (killed, or out of memory); the run stopped there, and "
    "the next run redoes the chunks it had not loaded"
)


def check_again(
    config: Config, sets: Sequence[str | None], prefix: str, from_date: str | None
) -> None:
    """Refuse harvesting ``sets`` again from ``from_date`` before any of them is harvested: a
    :class:`~scholarkg.errors.ConfigError` when it is no date, or after a set's watermark
    (else the sets before that one would be harvested, and the command fail half-way)."""
    day = oai_date(from_date)
    if day is None:
        raise ConfigError(
            "--again / again needs the date to harvest again from: give --from / from_date"
        )
    state = HarvestState(store_state_dir(config) / WATERMARKS_NAME)
    for spec in sets:
        state.check_rewind(HarvestState.key(prefix, spec), day)


def read_chunks(
    path: Path, size: int, limits: Limits, marked: list[int] | None = None
) -> Iterator[list[SnapshotLine]]:
    """Numbered lines of a snapshot file within the limits, ``size`` at a time; the numbers of
    lines read without the byte-order mark they began with go to ``marked``
    (:func:`~scholarkg.extract.snapshot_lines.snapshot_lines`)."""
    return (list(chunk) for chunk in batched(snapshot_lines(path, limits, marked), size))


def _marked_note(marked: list[int]) -> str:
    """The report's note on lines that began with a byte-order mark, past the first."""
    lines = some(str(n) for n in marked)
    return (
        f"a UTF-8 byte-order mark began {len(marked)} line(s) past the first (files joined?); "
        f"read without it: {lines}"
    )


def load_snapshot(
    config: Config,
    path: Path,
    *,
    chunk_records: int = 1000,
    workers: int | None = None,
    bulk: bool = True,
    force: bool = False,
    progress: ProgressSink | None = None,
) -> RunContext:
    """Stream a snapshot file through the pipeline; chunks loaded before are skipped once the
    store is seen to hold their graphs and the identity registry their decisions (so an
    interrupted load resumes), and reported with what they held (records, rejected and
    quarantined). The first line with an arXiv id is the
    record; later lines with that id are quarantined as duplicates. A ``chunk_records`` below
    1 (a deployment's parameter, say) is a :class:`ConfigError` before the run starts."""
    if chunk_records < 1:
        raise ConfigError(
            f"chunk_records: {chunk_records!r} is not a number of records (a whole number of at "
            "least 1)"
        )
    workers = config.runner.max_workers if workers is None else workers
    with RunContext(config, "snapshot", progress=progress) as ctx:
        loading = Loading(ctx, bulk=bulk)
        ingest = Ingest(ctx, loading, workers=workers)
        manifest = ctx.open_manifest()
        if force:
            manifest.forget_chunks()
        stamp = fingerprint(config.limits, config.iri_base).encode()
        try:
            loading.pending_first()
            marked: list[int] = []
            chunks = read_chunks(path, chunk_records, config.limits, marked)
            for index, lines in enumerate(chunks):
                ctx.check_stop()
                digest = hashlib.blake2b(stamp, digest_size=16)
                for _, raw, problem in lines:
                    digest.update(raw if problem is None else f"\0{problem}\0".encode())
                key = digest.digest()
                known = manifest.chunk(key)
                if (
                    known is not None
                    and manifest.held(known[1], ctx.store.graph_sizes)
                    and ctx.registry.decided(key)  # a run killed before keeping them: decide
                ):
                    ingest.submit_skipped(index, str(path), lines, key, known)
                    continue
                ingest.submit_lines(index, str(path), lines, key)
            ingest.drain(0)
            if marked:
                ctx.report.notes.append(_marked_note(marked))
            if ingest.skipped:
                ctx.report.notes.append(
                    f"{ingest.skipped} chunks unchanged since the last run (skipped)"
                )
            finish(ctx, loading, ingest)  # the workers make the person graphs too
        except (Interrupted, WriteFailed) as exc:  # stopped, or a full disk: reported
            ingest.abort()
            stop_run(ctx, loading, exc)
        except BrokenProcessPool:  # a worker killed (SIGKILL, out of memory): reported
            ingest.abort()
            stop_run(ctx, loading, WorkerLost(LOST_WORKER))
        except BaseException:
            ingest.abort()
            loading.abort()
            raise
        finally:
            manifest.close()
        return ctx


def _quarantined(ctx: RunContext, records: Sequence[QuarantinedRecord]) -> None:
    """Records a door read but could not use (a bad field): kept under quarantine and counted
    as read, as the snapshot door counts its lines (read = loaded + rejected + quarantined)."""
    quarantine_records(records, ctx.config.quarantine_dir)
    ctx.report.quarantined += [q.describe() for q in records]
    ctx.report.records_read += len(records)  # read, not loaded


def _delete(ctx: RunContext, loading: Loading, deleted: list[tuple[str, dt.date | None]]) -> None:
    """Records the source lists as deleted ``(arXiv id, datestamp)``: their graphs go, their
    authorships are withdrawn from their persons, their titles leave the index, and the
    deletion is remembered (an older state from another door is withheld); read and counted
    as deleted."""
    if not deleted or loading.failed is not None:  # the store failed: the page is listed again
        return
    ids = [arxiv_id for arxiv_id, _ in deleted]
    graphs = [str(ctx.minter.arxiv_graph(i)) for i in ids]
    loading.drop(graphs)
    if loading.failed is not None:  # the graphs stay, and so does all else: listed again
        return
    ctx.identity.retract(graphs, "was deleted by its source (OAI-PMH)")
    ctx.index.remove(ids)
    ctx.deletions.mark(deleted)
    ctx.versions.forget(ids)  # an older version dated after the deletion is the record back
    ctx.report.records_read += len(ids)
    ctx.report.records_deleted += len(ids)
    listing = _profiles_listing(ctx, [str(ctx.minter.paper_by_arxiv(i)) for i in ids])
    if listing:
        ctx.report.warnings.append(
            f"{len(listing)} profiles list a paper their source deleted; the next `scholarkg "
            f"run` builds them again without it: {some(listing)}"
        )


def _profiles_listing(ctx: RunContext, papers: list[str]) -> list[str]:
    """Forget the profile sources whose graphs state one of ``papers`` (so the next build
    resolves them again); returns their locations."""
    sources = SourceStates(ctx.config)
    built = sources.graphs()
    if not built:
        return []
    values = " ".join(iri_ref(p) for p in papers)
    query = (
        f"SELECT DISTINCT ?g WHERE {{ VALUES ?paper {{ {values} }} "
        "GRAPH ?g { { ?paper ?p ?o } UNION { ?s ?p ?paper } } }"
    )
    rows = ctx.store.query(query, union=False)
    assert isinstance(rows, ox.QuerySolutions)
    listing = {str(row[0].value) for row in rows} & built
    return sources.forget_graphs(listing)


def _touch(ctx: RunContext, ids: list[str]) -> None:
    ctx.touched_papers.update(str(ctx.minter.paper_by_arxiv(i)) for i in ids)

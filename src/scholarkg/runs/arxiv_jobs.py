"""The arXiv jobs — fetch by id, harvest OAI-PMH, load a snapshot — on the one pipeline.

Each reads records through its door, sends them through :class:`~scholarkg.runs.records.Ingest`
(emit, gate, identity, title index) into the run's loader, and closes the run like every job.
A snapshot load uses the bulk loader by default; the others load graph by graph.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, cast

from scholarkg.clients import arxiv_api_client, oai_client
from scholarkg.config import Config
from scholarkg.errors import ExtractError, ScholarKGError
from scholarkg.extract.oai_pmh import OaiPage
from scholarkg.extract.snapshot import batched
from scholarkg.harvest import Checkpoint, HarvestJob
from scholarkg.lifecycle import Interrupted
from scholarkg.quarantine import quarantine_records
from scholarkg.runs.build import finish
from scholarkg.runs.close import stop_run
from scholarkg.runs.context import RunContext
from scholarkg.runs.loading import Loading
from scholarkg.runs.records import Ingest, chunks_of, fingerprint


def fetch_ids(config: Config, ids: list[str]) -> RunContext:
    """Fetch e-prints by id through the API and load them; missing ids are failures."""
    with RunContext(config, "fetch") as ctx:
        client = arxiv_api_client(config)
        try:
            result = client.fetch_by_ids(ids, batch_size=config.arxiv.batch_size)
        finally:
            client.http.close()
        loading = Loading(ctx)
        try:
            loading.pending_first()
            ingest = Ingest(ctx, loading, workers=0)
            for index, batch in enumerate(chunks_of(result.records, 200)):
                ingest.submit_records(index, batch)
            ingest.close()
            ctx.report.requests["id lookups"] = len(result.archived)
            for arxiv_id in (*result.missing, *result.invalid):
                ctx.report.failures.append((arxiv_id, "arXiv returned no such record"))
            _touch(ctx, [r.arxiv_id for r in result.records])
            finish(ctx, loading)
        except Interrupted as exc:
            stop_run(ctx, loading, exc)
        return ctx


FetchPage = Callable[[HarvestJob, Checkpoint], OaiPage]


def harvest(
    config: Config,
    set_spec: str | None,
    prefix: str,
    from_date: str | None = None,
    *,
    fetch_page: FetchPage | None = None,
) -> RunContext:
    """OAI-PMH ListRecords from the checkpoint, else the watermark, else ``from_date``; each
    page is loaded before the checkpoint moves past it. ``fetch_page`` replaces the direct
    request (the flow passes a retried task)."""
    with RunContext(config, "harvest") as ctx:
        job = HarvestJob(config.state_dir, prefix, set_spec)
        at = job.start(from_date)
        where = f"resuming after page {at.pages_done}" if job.resuming else f"from {at.from_date}"
        ctx.report.notes.append(f"harvest {job.key} {where}")
        loading = Loading(ctx)
        ingest = Ingest(ctx, loading, workers=0)
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
                quarantine_records(page.quarantined, config.quarantine_dir)
                ctx.report.quarantined += [
                    f"{q.source}:{q.line}: {q.reason}" for q in page.quarantined
                ]
                ingest.submit_records(index, list(page.arxiv_records))
                _touch(ctx, [r.arxiv_id for r in page.arxiv_records])
                index += 1
                if loading.failed is not None:
                    break
                at = job.page_loaded(at, page)
                if not at.next_token:
                    break
            ingest.close()
            finish(ctx, loading)
        except Interrupted as exc:
            ingest.abort()
            stop_run(ctx, loading, exc)
        finally:
            client.http.close()
        return ctx


def _open(path: Path) -> IO[bytes]:
    try:
        handle = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # noqa: SIM115
        return cast(IO[bytes], handle)
    except OSError as exc:
        raise ExtractError(str(path), f"cannot open snapshot: {exc}") from exc


def read_chunks(path: Path, size: int) -> Iterator[list[tuple[int, bytes]]]:
    """Numbered raw lines of a snapshot file, ``size`` at a time (``.gz`` read as gzip)."""
    with _open(path) as handle:
        try:
            yield from (list(c) for c in batched(enumerate(handle, start=1), size))
        except (OSError, EOFError) as exc:  # a damaged .gz
            raise ExtractError(str(path), f"unreadable: {exc}") from exc


def load_snapshot(
    config: Config,
    path: Path,
    *,
    chunk_records: int = 1000,
    workers: int | None = None,
    bulk: bool = True,
    force: bool = False,
) -> RunContext:
    """Stream a snapshot file through the pipeline; chunks loaded before are skipped once the
    store is seen to hold their graphs (so an interrupted load resumes)."""
    workers = config.runner.max_workers if workers is None else workers
    with RunContext(config, "snapshot") as ctx:
        loading = Loading(ctx, bulk=bulk)
        ingest = Ingest(ctx, loading, workers=workers)
        manifest = ctx.open_manifest()
        if force:
            manifest.forget_chunks()
        stamp = fingerprint().encode()
        skipped = 0
        try:
            loading.pending_first()
            for index, lines in enumerate(read_chunks(path, chunk_records)):
                ctx.check_stop()
                digest = hashlib.blake2b(stamp, digest_size=16)
                for _, raw in lines:
                    digest.update(raw)
                key = digest.digest()
                known = manifest.chunk(key)
                if known is not None and manifest.held(known[1], ctx.store.graph_sizes):
                    counts, graphs = known
                    ctx.report.records_read += counts.records
                    ctx.report.records_loaded += counts.loaded
                    ctx.report.graphs_unchanged += len(graphs)
                    skipped += 1
                    continue
                ingest.submit_lines(index, str(path), lines, key)
            ingest.close()
            if skipped:
                ctx.report.notes.append(f"{skipped} chunks unchanged since the last run (skipped)")
            finish(ctx, loading)
        except Interrupted as exc:
            ingest.abort()
            stop_run(ctx, loading, exc)
        except BaseException:
            ingest.abort()
            loading.abort()
            raise
        finally:
            manifest.close()
        return ctx


def _touch(ctx: RunContext, ids: list[str]) -> None:
    ctx.touched_papers.update(str(ctx.minter.paper_by_arxiv(i)) for i in ids)

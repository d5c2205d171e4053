"""The harvest job: OAI-PMH ListRecords page by page from the checkpoint, the watermark or a
date, each page loaded (and its deletions applied) before the checkpoint moves past it; and the
check that a harvest ``again`` from a date may start."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scholarkg.clients import oai_client
from scholarkg.config import Config
from scholarkg.errors import ConfigError, ScholarKGError, WriteFailed
from scholarkg.extract.oai_pages import OaiPage
from scholarkg.extract.oai_pmh import oai_date, oai_set
from scholarkg.extract.oai_state import HarvestState
from scholarkg.extract.paging import PagingStopped
from scholarkg.harvest import WATERMARKS_NAME, Checkpoint, HarvestJob
from scholarkg.lifecycle import Interrupted
from scholarkg.load.manifest import store_state_dir
from scholarkg.runs.build import finish
from scholarkg.runs.context import ProgressSink, RunContext
from scholarkg.runs.cut_short import stop_run
from scholarkg.runs.door_records import keep_quarantined, touch_papers
from scholarkg.runs.harvest_listings import Listings
from scholarkg.runs.loading import Loading
from scholarkg.runs.oai_deletions import drop_deleted
from scholarkg.runs.records import Ingest

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
    from_date, set_spec = oai_date(from_date), oai_set(set_spec)
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
                keep_quarantined(ctx, page.quarantined)
                records, deleted = listings.take(page)
                ingest.submit_records(index, records, deletions_decided=True)  # absorbed now
                drop_deleted(ctx, loading, [(i, listings.seen[i].datestamp) for i in deleted])
                listings.settle(records, deleted, loading)
                touch_papers(ctx, [r.arxiv_id for r in records])
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

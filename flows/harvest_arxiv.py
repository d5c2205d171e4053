"""``harvest_arxiv``: incremental, resumable OAI-PMH harvest, one task per page.

Pages are fetched and loaded strictly in order (each resumption token comes from the page before
and the checkpoint moves page by page), so this flow keeps Prefect's default runner and calls its
tasks directly; ``[runner]`` does not apply. Every OAI-PMH request takes a slot of the shared
Prefect rate limit when one exists (see :mod:`scholarkg_flows.arxiv_limit`).
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from scholarkg_flows.arxiv_limit import RateLimitHook, arxiv_rate_limit

from scholarkg.arxiv_load import ArxivLoadSummary, load_records, note_quarantined
from scholarkg.clients import archive_for, oai_client
from scholarkg.config import Config, load_config
from scholarkg.extract.paging import PagingStopped
from scholarkg.harvest import Checkpoint, HarvestJob, archived_page
from scholarkg.pipeline import changes_dir_for
from scholarkg.provenance import RunInfo
from scholarkg.runs import close_arxiv_run


@task(retries=3, retry_delay_seconds=[5, 30, 120], cache_policy=NO_CACHE)
def fetch_page(
    job: HarvestJob, at: Checkpoint, config: Config, rate_limit: RateLimitHook | None = None
) -> str:
    """I/O: fetch and archive the page the checkpoint points at; returns the archive hash."""
    client = oai_client(config, before_request=rate_limit)
    try:
        page = job.fetch(client, at)
    finally:
        client.http.close()
    assert page.archived is not None
    return page.archived.sha256


def _unless_guard_stopped(task: object, task_run: object, state: Any) -> bool:
    """A page guard's stop (a cycle, the page cap, the deadline) is final: a retry stops again."""
    return not isinstance(getattr(state, "data", None), PagingStopped)


@task(
    retries=1,
    retry_delay_seconds=10,
    cache_policy=NO_CACHE,
    retry_condition_fn=_unless_guard_stopped,
)
def load_page(
    job: HarvestJob, at: Checkpoint, sha256: str, run: RunInfo, config: Config
) -> tuple[Checkpoint, ArxivLoadSummary]:
    """Validate and load one archived page, then move the checkpoint past it."""
    page = archived_page(archive_for(config), sha256, config.limits)
    summary = ArxivLoadSummary()
    note_quarantined(summary, page.quarantined, config)
    with closing(config.store.open()) as store:
        load_records(
            page.arxiv_records,
            config,
            store,
            summary=summary,
            run=run,
            changes_dir=changes_dir_for(config, run),
        )
    return job.page_loaded(at, page), summary


@task(retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE)
def finish(summary: ArxivLoadSummary, run: RunInfo, config: Config) -> int:
    """I/O: ontology, run record and publication when something changed; returns store size."""
    with closing(config.store.open()) as store:
        close_arxiv_run(store, config, run, summary)
        return store.quad_count()


def artifact_key(*parts: str) -> str:
    """Prefect artifact keys allow lower-case letters, digits and dashes only."""
    text = "-".join(parts).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())


@flow(name="harvest_arxiv")
def harvest_arxiv(
    config_path: str | None = None,
    set_spec: str | None = None,
    metadata_prefix: str | None = None,
    from_date: str | None = None,
    store_path: str | None = None,
) -> ArxivLoadSummary:
    """Harvest new and changed arXiv records since the watermark (or an interrupted harvest's
    checkpoint) for one set, or for every ``[arxiv] harvest_sets`` entry."""
    logger = get_run_logger()
    config = load_config(Path(config_path) if config_path else None)
    config = config.with_store_path(Path(store_path) if store_path else None)
    prefix = metadata_prefix or config.arxiv.oai_metadata_prefix
    run = RunInfo.start(config)
    total = ArxivLoadSummary()
    rate_limit = arxiv_rate_limit(logger)
    for spec in [set_spec] if set_spec else list(config.arxiv.harvest_sets):
        job = HarvestJob(config.state_dir, prefix, spec, config.limits)
        at = job.start(from_date)
        logger.info(
            "harvest %s: %s", job.key, "resuming" if job.resuming else f"from {at.from_date}"
        )
        progress = cast(UUID, create_progress_artifact(0.0, key=artifact_key("harvest", job.key)))
        while True:
            sha256 = fetch_page(job, at, config, rate_limit)
            at, part = load_page(job, at, sha256, run, config)
            total.absorb(part)
            share = at.progress
            update_progress_artifact(progress, 100.0 if not at.next_token else 100.0 * (share or 0))
            logger.info("%s: page %d loaded, %d records", job.key, at.pages_done, at.records_done)
            if not at.next_token:
                break
        for notice in job.notices:
            logger.warning(notice)
    store_quads = finish(total, run, config)
    lines = [*total.lines(), f"store holds {store_quads} quads"]
    create_markdown_artifact(
        key="harvest-arxiv-report",
        markdown="# arXiv harvest\n\n" + "\n".join(f"- {line}" for line in lines),
    )
    for line in lines:
        logger.info(line)
    return total

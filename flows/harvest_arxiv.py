"""``harvest_arxiv``: the harvest job (``scholarkg.runs.arxiv_harvest.harvest``) with each
OAI-PMH page fetched by a retried task.

The loop, its checkpoint and its guards are the library's; the flow only supplies a page
fetcher (a task: retries, the shared Prefect rate limit) and reports. One run per set.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from scholarkg_flows.arxiv_limit import RateLimitHook, arxiv_rate_limit
from scholarkg_flows.build_kg import TaskStopped, final_state, load_run_config
from scholarkg_flows.reporting import publish_artifacts, stop_cleanly
from scholarkg_flows.run_end import refused

from scholarkg.clients import archive_for, oai_client
from scholarkg.config import Config
from scholarkg.errors import ScholarKGError
from scholarkg.extract.oai_pages import OaiPage
from scholarkg.harvest import Checkpoint, HarvestJob, archived_page
from scholarkg.lifecycle import Interrupted
from scholarkg.runs.arxiv_harvest import check_again, harvest
from scholarkg.runs.report import RunReport


@task(retries=3, retry_delay_seconds=[5, 30, 120], cache_policy=NO_CACHE)
def fetch_page(
    job: HarvestJob, at: Checkpoint, config: Config, rate_limit: RateLimitHook | None = None
) -> str | TaskStopped:
    """I/O: fetch and archive the page the checkpoint points at; returns the archive hash. A
    page the run's stop cut short (a Cancel, SIGTERM) is a result, raised again by the flow, not
    a failed task: it is not retried (a retry would only wait, and the run is stopping), and
    the run's log shows no task error for it."""
    client = oai_client(config, before_request=rate_limit)
    try:
        page = job.fetch(client, at)
    except Interrupted as exc:
        return TaskStopped(str(exc))
    finally:
        client.http.close()
    assert page.archived is not None
    return page.archived.sha256


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
    again: bool = False,
    settings: list[str] | None = None,
) -> State[Any]:
    """Harvest new and changed records of one set, or of every ``[arxiv] harvest_sets`` one;
    ``again``: from ``from_date``, moving the watermark back to it (``--from DATE --again``).
    ``settings``: ``--set``'s ``SECTION.KEY=VALUE`` over the config. A refusal (a bad setting
    or date, a watermark it cannot go back from) ends the run Failed on its one line
    (:func:`~scholarkg_flows.run_end.refused`)."""
    try:
        config = load_run_config(config_path, store_path, settings)
        return harvest_sets(config, set_spec, metadata_prefix, from_date, again)
    except ScholarKGError as exc:
        refusal: State[Any] = refused(exc)
        return refusal


def harvest_sets(
    config: Config,
    set_spec: str | None,
    metadata_prefix: str | None,
    from_date: str | None,
    again: bool,
) -> State[Any]:
    """The body of :func:`harvest_arxiv`: every set harvested, the worst outcome its state."""
    prefix = metadata_prefix or config.arxiv.oai_metadata_prefix
    rate_limit = arxiv_rate_limit(get_run_logger())
    archive = archive_for(config)

    def fetcher(job: HarvestJob, at: Checkpoint) -> OaiPage:
        fetched = fetch_page(job, at, config, rate_limit)
        if isinstance(fetched, TaskStopped):
            raise Interrupted(fetched.message)
        return archived_page(archive, fetched, config.limits)

    sets = [set_spec] if set_spec else list(config.arxiv.harvest_sets)
    if again:  # every set's watermark checked before the first set is harvested
        check_again(config, sets, prefix, from_date)
    reports: list[RunReport] = []
    with stop_cleanly():  # a Cancel (SIGTERM) stops the harvest at its next check, reported
        for spec in sets:
            ctx = harvest(config, spec, prefix, from_date, fetch_page=fetcher, again=again)
            publish_artifacts(ctx.report, key=artifact_key("harvest", prefix, spec or "all"))
            reports.append(ctx.report)
    worst = next((r for r in reports if r.outcome == "failed"), None) or next(
        (r for r in reports if r.outcome == "partial"), reports[-1]
    )
    state: State[Any] = final_state(worst)
    return state

"""``build_kg``: profiles → archive → parse/transform/validate → load → report.

Each profile's chain (fetch → enrich → stage) is submitted to the configured task runner
(``[runner]``: threads or Dask), so profiles are processed concurrently and Prefect tracks the
dependencies through the futures; loading, recording and publishing then run once, in the flow's
own process (an embedded store admits one writer). A failing profile never stops the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, ParamSpec, TypeVar, cast
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from scholarkg_flows.arxiv_limit import RateLimitHook, arxiv_rate_limit
from scholarkg_flows.runners import runner_label, task_runner_for

from scholarkg.config import Config, load_config
from scholarkg.enrich import Enrichment
from scholarkg.errors import LoadError, ScholarKGError
from scholarkg.incremental import Fetched
from scholarkg.iris import Minter
from scholarkg.pipeline import (
    LoadOutcome,
    StageResult,
    changes_dir_for,
    enrich_profile_source,
    fetch_profile_conditionally,
    load_ontology,
    load_staged,
    record_run,
    remember_loaded,
    split_unchanged,
    stage_profile,
    with_pending,
)
from scholarkg.provenance import RunInfo
from scholarkg.publish import Publication, publish
from scholarkg.report import RunReport, now_iso
from scholarkg.staging import StagedGraph, staging_dir

T = TypeVar("T")
P = ParamSpec("P")
CHAIN_STAGES = ("fetch", "enrich", "parse, transform, validate")


@dataclass(frozen=True)
class Timed(Generic[T]):
    """A task's value and the seconds spent computing it (inside the task, wherever it ran)."""

    value: T
    seconds: float


def timed(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Timed[T]:
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return Timed(value, round(time.perf_counter() - start, 3))


def load_run_config(config_path: str | None, store_path: str | None) -> Config:
    config = load_config(Path(config_path) if config_path else None)
    return config.with_store_path(Path(store_path) if store_path else None)


@task(retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def fetch(location: str, config: Config) -> Timed[Fetched]:
    """I/O: fetch and archive one profile page, conditionally when it was loaded before."""
    return timed(fetch_profile_conditionally, location, config)


@task(cache_policy=NO_CACHE)
def unchanged_sources(fetched: list[Fetched], config: Config) -> list[str]:
    """I/O: which fetched sources the store already holds, built the same way."""
    return [f.location for f in split_unchanged(fetched, config)[1]]


@task(cache_policy=NO_CACHE)
def enrich(
    fetched: Timed[Fetched], config: Config, rate_limit: RateLimitHook | None
) -> Timed[Enrichment]:
    """I/O: resolve the papers on arXiv (the HTTP layer retries; degrades, never fails)."""
    return timed(enrich_profile_source, fetched.value.sha256, config, rate_limit)


@task(cache_policy=NO_CACHE)
def stage(
    fetched: Timed[Fetched], enriched: Timed[Enrichment], config: Config
) -> Timed[StageResult]:
    """CPU: parse, transform, validate and stage one archived profile and its arXiv records."""
    return timed(stage_profile, fetched.value.sha256, config, enriched.value)


@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def load(staged: list[StagedGraph], run: RunInfo, config: Config) -> tuple[LoadOutcome, int, int]:
    """I/O: write every changed graph; returns (changes, ontology triples, store size)."""
    with closing(config.store.open()) as store:
        ontology = load_ontology(store, Minter(config.iri_base))
        outcome = load_staged(staged, store, run, changes_dir=changes_dir_for(config, run))
        return outcome, ontology, store.quad_count()


@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def record(report: RunReport, run: RunInfo, config: Config) -> None:
    """I/O: write the run's prov:Activity (only when it changed something)."""
    with closing(config.store.open()) as store:
        record_run(store, run, outcome=report.outcome, counts=report.counts())


@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def publish_dataset(config: Config) -> Publication:
    """I/O: write the configured dumps and the VoID + DCAT description."""
    with closing(config.store.open()) as store:
        return publish(store, config)


Chain = tuple[PrefectFuture[Timed[Any]], ...]


def submit_chain(
    fetched: PrefectFuture[Timed[Fetched]], config: Config, rate_limit: RateLimitHook | None
) -> Chain:
    """Submit one fetched profile's enrich → stage; futures carry the dependencies."""
    # Futures as arguments: Prefect resolves them and records the dependency (the explicit
    # return_state selects the overload typed to accept futures).
    enriched = enrich.submit(fetched, config, rate_limit, return_state=False)
    return fetched, enriched, stage.submit(fetched, enriched, config, return_state=False)


def gather_chain(location: str, chain: Chain, report: RunReport) -> str | None:
    """Add a finished chain's stage result and task durations to ``report``; the error if a
    step failed with a :class:`ScholarKGError` (any other exception propagates, as a bug)."""
    values: list[Any] = []
    for name, future in zip(CHAIN_STAGES, chain, strict=True):
        try:
            done = future.result()
        except ScholarKGError as exc:
            report.failures.append((location, str(exc)))
            return str(exc)
        report.durations[name] = round(report.durations.get(name, 0.0) + done.seconds, 3)
        values.append(done.value)
    report.stages.append(values[-1])
    return None


@flow(name="build_kg")
def build_kg(
    config_path: str | None = None,
    profiles: list[str] | None = None,
    store_path: str | None = None,
) -> RunReport:
    """Build the knowledge graph from the configured profiles plus any given ones.

    Runs :func:`build_kg_tasks` as a subflow on the task runner ``[runner]`` asks for, chosen
    here at run time from the loaded config (so CLI runs, served schedules and work-pool
    deployments all honour it).
    """
    config = load_run_config(config_path, store_path)
    label = runner_label(config)
    get_run_logger().info("task runner: %s", label)
    body = build_kg_tasks.with_options(
        task_runner=task_runner_for(config), flow_run_name=f"build-kg on {label}"
    )
    return body(config_path=config_path, profiles=profiles, store_path=store_path)


@flow(name="build_kg-tasks")
def build_kg_tasks(
    config_path: str | None = None,
    profiles: list[str] | None = None,
    store_path: str | None = None,
) -> RunReport:
    """The body of :func:`build_kg`, on whatever task runner it was given.

    Durations of fetch, enrich and "parse, transform, validate" are the time spent inside those
    tasks summed over profiles (with concurrency, more than the wall time); load and publish
    are timed around their single calls.
    """
    logger = get_run_logger()
    config = load_run_config(config_path, store_path)
    run = RunInfo.start(config)
    report = RunReport(started_at=run.started_at.isoformat(), run_iri=run.iri)
    sources = [*config.profiles, *(profiles or [])]
    # Sync call in a sync flow: Prefect returns the artifact's UUID (not a coroutine).
    progress = cast(
        UUID, create_progress_artifact(0.0, key="build-kg-progress", description="profiles done")
    )
    fetches = [(location, fetch.submit(location, config)) for location in sources]
    fetched: dict[str, Fetched] = {}
    for location, future in fetches:
        try:
            fetched[location] = future.result().value
        except ScholarKGError as exc:
            logger.error("profile failed: %s", exc)
            report.failures.append((location, str(exc)))
    report.unchanged_sources = unchanged_sources(list(fetched.values()), config)
    todo = [
        (loc, fut) for loc, fut in fetches if loc in fetched and loc not in report.unchanged_sources
    ]
    rate_limit = arxiv_rate_limit(logger) if config.arxiv.enabled and todo else None
    chains = [(location, submit_chain(future, config, rate_limit)) for location, future in todo]
    last = [chain[-1] for _, chain in chains]
    for done, _ in enumerate(as_completed(last), start=1):
        update_progress_artifact(progress, 100.0 * done / len(last))
    update_progress_artifact(progress, 100.0)
    built: dict[str, StageResult] = {}
    for location, chain in chains:
        if (error := gather_chain(location, chain, report)) is not None:
            logger.error("profile failed: %s", error)
        else:
            built[location] = report.stages[-1]
    staged = [graph for result in report.stages for graph in result.staged]
    report.triples_loaded = sum(graph.triples for graph in staged)
    outbox = with_pending(staged, config)
    try:
        with report.timed("load"):
            report.load, report.ontology_triples, report.store_quads = load(outbox, run, config)
    except LoadError as exc:
        report.store_error = f"{exc}; {len(outbox)} graphs kept in {staging_dir(config)}"
        logger.error(report.store_error)
    if report.load.changes:
        report.changes_dir = str(changes_dir_for(config, run))
    report.finished_at = now_iso()
    if not report.store_error:
        for location, result in built.items():
            remember_loaded(config, fetched[location], result)
    if report.changed_anything and not report.store_error:
        record(report, run, config)
        with report.timed("publish"):
            publication = publish_dataset(config)
        report.published = [str(d.path) for d in publication.dumps] + [str(publication.description)]
    report.write_json(config.reports_dir)
    create_markdown_artifact(key="build-kg-report", markdown=report.to_markdown())
    columns = ["graph", "severity", "focus", "path", "message", "shape", "value"]
    findings = [dict(f) for s in report.stages for f in s.findings]
    empty: dict[str, str | None] = dict.fromkeys(columns, "")
    table = findings or [empty | {"severity": "none: every graph conforms"}]
    create_table_artifact(key="build-kg-shacl-findings", table=table)
    for line in report.summary_lines():
        (logger.warning if line.startswith(("degraded:", "failed:")) else logger.info)(line)
    return report

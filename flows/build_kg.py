"""``build_kg``: profiles → archive → parse/transform/validate → load → report."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import cast
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE

from scholarkg.config import Config, load_config
from scholarkg.enrich import Enrichment
from scholarkg.errors import LoadError, ScholarKGError
from scholarkg.iris import Minter
from scholarkg.pipeline import (
    LoadOutcome,
    StageResult,
    changes_dir_for,
    enrich_profile_source,
    fetch_profile_source,
    load_ontology,
    load_staged,
    record_run,
    stage_profile,
    with_pending,
)
from scholarkg.provenance import RunInfo
from scholarkg.publish import Publication, publish
from scholarkg.report import RunReport, now_iso
from scholarkg.staging import StagedGraph, staging_dir


@task(retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def fetch(location: str, config: Config) -> str:
    """I/O: fetch and archive one profile page (retried)."""
    return fetch_profile_source(location, config)


@task(cache_policy=NO_CACHE)
def enrich(sha256: str, config: Config) -> Enrichment:
    """I/O: resolve the papers on arXiv (the HTTP layer retries; degrades, never fails)."""
    return enrich_profile_source(sha256, config)


@task(cache_policy=NO_CACHE)
def stage(sha256: str, enrichment: Enrichment, config: Config) -> StageResult:
    """CPU: parse, transform, validate and stage one archived profile and its arXiv records."""
    return stage_profile(sha256, config, enrichment)


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


@flow(name="build_kg")
def build_kg(
    config_path: str | None = None,
    profiles: list[str] | None = None,
    store_path: str | None = None,
) -> RunReport:
    """Build the knowledge graph from the configured profiles plus any given ones."""
    logger = get_run_logger()
    config = load_config(Path(config_path) if config_path else None)
    config = config.with_store_path(Path(store_path) if store_path else None)
    run = RunInfo.start(config)
    report = RunReport(started_at=run.started_at.isoformat(), run_iri=run.iri)
    sources = [*config.profiles, *(profiles or [])]
    # Sync call in a sync flow: Prefect returns the artifact's UUID (not a coroutine).
    progress = cast(
        UUID, create_progress_artifact(0.0, key="build-kg-progress", description="profiles done")
    )
    for done, location in enumerate(sources, start=1):
        try:
            with report.timed("fetch"):
                sha256 = fetch(location, config)
            with report.timed("enrich"):
                enrichment = enrich(sha256, config)
            with report.timed("parse, transform, validate"):
                report.stages.append(stage(sha256, enrichment, config))
        except ScholarKGError as exc:
            logger.error("profile failed: %s", exc)
            report.failures.append((location, str(exc)))
        update_progress_artifact(progress, 100.0 * done / len(sources))
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

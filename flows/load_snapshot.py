"""``load_snapshot``: bulk-load the arXiv metadata snapshot (JSON lines) into the embedded store.

One task: the bulk path batches internally (chunks of records over worker processes, streamed
into ``bulk_load``) and a re-run skips chunks already loaded, so an interrupted load resumes.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from scholarkg.bulk.ingest import BulkSummary
from scholarkg.config import Config, load_config
from scholarkg.runs import bulk_load_snapshot


@task(retries=1, retry_delay_seconds=30, cache_policy=NO_CACHE)
def ingest(path: str, config: Config, chunk_records: int) -> tuple[BulkSummary, int]:
    """I/O + CPU (in worker processes): stream, validate and bulk-load the snapshot."""
    return bulk_load_snapshot(Path(path), config, chunk_records=chunk_records)


@flow(name="load_snapshot")
def load_snapshot(
    path: str,
    config_path: str | None = None,
    store_path: str | None = None,
    chunk_records: int = 1000,
) -> BulkSummary:
    """Load (or top up) the store from a snapshot file; unchanged chunks are skipped."""
    config = load_config(Path(config_path) if config_path else None)
    config = config.with_store_path(Path(store_path) if store_path else None)
    summary, quads = ingest(path, config, chunk_records)
    lines = [*summary.lines(), f"store holds {quads} quads"]
    create_markdown_artifact(
        key="load-snapshot-report",
        markdown="# Snapshot load\n\n" + "\n".join(f"- {x}" for x in lines),
    )
    for line in lines:
        get_run_logger().info(line)
    return summary

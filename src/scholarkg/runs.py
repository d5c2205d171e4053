"""Closing a run: record it as a prov:Activity and publish, only when it changed something."""

from __future__ import annotations

from pathlib import Path

from scholarkg.arxiv_load import ArxivLoadSummary
from scholarkg.bulk.ingest import BulkSummary, ingest_snapshot
from scholarkg.config import Config
from scholarkg.iris import Minter
from scholarkg.pipeline import load_ontology, record_run
from scholarkg.provenance import RunInfo
from scholarkg.publish import Publication, publish
from scholarkg.store.base import GraphStore
from scholarkg.store.embedded import EmbeddedStore


def arxiv_counts(summary: ArxivLoadSummary) -> dict[str, int]:
    """The counts an arXiv load records on its run."""
    return {
        "quarantined": summary.quarantined,
        "graphs_changed": len(summary.outcome.changes),
        "graphs_unchanged": summary.outcome.unchanged,
        "graphs_rejected": len(summary.rejected),
        "triples_added": summary.outcome.triples_added,
        "triples_removed": summary.outcome.triples_removed,
    }


def arxiv_outcome(summary: ArxivLoadSummary) -> str:
    return "partial" if summary.rejected or summary.missing or summary.quarantined else "ok"


def close_arxiv_run(
    store: GraphStore, config: Config, run: RunInfo, summary: ArxivLoadSummary
) -> Publication | None:
    """Load the ontology; if anything changed, record the run and publish dumps and VoID."""
    ontology = load_ontology(store, Minter(config.iri_base))
    if not (summary.outcome.changes or ontology):
        return None
    record_run(store, run, outcome=arxiv_outcome(summary), counts=arxiv_counts(summary))
    return publish(store, config)


def bulk_load_snapshot(
    path: Path, config: Config, *, chunk_records: int = 1000
) -> tuple[BulkSummary, int]:
    """Bulk-load a snapshot into the embedded store, then record the run and publish if it
    wrote anything. Returns the summary and the store's quad count."""
    run = RunInfo.start(config)
    with EmbeddedStore(config.store.path) as store:
        summary = ingest_snapshot(
            path, config, store, workers=config.runner.max_workers, chunk_records=chunk_records
        )
        written = summary.graphs_written + summary.graphs_replaced
        ontology = load_ontology(store, Minter(config.iri_base))
        if written or ontology:
            counts = {
                "quarantined": summary.quarantined,
                "graphs_changed": written,
                "graphs_unchanged": summary.graphs_unchanged,
                "graphs_rejected": len(summary.rejected) + summary.rejected_skipped,
            }
            failed = summary.rejected or summary.quarantined
            record_run(store, run, outcome="partial" if failed else "ok", counts=counts)
            publish(store, config)
        return summary, store.quad_count()

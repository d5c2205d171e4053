"""Closing a run: record it as a prov:Activity and publish, only when it changed something."""

from __future__ import annotations

from scholarkg.arxiv_load import ArxivLoadSummary
from scholarkg.config import Config
from scholarkg.iris import Minter
from scholarkg.pipeline import load_ontology, record_run
from scholarkg.provenance import RunInfo
from scholarkg.publish import Publication, publish
from scholarkg.store.base import GraphStore


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

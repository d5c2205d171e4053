"""What the report of a run killed outright (written by the next run) says it committed."""

from __future__ import annotations

from scholarkg.config import Config
from scholarkg.load.changes import cut_to, listed
from scholarkg.load.commit_mark import last_commit
from scholarkg.load.manifest import open_manifest
from scholarkg.load.uncommitted import committed_by
from scholarkg.runs.report import RunReport
from scholarkg.store.base import GraphStore


def committed_counts(config: Config, store: GraphStore, report: RunReport) -> None:
    """Set in ``report`` (a killed run's) what it committed, before any graph of it is retaken:
    the quads of its committed graphs with their SHACL report graphs and, when it loaded in
    bulk, the records its committed segments loaded and its triples added and removed as its
    change set holds them, cut to its last commit; else those two are not known (``None``)."""
    manifest = open_manifest(config)
    try:
        report.committed_quads = committed_by(manifest, store, report.run_iri)
        mark = last_commit(manifest, report.run_iri)
    finally:
        manifest.close()
    if mark is None:  # not kept: nobody knows them
        report.triples_added = report.triples_removed = None
        return
    changes = config.changes_dir / report.run_iri.rsplit("/", 1)[-1]
    cut_to(changes, mark.changes)
    graphs, report.triples_added, report.triples_removed = listed(changes)
    report.records_loaded = mark.records
    report.changes_dir = str(changes) if graphs else None

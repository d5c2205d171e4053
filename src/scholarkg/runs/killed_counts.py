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
    the graphs that name it whose manifest rows it committed (its graphs written after its last
    commit are written again by the next run), their quads with their SHACL report graphs, the
    records (a build: the listed papers) it had loaded by its last commit, chunks skipped as
    loaded before included, and its triples added and removed as its change set holds them,
    cut to that commit, and the graphs it had dropped by then (:mod:`scholarkg.load.commit_mark`,
    noted by both loaders); when no commit of it is noted (a version before them), those three
    are not known (``None``), nor its records and papers loaded (in ``report.unknown``), nor the
    graphs dropped by a version whose marks did not note them. Its records read are those it had
    read by the last chunk it committed, as that commit noted them (what it read past it is not
    kept); not known when no commit of it is noted or its marks did not note them."""
    manifest = open_manifest(config)
    try:
        report.graphs_written, report.committed_quads = committed_by(
            manifest, store, report.run_iri
        )
        mark = last_commit(manifest, report.run_iri)
    finally:
        manifest.close()
    report.unknown = []
    if mark is None or mark.read is None:  # a version that did not note them
        report.unknown.append("records_read")
    else:
        report.records_read = mark.read
    if mark is None:  # not kept: nobody knows them
        report.triples_added = report.triples_removed = report.graphs_removed = None
        report.unknown += ["records_loaded", "papers"]
        return
    report.graphs_removed = mark.removed
    changes = config.changes_dir / report.run_iri.rsplit("/", 1)[-1]
    cut_to(changes, mark.changes)
    graphs, report.triples_added, report.triples_removed = listed(changes)
    report.records_loaded = mark.records
    report.papers = mark.papers
    report.changes_dir = str(changes) if graphs else None

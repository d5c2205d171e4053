"""A run that ended without a word (SIGKILL, a crash, the power lost) leaves its unfinished mark
(``run-unfinished.json``) and graphs that name it as their origin, but no record of it and no
report. The next run that opens the store writes both for it: its record (a
``skg:PipelineRun`` with outcome ``failed``, its start, and no end, which nobody knows; the
counts of what it committed) and its report in the run history (``interrupted: killed …``,
what it committed: :mod:`scholarkg.runs.killed_counts`, what the quarantine keeps of it:
:mod:`scholarkg.runs.killed_quarantine`); its own report notes that it goes on
from there. A run whose store refused its record (a full disk) left its report: its record is
written from that report. So nothing in the store names a run that has no record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.namespace import PROV

from scholarkg.iris import SKG
from scholarkg.provenance import RunInfo, run_record
from scholarkg.runs.killed_counts import committed_counts
from scholarkg.runs.killed_in_publication import killed_after_its_record
from scholarkg.runs.killed_quarantine import kept_of_killed
from scholarkg.runs.report import RunReport
from scholarkg.runs.unfinished_marks import marked_run, marks_elsewhere
from scholarkg.runs.unrecorded import (
    UnrecordedRun,
    note_in_manifest,
    own_report,
    parsed_time,
    unrecorded,
)
from scholarkg.store.base import GraphStore

if TYPE_CHECKING:
    from scholarkg.runs.context import RunContext

KILLED = "killed: it ended without a record (SIGKILL, a crash or the power lost)"


def record_killed_run(ctx: RunContext, store: GraphStore) -> UnrecordedRun | None:
    """Write the record of the run the unfinished mark names, when graphs of ``store`` name it
    and no record of it is there, and its report when it left none (a run whose store refused
    its record left one: the record is written from it); the run found, or ``None``. A run
    killed after its record (in its publication) has its record made ``failed``. A mark kept
    for another store whose run this store's graphs name is this store's, moved (with its
    data directory, say) since: it is taken too."""
    found = _record(ctx, store, marked_run(ctx))
    for path, marked in marks_elsewhere(ctx):
        if _record(ctx, store, marked) is not None:
            path.unlink(missing_ok=True)
            ctx.unfinished = True  # its publication is to be done again here
    return found


def _record(
    ctx: RunContext, store: GraphStore, marked: tuple[str, dict[str, Any]] | None
) -> UnrecordedRun | None:
    if marked is None:
        return None
    found = unrecorded(store, marked)
    if found is None:
        return killed_after_its_record(ctx, store, marked)
    info = RunInfo(found.iri, found.started_at, found.config_hash, found.software_version)
    own = own_report(ctx, found.iri)
    report = own or RunReport(found.job, found.iri, started_at=found.started_at.isoformat())
    if own is None:
        committed_counts(ctx.config, store, report)
        kept_of_killed(ctx.config.quarantine_dir, report)
        report.interrupted = f"{KILLED}; found by run {ctx.run.iri}, which goes on from it"
    ended = parsed_time(report.finished_at)
    record = run_record(
        info, ended_at=ended or found.started_at, outcome=report.outcome, counts=report.counts()
    )
    subject = URIRef(found.iri)
    if ended is None:  # when it ended, nobody knows
        record.remove((subject, PROV.endedAtTime, None))
    if not found.config_hash:  # a mark from before they were written in it
        record.remove((subject, SKG.configHash, None))
    if not found.software_version:
        record.remove((subject, SKG.softwareVersion, None))
    store.replace_graph(info.graph_iri, record)
    note_in_manifest(ctx, store, info.graph_iri, None if own else found.iri)
    if own is not None:
        ctx.report.notes.append(
            f"run <{found.iri}> wrote {found.graphs} graphs but not its record (its store "
            f"refused it): its record (outcome {report.outcome}) written from its report, and "
            "this run goes on from it"
        )
        return found
    report.run_graphs["run record"] = len(record)
    ctx.config.reports_dir.mkdir(parents=True, exist_ok=True)
    report.write_json(ctx.config.reports_dir)
    ctx.report.notes.append(
        f"run <{found.iri}> {KILLED.removeprefix('killed: it ')}: {found.graphs} graphs name it; "
        "its record (outcome failed) and report written, and this run goes on from it"
    )
    return found

"""A run killed in its publication, after its record: the next run makes its record
``failed`` and writes its report."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from rdflib.namespace import PROV

from scholarkg.iris import SKG
from scholarkg.provenance import RUN_COUNTS, run_graph_iri
from scholarkg.runs.report import RunReport
from scholarkg.runs.unrecorded import (
    UnrecordedRun,
    naming_count,
    note_in_manifest,
    own_report,
)
from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref

if TYPE_CHECKING:
    from scholarkg.runs.context import RunContext

KILLED_IN_PUBLICATION = (
    "killed in its publication, after its record (SIGKILL, a crash or the power lost): "
    "its dumps and VoID were left unfinished"
)


def killed_after_its_record(
    ctx: RunContext, store: GraphStore, marked: tuple[str, dict[str, Any]]
) -> UnrecordedRun | None:
    """The run the mark names wrote its record (outcome as it was then, ``ok`` say) but no
    report: it was killed after, in its publication (its dumps and VoID, which this run writes
    again in full). Its record's outcome becomes ``failed`` with no end (nobody knows it), its
    report is written (with the counts its record states), and this run's report says so
    (before: the record said ``ok`` and nothing told of the cut publication)."""
    iri, fields_ = marked
    graph = run_graph_iri(iri)
    held = store.triples_in(graph)
    subject = iri_ref(iri)
    said = [o for s, p, o in held if s == subject and p == iri_ref(SKG.outcome)]
    if not said or said == ['"failed"'] or own_report(ctx, iri) is not None:
        return None  # no record, already failed, or it ended and reported (stopped)
    dropped = {iri_ref(SKG.outcome), iri_ref(PROV.endedAtTime)}
    lines = [f"{s} {p} {o} ." for s, p, o in sorted(held) if p not in dropped]
    lines.append(f'{subject} {iri_ref(SKG.outcome)} "failed" .')
    store.replace_graph_ntriples(graph, "\n".join(lines) + "\n")
    note_in_manifest(ctx, store, graph)
    naming = naming_count(store, iri)
    found = UnrecordedRun.of_mark(iri, fields_, naming)
    report = RunReport(found.job, iri, started_at=found.started_at.isoformat())
    for name, count in _recorded_counts(held, subject).items():  # as its record says
        setattr(report, name, count)
    report.graphs_written = naming
    report.run_graphs["run record"] = len(lines)
    report.interrupted = (
        f"{KILLED_IN_PUBLICATION}; found by run {ctx.run.iri}, which publishes again"
    )
    ctx.config.reports_dir.mkdir(parents=True, exist_ok=True)
    report.write_json(ctx.config.reports_dir)
    ctx.report.notes.append(
        f"run <{iri}> was killed in its publication, after its record (outcome "
        f"{said[0].strip(chr(34))}): its record now says failed, its report is written, and this "
        "run publishes everything again"
    )
    return found


_RECORDED = {"graphs_unchanged", "graphs_removed", "triples_added", "triples_removed"}


def _recorded_counts(held: set[tuple[str, str, str]], subject: str) -> dict[str, int]:
    """The report's counts a run's record states (``held``: its triples, N-Triples terms)."""
    names = {iri_ref(prop): key for key, prop in RUN_COUNTS.items() if key in _RECORDED}
    found = {}
    for s, p, o in held:
        if s == subject and p in names:
            with contextlib.suppress(ValueError):
                found[names[p]] = int(o.split('"')[1])
    return found

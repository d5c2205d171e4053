"""The run report's summary, as the CLI prints it and the Prefect artifact shows it: one line
per subject (sources or records, validation, identity, changes, the store, what was published),
then those of what failed, was kept or left out (:mod:`scholarkg.runs.report_lines`)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from scholarkg.runs.report_lines import held_beside, problem_lines, run_graphs_line

if TYPE_CHECKING:
    from scholarkg.runs.report import RunReport

PAPER_STATES = ("resolved", "overridden", "ambiguous", "unresolved")


def _known(count: int | None) -> str:
    return "unknown" if count is None else str(count)


def summary_lines(report: RunReport) -> list[str]:
    """The summary the CLI prints and the Prefect artifact shows, one line per subject."""
    lines = [f"outcome: {report.outcome}"]
    if report.job == "build":
        kept = len(report.sources_kept)
        lines.append(
            f"profiles: {len(report.sources_built)} built, "
            + (f"{kept} not loaded (their graphs kept for the next run), " if kept else "")
            + f"{len(report.sources_unchanged)} unchanged (skipped), {len(report.failures)} failed"
        )
        states = ", ".join(f"{report.paper_states.get(s, 0)} {s}" for s in PAPER_STATES)
        origin = ", ".join(f"{n} from {k}" for k, n in sorted(report.resolved_from.items()))
        lines.append(
            f"papers: {_said(report, 'papers')} listed, {report.papers_quarantined} quarantined; "
            f"{states}" + (f" ({origin})" if origin else "")
        )
        if report.entries_quarantined:
            lines.append(
                f"arXiv entries: {report.entries_quarantined} quarantined (answers to "
                "resolution that could not be read)"
            )
    else:
        lines.append(
            f"records: {_said(report, 'records_read')} read, "
            f"{_said(report, 'records_loaded')} loaded, "
            f"{len(report.rejected)} rejected by SHACL, {len(report.quarantined)} quarantined"
            + (f", {report.records_deleted} deleted" if report.records_deleted else "")
            + (
                f", {report.records_held_back} held back (older than the store's)"
                if report.records_held_back
                else ""
            )
        )
    if report.requests:
        asked = ", ".join(f"{n} {why}" for why, n in sorted(report.requests.items()))
        lines.append(f"arXiv requests: {sum(report.requests.values())} ({asked})")
    counts = report.severity_counts()
    lines.append(
        f"validation: {report.triples_gated} triples passed the gate; "
        f"{counts['Violation']} violations, {counts['Warning']} warnings, "
        f"{counts['Info']} infos"
        + (
            f"; {report.pyshacl_graphs} graphs validated by pySHACL ([shacl] fallback)"
            if report.pyshacl_graphs
            else ""
        )
    )
    kinds = Counter(e.split(":", 1)[0] for e in report.identity_events)
    moved = [f"{kinds[k]} {k}" for k in ("withdrawn", "reassigned") if kinds[k]]
    changed = kinds["merge"] + kinds["split"] + kinds["unmerge"]  # an undone merge splits
    lines.append(
        f"identity: {report.persons_new} new persons, {changed} merges"
        " or splits of published persons, "
        + "".join(f"{m} authorships, " for m in moved)
        + f"{len(report.identity_conflicts)} conflicts"
    )
    lines.append(report.change_line())
    if report.store_quads is not None:
        lines.append(f"store: holds {report.store_quads} quads")
    elif report.store_uncounted:
        lines.append(f"store: not counted ({report.store_uncounted})")
    if report.published:
        lines.append(f"published: {', '.join(p.describe() for p in report.published)}")
    lines += problem_lines(report)
    return lines


def _said(report: RunReport, count: str) -> str:
    """The count named ``count`` as the summary says it: ``unknown`` when nobody knows."""
    return "unknown" if count in report.unknown else str(getattr(report, count))


def change_line(report: RunReport) -> str:
    """The summary's line of what the run changed in the store."""
    if report.store_error and not report.changed_anything:
        return "changes: none written (the store could not be used)"
    if not report.changed_anything:
        return (
            f"changes: nothing new: {len(report.sources_unchanged)} sources and "
            f"{report.graphs_unchanged} graphs unchanged, "
            + (f"only {run_graphs_line(report)}" if report.run_graphs else "nothing written")
        )
    removed = ""
    if report.graphs_removed != 0:
        removed = f", {_known(report.graphs_removed)} removed"
    until = " (until the store failed)" if report.store_error else ""
    return (
        f"changes{until}: {report.graphs_written} data graphs written{removed} "
        f"(+{_known(report.triples_added)} / -{_known(report.triples_removed)} triples"
        f"{held_beside(report)}), "
        f"{report.graphs_unchanged} unchanged"
        + (f"; {run_graphs_line(report)}" if report.run_graphs else "")
        + (f"; change set in {report.changes_dir}" if report.changes_dir else "")
    )

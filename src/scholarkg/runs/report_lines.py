"""The run report's text beside its counts: what the data graphs written hold beside their
changes, the run's own graphs, and the lines of what failed, was kept or left out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scholarkg.runs.report import RunReport

SHOWN = 20  # of the failures the summary names (the JSON report holds every one)


def held_beside(report: RunReport) -> str:
    """What the data graphs written hold beside the triples counted as changes."""
    if not report.provenance_triples and not report.report_triples:
        return ""
    reports = f", {report.report_triples} in SHACL reports" if report.report_triples else ""
    return f"; {report.provenance_triples} triples of provenance{reports}"


def run_graphs_line(report: RunReport) -> str:
    """The graphs the run wrote itself, each with its triples."""
    count = len(report.run_graphs)
    return f"{count} graph{'' if count == 1 else 's'} of the run's own written: " + ", ".join(
        f"{name} ({triples} triples)" for name, triples in report.run_graphs.items()
    )


def problem_lines(report: RunReport) -> list[str]:
    lines: list[str] = []
    if report.interrupted:
        lines.append(f"failed: interrupted: {report.interrupted}")
    if report.store_error:
        lines.append(f"failed: store: {report.store_error}")
    if report.run_error:
        lines.append(f"failed: {report.run_error}")
    if report.kept:
        lines.append(f"kept: {report.kept} graphs in {report.outbox_dir} for the next run")
    if report.dead:
        lines.append(
            f"dead-letter: {len(report.dead)} graphs refused by the store, in {report.dead_dir}"
        )
        lines += [f"dead-letter: {iri}: {why}" for iri, why in report.dead[:10]]
    lines += [f"degraded: {reason}" for reason in report.degraded]
    lines += [  # a library error already names its source (and line) first
        f"failed: {error}" if error.startswith(f"{source}:") else f"failed: {source}: {error}"
        for source, error in report.failures[:SHOWN]
    ]
    if len(report.failures) > SHOWN:  # 1000 failing profiles: not 1000 lines
        lines.append(f"failed: … and {len(report.failures) - SHOWN} more, {_kept_in(report)}")
    lines += [f"failed: {error}" for error in report.config_errors]
    lines += [f"rejected: {iri}" for iri in report.rejected[:20]]
    lines += [f"quarantined: {q}" for q in report.quarantined[:20]]
    if len(report.quarantined) > 20:
        kinds = ", ".join(f"{n} {kind}" for kind, n in report.quarantined.reasons.most_common())
        where = f" in {report.quarantine_dir}" if report.quarantine_dir else ""
        lines.append(
            f"quarantined: … and {len(report.quarantined) - 20} more, every one kept with "
            f"its reason{where} (by reason: {kinds})"
        )
    lines += [f"finding: {f}" for f in (*report.listing_findings, *report.consistency)[:20]]
    lines += [f"identity: {e}" for e in report.identity_events[:20]]
    lines += [f"warning: {w}" for w in report.warnings]
    lines += [f"note: {n}" for n in report.notes]
    return lines


def _kept_in(report: RunReport) -> str:
    """Where the failures not shown are listed: the JSON report, or, when it could not be
    written (its own failure is shown first), nowhere — said so, not a file that is not there."""
    if report.reports_dir is None:
        return "every one in the run report"
    path = str(report.json_path(Path(report.reports_dir)))
    if any(source == path for source, _ in report.failures):
        return "not listed: the JSON report that would list each could not be written (above)"
    return f"every one in the run report {path}"

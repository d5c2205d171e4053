"""A run report as one Markdown page (the Prefect run's report artifact): its outcome, the
summary lines the CLI prints, the unresolved and ambiguous papers, the duration of each stage
and a table of the SHACL findings."""

from __future__ import annotations

from scholarkg.runs.report import RunReport


def report_markdown(report: RunReport) -> str:
    """The Markdown page of ``report``."""
    unresolved = [f"- {src}: {title} ({why})" for src, title, why in report.unresolved]
    findings = [
        "| "
        + " | ".join(str(f.get(k) or "") for k in ("severity", "graph", "focus", "path", "message"))
        + " |"
        for f in report.findings
    ]
    return "\n".join(
        [
            f"# scholarkg {report.job} run ({report.outcome})",
            f"Run `{report.run_iri}`, started {report.started_at}, finished {report.finished_at}.",
            "",
            *[f"- {line}" for line in report.summary_lines()],
            "",
            "## Unresolved and ambiguous papers",
            *(unresolved or ["none"]),
            "",
            "## Duration per stage",
            "| stage | seconds |",
            "|---|---|",
            *[f"| {name} | {seconds:.2f} |" for name, seconds in report.durations.items()],
            "",
            "## SHACL findings",
            "| severity | graph | focus | path | message |",
            "|---|---|---|---|---|",
            *(findings or ["| none | | | | |"]),
        ]
    )

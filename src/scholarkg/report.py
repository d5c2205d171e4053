"""The run report: counts per stage, validation outcome, what failed and why."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scholarkg.pipeline import LoadOutcome, StageResult


@dataclass
class RunReport:
    """Everything a run did, for the CLI summary, the Prefect artifact and the JSON file."""

    started_at: str
    finished_at: str = ""
    stages: list[StageResult] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    triples_loaded: int = 0
    ontology_triples: int = 0
    store_quads: int = 0
    run_iri: str = ""
    load: LoadOutcome = field(default_factory=LoadOutcome)
    changes_dir: str | None = None
    published: list[str] = field(default_factory=list)
    store_error: str | None = None
    durations: dict[str, float] = field(default_factory=dict)
    unchanged_sources: list[str] = field(default_factory=list)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the time spent in the block to ``stage``'s duration."""
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            self.durations[stage] = round(self.durations.get(stage, 0.0) + elapsed, 3)

    @property
    def profiles_ok(self) -> int:
        return len(self.stages)

    @property
    def papers(self) -> int:
        return sum(s.papers for s in self.stages)

    @property
    def graphs_loaded(self) -> int:
        return sum(len(s.staged) for s in self.stages)

    @property
    def rejected_graphs(self) -> list[str]:
        return [g for s in self.stages for g in s.rejected_graphs]

    @property
    def quarantined_records(self) -> int:
        return sum(s.quarantined_records for s in self.stages)

    @property
    def severity_counts(self) -> Counter[str]:
        return Counter(str(f["severity"]) for s in self.stages for f in s.findings)

    @property
    def resolved(self) -> int:
        return sum(s.resolved for s in self.stages)

    @property
    def unresolved(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(profile, title, best candidate ids) of every paper not matched to arXiv."""
        return [(s.name, title, ids) for s in self.stages for title, ids in s.unresolved]

    @property
    def degraded(self) -> list[str]:
        return sorted({s.degraded for s in self.stages if s.degraded})

    @property
    def outcome(self) -> str:
        """``failed`` (nothing loaded), ``partial`` (something failed or was quarantined),
        ``degraded`` (arXiv unreachable; profiles loaded without enrichment) or ``ok``."""
        if self.store_error or (self.failures and not self.stages):
            return "failed"
        if self.failures or self.rejected_graphs or self.quarantined_records:
            return "partial"
        return "degraded" if self.degraded else "ok"

    @property
    def changed_anything(self) -> bool:
        return bool(self.load.changes or self.ontology_triples)

    def counts(self) -> dict[str, int]:
        """The counts recorded on the run's prov:Activity."""
        return {
            "papers": self.papers,
            "quarantined": self.quarantined_records,
            "graphs_changed": len(self.load.changes),
            "graphs_unchanged": self.load.unchanged,
            "graphs_rejected": len(self.rejected_graphs),
            "triples_added": self.load.triples_added,
            "triples_removed": self.load.triples_removed,
        }

    def change_line(self) -> str:
        if not self.changed_anything:
            return (
                f"changes: nothing new: {len(self.unchanged_sources)} sources and "
                f"{self.load.unchanged} graphs unchanged, nothing written"
            )
        return (
            f"changes: {len(self.load.changes)} graphs changed "
            f"(+{self.load.triples_added} / -{self.load.triples_removed} triples), "
            f"{self.load.unchanged} unchanged"
            + (f"; change set in {self.changes_dir}" if self.changes_dir else "")
        )

    @property
    def succeeded(self) -> bool:
        return self.outcome in ("ok", "degraded")

    def validation_line(self) -> str:
        counts = self.severity_counts
        rejected = len(self.rejected_graphs)
        return (
            f"{self.graphs_loaded} graphs passed SHACL, {rejected} rejected; "
            f"{counts['Violation']} violations, {counts['Warning']} warnings, "
            f"{counts['Info']} infos"
        )

    def summary_lines(self) -> list[str]:
        lines = [
            f"outcome: {self.outcome}",
            f"profiles: {self.profiles_ok} built, {len(self.unchanged_sources)} unchanged "
            f"(skipped), {len(self.failures)} failed",
            f"papers: {self.papers} loaded, {self.quarantined_records} quarantined; "
            f"{self.resolved} resolved to arXiv, {len(self.unresolved)} unresolved",
            f"triples: {self.triples_loaded} passed the gate (+{self.ontology_triples} ontology "
            f"loaded); store holds {self.store_quads} quads",
            f"validation: {self.validation_line()}",
            self.change_line(),
        ]
        if self.published:
            lines.append(f"published: {', '.join(self.published)}")
        if self.store_error:
            lines.append(f"failed: store: {self.store_error} for the next run")
        lines += [f"degraded: {reason}" for reason in self.degraded]
        lines += [f"failed: {source}: {error}" for source, error in self.failures]
        lines += [f"warning: {w}" for s in self.stages for w in s.warnings]
        return lines

    def to_markdown(self) -> str:
        rows = "\n".join(
            f"| {s.name or s.source} | {s.papers} | {s.quarantined_records} | "
            f"{sum(g.triples for g in s.staged)} | {len(s.rejected_graphs)} |"
            for s in self.stages
        )
        findings = "\n".join(
            f"| {f['severity']} | {f['focus']} | {f['path'] or ''} | {f['message']} |"
            for s in self.stages
            for f in s.findings
        )
        failures = "\n".join(f"- `{source}`: {error}" for source, error in self.failures) or "none"
        unresolved = (
            "\n".join(
                f"- {name}: {title}" + (f" (best candidates: {', '.join(ids)})" if ids else "")
                for name, title, ids in self.unresolved
            )
            or "none"
        )
        return "\n".join(
            [
                f"# scholarkg run report ({self.outcome})",
                f"Started {self.started_at}, finished {self.finished_at}.",
                "",
                f"Run `{self.run_iri}`.",
                "",
                *[f"- {line}" for line in self.summary_lines()[:6]],
                "",
                "## Profiles",
                "| profile | papers | quarantined | triples | rejected graphs |",
                "|---|---|---|---|---|",
                rows,
                "",
                "## Failures",
                failures,
                *[f"- degraded: {reason}" for reason in self.degraded],
                "",
                "## Unresolved papers",
                unresolved,
                "",
                "## Quarantined records",
                *([f"- {q}" for st in self.stages for q in st.quarantined] or ["none"]),
                "",
                "## Duration per stage",
                "| stage | seconds |",
                "|---|---|",
                *[f"| {name} | {seconds:.2f} |" for name, seconds in self.durations.items()],
                "",
                "## Change set",
                "| graph | added | removed |",
                "|---|---|---|",
                *[f"| {c.graph} | {c.added} | {c.removed} |" for c in self.load.changes],
                "",
                "## SHACL findings",
                "| severity | focus | path | message |",
                "|---|---|---|---|",
                findings,
            ]
        )

    def write_json(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = self.started_at.replace(":", "").replace("-", "")
        path = directory / f"run-{stamp}.json"
        data = asdict(self) | {
            "outcome": self.outcome,
            "papers": self.papers,
            "resolved": self.resolved,
            "unresolved": self.unresolved,
            "degraded": self.degraded,
        }
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        return path


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()

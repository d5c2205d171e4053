"""Load arXiv records from any door (API, OAI-PMH, snapshot) in validated batches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scholarkg.config import Config
from scholarkg.extract.snapshot import batched
from scholarkg.models import ArxivRecord, QuarantinedRecord
from scholarkg.pipeline import (
    LoadOutcome,
    arxiv_graphs,
    gate_and_stage,
    load_staged,
    quarantine_records,
)
from scholarkg.provenance import RunInfo
from scholarkg.store.base import GraphStore


@dataclass
class ArxivLoadSummary:
    """Counts of one arXiv load, for the CLI and flow reports."""

    records: int = 0
    loaded: int = 0
    triples: int = 0
    warnings: int = 0
    outcome: LoadOutcome = field(default_factory=LoadOutcome)
    rejected: list[str] = field(default_factory=list)
    quarantined: int = 0
    missing: list[str] = field(default_factory=list)

    def absorb(self, part: ArxivLoadSummary) -> None:
        """Add another load's counts (e.g. one page of a harvest) to this one."""
        self.records += part.records
        self.loaded += part.loaded
        self.triples += part.triples
        self.warnings += part.warnings
        self.rejected += part.rejected
        self.quarantined += part.quarantined
        self.missing += part.missing
        self.outcome += part.outcome

    def lines(self) -> list[str]:
        out = [
            f"records: {self.records} read, {self.loaded} loaded, {len(self.rejected)} rejected "
            f"by SHACL, {self.quarantined} unreadable (quarantined)",
            f"triples: {self.triples} passed the gate; {self.warnings} SHACL warnings",
            f"changes: {len(self.outcome.changes)} graphs changed "
            f"(+{self.outcome.triples_added} / -{self.outcome.triples_removed} triples), "
            f"{self.outcome.unchanged} unchanged",
        ]
        out += [f"rejected: {iri}" for iri in self.rejected]
        out += [f"missing: {arxiv_id} (no such record in the answer)" for arxiv_id in self.missing]
        return out


def load_records(
    records: Iterable[ArxivRecord],
    config: Config,
    store: GraphStore,
    *,
    summary: ArxivLoadSummary | None = None,
    batch_size: int = 200,
    run: RunInfo | None = None,
    changes_dir: Path | None = None,
) -> ArxivLoadSummary:
    """Transform, validate (few pySHACL runs per batch) and load records, one graph each.

    Graphs whose content is unchanged are not rewritten; changes are kept under ``changes_dir``.
    """
    run = run or RunInfo.start(config)
    summary = summary or ArxivLoadSummary()
    for batch in batched(records, batch_size):
        gate = gate_and_stage(arxiv_graphs(list(batch), config), config)
        summary.records += len(batch)
        summary.loaded += len(gate.staged)
        summary.triples += sum(s.triples for s in gate.staged)
        summary.outcome += load_staged(list(gate.staged), store, run, changes_dir=changes_dir)
        summary.warnings += sum(s.warnings for s in gate.staged)
        summary.rejected += gate.rejected
    return summary


def note_quarantined(
    summary: ArxivLoadSummary, records: Iterable[QuarantinedRecord], config: Config
) -> None:
    """Keep unreadable records under the quarantine directory and count them."""
    kept = tuple(records)
    quarantine_records(kept, config.quarantine_dir)
    summary.quarantined += len(kept)

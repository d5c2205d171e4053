"""The run report: one shape for every job (build, fetch, harvest, snapshot), from counts the
stages record as they happen and the store's own size at the end."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scholarkg.files import write_atomic
from scholarkg.runs.quarantine_tally import QuarantineTally
from scholarkg.runs.report_summary import change_line, summary_lines


@dataclass(frozen=True)
class PublishedFile:
    """One file a run published: a dump with the quads (N-Quads, TriG) or triples it holds and
    the store's graphs it leaves out on purpose (``left_out``: graph IRI and its quads), or the
    VoID description (``kind`` ``"VoID description"``) with its triples."""

    path: str
    count: int
    unit: str
    kind: str = "dump"
    left_out: tuple[tuple[str, int], ...] = ()

    def describe(self) -> str:
        if self.kind != "dump":
            return f"{self.kind} {self.path} ({self.count} {self.unit})"
        text = f"{self.path} ({self.count} {self.unit}"
        for graph, quads in self.left_out:
            text += f"; left out: graph <{graph}> ({quads} quads), the VoID description"
        return text + ")"


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class RunReport:
    """Everything a run did, for the CLI summary, the Prefect artifacts and the JSON file."""

    job: str
    run_iri: str = ""
    started_at: str = field(default_factory=now_iso)
    finished_at: str = ""
    sources_built: list[str] = field(default_factory=list)  # their graphs loaded
    # built, but the store could not be used: their graphs kept in the outbox, not loaded
    sources_kept: list[str] = field(default_factory=list)
    sources_unchanged: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    papers: int = 0
    paper_states: dict[str, int] = field(default_factory=dict)
    resolved_from: dict[str, int] = field(default_factory=dict)
    unresolved: list[tuple[str, str, str]] = field(default_factory=list)  # source, title, why
    records_read: int = 0
    records_loaded: int = 0
    records_deleted: int = 0  # listed as deleted by the source (OAI-PMH): graphs removed
    records_held_back: int = 0  # older than the version the store holds: not loaded
    # counted, by reason, the first examples kept (every one is in the quarantine folder)
    quarantined: QuarantineTally = field(default_factory=QuarantineTally)
    quarantine_dir: str | None = None  # where every quarantined record is kept
    reports_dir: str | None = None  # where the JSON report (every failure in it) is written
    # of ``quarantined`` in a build: entries of arXiv's answers to resolution, not listed papers
    entries_quarantined: int = 0
    rejected: list[str] = field(default_factory=list)
    triples_gated: int = 0
    pyshacl_graphs: int = 0  # validated by pySHACL: unsupported shapes, [shacl] fallback
    findings: list[dict[str, str | None]] = field(default_factory=list)
    listing_findings: list[str] = field(default_factory=list)
    consistency: list[str] = field(default_factory=list)
    graphs_written: int = 0
    # dropped (a merged person's), their triples in triples_removed; None: a killed run's, not
    # known (a version that noted no commit, or not the graphs dropped)
    graphs_removed: int | None = 0
    graphs_unchanged: int = 0
    # a killed run's (whose report the next run writes): its change set's, cut to its last
    # commit; None: not known (a run of a version that noted no commit); ``committed_quads``
    # says what the store holds of it
    triples_added: int | None = 0
    triples_removed: int | None = 0
    # held now by the data graphs written, beside their triples counted above: the provenance
    # each states about itself, and their SHACL report graphs
    provenance_triples: int = 0
    report_triples: int = 0
    # a killed run's: the quads its committed graphs hold (their manifest rows) and their SHACL
    # report graphs (as the store holds them)
    committed_quads: int | None = None
    dead: list[tuple[str, str]] = field(default_factory=list)
    dead_dir: str | None = None
    kept: int = 0
    outbox_dir: str | None = None
    changes_dir: str | None = None
    persons_new: int = 0
    identity_events: list[str] = field(default_factory=list)
    identity_conflicts: list[str] = field(default_factory=list)
    config_errors: list[str] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)
    ontology_triples: int = 0
    # the graphs the run wrote itself, not from a source (ontology, arXiv categories, run
    # record, VoID description): name -> the triples each holds now
    run_graphs: dict[str, int] = field(default_factory=dict)
    store_quads: int | None = None
    store_uncounted: str | None = None  # why the summary cannot say what the store holds
    store_error: str | None = None
    run_error: str | None = None  # a file the run keeps its state in could not be written
    published: list[PublishedFile] = field(default_factory=list)
    degraded: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    interrupted: str | None = None
    durations: dict[str, float] = field(default_factory=dict)
    # a killed run's counts nobody knows (its report, written by the next run): with no commit
    # of it noted its records read and loaded and papers (its records read too when its marks
    # did not note them: a version before they did); null in its JSON,
    # "unknown" in its summary, left out of its record (before: 0)
    unknown: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.quarantined, QuarantineTally):  # a list, read back from JSON
            self.quarantined = QuarantineTally(self.quarantined)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the time spent in the block to ``stage``'s duration."""
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            self.durations[stage] = round(self.durations.get(stage, 0.0) + elapsed, 3)

    # -- verdicts ------------------------------------------------------------------------------

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.graphs_written
            or self.graphs_removed
            or self.ontology_triples
            or self.identity_events
        )

    @property
    def outcome(self) -> str:
        """``failed``: nothing could be loaded (store down, run interrupted or cut short by a
        file it could not write, every source failed); ``partial``: something was refused,
        quarantined or failed; ``degraded``: arXiv could not be used; ``ok``."""
        if self.store_error or self.run_error or self.interrupted:
            return "failed"
        if self.failures and not self.sources_built and not self.records_read:
            return "failed"
        if (
            self.failures
            or self.rejected
            or self.quarantined
            or self.dead
            or self.config_errors
            or self.kept
        ):
            return "partial"
        return "degraded" if self.degraded else "ok"

    @property
    def succeeded(self) -> bool:
        return self.outcome in ("ok", "degraded")

    def severity_counts(self) -> Counter[str]:
        return Counter(str(f.get("severity")) for f in self.findings)

    @property
    def papers_loaded(self) -> int:
        """Papers whose graphs the run loaded: a build's listed papers but those quarantined,
        an arXiv job's records loaded."""
        if self.job == "build":
            return max(0, self.papers - self.papers_quarantined)
        return self.records_loaded

    @property
    def papers_quarantined(self) -> int:
        """Of a build's quarantined, the listed papers (not arXiv's entries)."""
        return len(self.quarantined) - self.entries_quarantined

    def counts(self) -> dict[str, int]:
        """The counts recorded on the run's prov:Activity (those not known left out)."""
        counts: dict[str, int | None] = {
            "papers": None
            if {"papers", "records_loaded"} & {*self.unknown}
            else self.papers_loaded,
            "quarantined": len(self.quarantined),
            "graphs_changed": self.graphs_written,
            "graphs_unchanged": self.graphs_unchanged,
            "graphs_removed": self.graphs_removed,
            "records_deleted": self.records_deleted,
            "graphs_rejected": len(self.rejected),
            "triples_added": self.triples_added,
            "triples_removed": self.triples_removed,
        }
        return {key: value for key, value in counts.items() if value is not None}

    # -- text (:mod:`scholarkg.runs.report_summary`) -----------------------------------------

    def summary_lines(self) -> list[str]:
        """The summary the CLI prints and the Prefect artifact shows, one line per subject."""
        return summary_lines(self)

    def change_line(self) -> str:
        """The summary's line of what the run changed in the store."""
        return change_line(self)

    def json_path(self, directory: Path) -> Path:
        """The file :meth:`write_json` writes in ``directory``."""
        stamp = self.started_at.replace(":", "").replace("-", "")
        tail = self.run_iri.rsplit("-", 1)[-1] if self.run_iri else "run"
        return directory / f"{self.job}-{stamp}-{tail}.json"

    def write_json(self, directory: Path) -> Path:
        """Write the report as JSON in ``directory`` (made if missing); a full disk is a
        :class:`~scholarkg.errors.WriteFailed` naming the file."""
        path = self.json_path(directory)
        data = asdict(self) | self.quarantined.as_json() | {"outcome": self.outcome}
        data |= dict.fromkeys(self.unknown)  # null: not known
        text = json.dumps(data, indent=1, ensure_ascii=False)
        return write_atomic(path, text.encode("utf-8"), what="run report")

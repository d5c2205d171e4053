"""Pipeline stages as plain functions with small, file-based hand-offs (flows wire these)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph

from scholarkg.config import Config
from scholarkg.extract.profiles import fetch_profile, parse_archived_profile
from scholarkg.extract.raw_archive import RawArchive
from scholarkg.iris import Minter
from scholarkg.models import QuarantinedRecord
from scholarkg.resources import ONTOLOGY_FILES, ontology_dir
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.transform import NamedGraph
from scholarkg.transform.profile import transform_profile
from scholarkg.validate import quarantine_graph, validate_graph


@dataclass(frozen=True)
class StagedGraph:
    """A validated graph written to disk, ready to load."""

    iri: str
    path: str
    triples: int
    warnings: int


@dataclass(frozen=True)
class StageResult:
    """What staging one source produced: small enough to pass between flow tasks."""

    source: str
    name: str = ""
    papers: int = 0
    staged: tuple[StagedGraph, ...] = ()
    rejected_graphs: tuple[str, ...] = ()
    quarantined_records: int = 0
    warnings: tuple[str, ...] = ()
    findings: tuple[dict[str, str | None], ...] = field(default=(), compare=False)


def archive_for(config: Config) -> RawArchive:
    return RawArchive(config.raw_dir)


def fetch_profile_source(location: str, config: Config) -> str:
    """Fetch and archive one profile page; returns the archived object's SHA-256."""
    archived = fetch_profile(
        location,
        archive_for(config),
        user_agent=config.http.user_agent,
        timeout=(config.http.connect_timeout, config.http.read_timeout),
    )
    return archived.sha256


def quarantine_records(records: tuple[QuarantinedRecord, ...], root: Path) -> None:
    """Keep unreadable records with their reason (one file per source and line, idempotent)."""
    if not records:
        return
    target = root / "records"
    target.mkdir(parents=True, exist_ok=True)
    for record in records:
        name = "".join(c if c.isalnum() else "_" for c in record.source)[-80:]
        (target / f"{name}-L{record.line}.json").write_text(
            json.dumps(asdict(record), ensure_ascii=False, indent=1), encoding="utf-8"
        )


def _staging_path(config: Config, iri: str) -> Path:
    tail = iri.split("/graph/", 1)[-1]
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in tail)
    return config.data_dir / "staging" / f"{safe}.nt"


def gate_and_stage(graphs: list[NamedGraph], config: Config) -> tuple[list[StagedGraph], list[str], list[dict[str, str | None]]]:
    """Validate each graph; write the passing ones to staging, quarantine the rest."""
    staged: list[StagedGraph] = []
    rejected: list[str] = []
    findings: list[dict[str, str | None]] = []
    for named in graphs:
        report = validate_graph(named)
        findings.extend({"graph": str(named.iri), **f.__dict__} for f in report.findings)
        if not report.passed:
            quarantine_graph(named, report, config.quarantine_dir)
            rejected.append(str(named.iri))
            continue
        path = _staging_path(config, str(named.iri))
        path.parent.mkdir(parents=True, exist_ok=True)
        named.graph.serialize(path, format="nt", encoding="utf-8")
        staged.append(StagedGraph(str(named.iri), str(path), len(named.graph), len(report.warnings)))
    return staged, rejected, findings


def stage_profile(sha256: str, config: Config) -> StageResult:
    """Parse an archived profile, transform, validate and stage its graphs."""
    archived = archive_for(config).get(sha256)
    profile = parse_archived_profile(archived, config.subject_codes)
    quarantine_records(profile.quarantined, config.quarantine_dir)
    graphs = transform_profile(profile, Minter(config.iri_base))
    staged, rejected, findings = gate_and_stage(graphs, config)
    return StageResult(
        source=profile.source,
        name=profile.name,
        papers=len(profile.papers),
        staged=tuple(staged),
        rejected_graphs=tuple(rejected),
        quarantined_records=len(profile.quarantined),
        warnings=profile.warnings,
        findings=tuple(findings),
    )


def load_ontology(store: EmbeddedStore, minter: Minter) -> int:
    """(Re)load the ontology and the category scheme, each into its own named graph."""
    total = 0
    for name, iri in zip(ONTOLOGY_FILES, (minter.ontology_graph(), minter.category_graph()), strict=True):
        graph = Graph().parse(ontology_dir() / name, format="turtle")
        store.replace_graph(iri, graph)
        total += len(graph)
    return total


def load_staged(staged: list[StagedGraph], store: EmbeddedStore) -> int:
    """Replace each staged graph in the store (one transaction per graph); returns triples."""
    total = 0
    for item in staged:
        store.replace_graph_ntriples(item.iri, Path(item.path).read_text(encoding="utf-8"))
        total += item.triples
    return total

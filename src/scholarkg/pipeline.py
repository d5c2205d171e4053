"""Pipeline stages as plain functions with small, file-based hand-offs (flows wire these)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from scholarkg.changes import GraphChange, diff, ntriples_set, write_change
from scholarkg.clients import archive_for, arxiv_api_client, http_client
from scholarkg.config import Config
from scholarkg.enrich import Enrichment, accepted_records, enrich_profile
from scholarkg.errors import LoadError
from scholarkg.extract.profiles import fetch_profile, parse_archived_profile
from scholarkg.incremental import Fetched, previous_sha, remember, up_to_date, validators
from scholarkg.iris import ONTOLOGY_IRI, SKG, Minter
from scholarkg.models import ArxivRecord, Profile, QuarantinedRecord
from scholarkg.people import People
from scholarkg.provenance import RunInfo, graph_metadata, report_graph_iri, run_record
from scholarkg.resolve import researcher_keys
from scholarkg.resources import ONTOLOGY_FILES, ontology_dir
from scholarkg.staging import StagedGraph, discard, pending_staged, stage_graph
from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref
from scholarkg.transform import NamedGraph
from scholarkg.transform.arxiv import arxiv_graph
from scholarkg.transform.profile import transform_profile
from scholarkg.validate import quarantine_graph, validate_graphs

Finding = dict[str, str | None]


@dataclass(frozen=True)
class LoadOutcome:
    """What loading staged graphs changed in the store."""

    changes: tuple[GraphChange, ...] = ()
    unchanged: int = 0

    @property
    def triples_added(self) -> int:
        return sum(c.added for c in self.changes)

    @property
    def triples_removed(self) -> int:
        return sum(c.removed for c in self.changes)

    def __add__(self, other: LoadOutcome) -> LoadOutcome:
        return LoadOutcome(self.changes + other.changes, self.unchanged + other.unchanged)


@dataclass(frozen=True)
class GateResult:
    """What the SHACL gate let through, what it rejected, and every finding."""

    staged: tuple[StagedGraph, ...] = ()
    rejected: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class StageResult:
    """What staging one profile produced: small enough to pass between flow tasks."""

    source: str
    name: str = ""
    papers: int = 0
    staged: tuple[StagedGraph, ...] = ()
    rejected_graphs: tuple[str, ...] = ()
    quarantined_records: int = 0
    warnings: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = field(default=(), compare=False)
    resolved: int = 0
    unresolved: tuple[tuple[str, tuple[str, ...]], ...] = ()
    degraded: str | None = None
    quarantined: tuple[str, ...] = ()
    graph: str = ""


def people_for(config: Config) -> People:
    return People(merge=config.people_merge, split=config.people_split)


def fetch_profile_source(location: str, config: Config) -> str:
    """Fetch and archive one profile page; returns the archived object's SHA-256."""
    return fetch_profile_conditionally(location, config).sha256


def fetch_profile_conditionally(location: str, config: Config) -> Fetched:
    """Fetch a profile page, sending the validators of the last load (ETag/Last-Modified).

    A 304 answer reuses the bytes archived last time, so nothing is parsed again for nothing.
    """
    etag, last_modified = validators(config, location)
    previous = previous_sha(config, location)
    with http_client(config) as http:
        archived = fetch_profile(
            location,
            archive_for(config),
            http,
            etag=etag if previous else None,
            last_modified=last_modified if previous else None,
        )
    if archived is None:
        assert previous is not None
        return Fetched(location, previous, True, etag, last_modified)
    headers = {k.lower(): v for k, v in archived.headers.items()}
    return Fetched(
        location, archived.sha256, False, headers.get("etag"), headers.get("last-modified")
    )


def load_archived_profile(sha256: str, config: Config) -> Profile:
    return parse_archived_profile(archive_for(config).get(sha256), config.subject_codes)


def enrich_profile_source(
    sha256: str, config: Config, before_request: Callable[[str], None] | None = None
) -> Enrichment:
    """Resolve an archived profile's papers against arXiv (network; degrades, never raises).

    ``before_request`` runs before every arXiv request (flows pass a shared rate limit).
    """
    if not config.arxiv.enabled:
        return Enrichment()
    profile = load_archived_profile(sha256, config)
    client = arxiv_api_client(config, before_request=before_request)
    try:
        return enrich_profile(
            profile,
            client,
            overrides=config.arxiv.overrides,
            threshold=config.arxiv.threshold,
            candidates_per_title=config.arxiv.candidates_per_title,
        )
    finally:
        client.http.close()


def split_unchanged(fetched: list[Fetched], config: Config) -> tuple[list[Fetched], list[Fetched]]:
    """(to build, already in the store) for freshly fetched sources.

    A source is already in the store when its bytes equal those last loaded and its graph there
    was written with this configuration and version: building it again would change nothing.
    """
    if not fetched:
        return [], []
    try:
        with closing(config.store.open(read_only=True)) as store:
            current = up_to_date(store, fetched, config)
    except LoadError:  # no store yet, or not readable now: build everything
        current = set()
    return (
        [f for f in fetched if f.location not in current],
        [f for f in fetched if f.location in current],
    )


def remember_loaded(config: Config, fetched: Fetched, result: StageResult) -> None:
    """After a successful load: remember the bytes and validators of this source."""
    if result.graph and not result.rejected_graphs:
        remember(config, fetched, result.graph)


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


def gate_and_stage(graphs: list[NamedGraph], config: Config) -> GateResult:
    """Validate the graphs; write the passing ones to staging, quarantine the rest."""
    staged: list[StagedGraph] = []
    rejected: list[str] = []
    findings: list[Finding] = []
    for named, report in zip(graphs, validate_graphs(graphs), strict=True):
        findings.extend({"graph": str(named.iri), **f.__dict__} for f in report.findings)
        if not report.passed:
            quarantine_graph(named, report, config.quarantine_dir)
            rejected.append(str(named.iri))
            continue
        staged.append(stage_graph(named, report.report_graph, len(report.warnings), config))
    return GateResult(tuple(staged), tuple(rejected), tuple(findings))


def arxiv_graphs(
    records: list[ArxivRecord], config: Config, *, researcher: str | None = None
) -> list[NamedGraph]:
    """One named graph per record; the researcher's arXiv spellings map to their person key."""
    people = people_for(config)
    minter = Minter(config.iri_base)
    graphs = []
    for record in records:
        keys = {a.name: people.key(a.name, record.arxiv_id) for a in record.authors}
        if researcher is not None:
            keys |= researcher_keys(researcher, people.key(researcher), [record])
        graphs.append(arxiv_graph(record, minter, person_keys=keys))
    return graphs


def stage_profile(sha256: str, config: Config, enrichment: Enrichment | None = None) -> StageResult:
    """Parse an archived profile and its enrichment, transform, validate and stage the graphs."""
    profile = load_archived_profile(sha256, config)
    enrichment = enrichment or Enrichment()
    quarantine_records(profile.quarantined, config.quarantine_dir)
    records = accepted_records(enrichment, archive_for(config))
    graphs = transform_profile(
        profile,
        Minter(config.iri_base),
        people=people_for(config),
        resolutions=enrichment.resolutions,
    )
    graphs += arxiv_graphs(list(records.values()), config, researcher=profile.name)
    gate = gate_and_stage(graphs, config)
    return StageResult(
        source=profile.source,
        name=profile.name,
        papers=len(profile.papers),
        staged=gate.staged,
        rejected_graphs=gate.rejected,
        quarantined_records=len(profile.quarantined),
        warnings=profile.warnings,
        findings=gate.findings,
        resolved=len(records),
        unresolved=tuple(
            (r.paper.title, tuple(c.arxiv_id for c in r.candidates)) for r in enrichment.unresolved
        ),
        degraded=enrichment.degraded,
        quarantined=tuple(f"{q.source}:{q.line}: {q.reason}" for q in profile.quarantined),
        graph=str(graphs[0].iri),
    )


def load_ontology(store: GraphStore, minter: Minter) -> int:
    """Load the ontology and the category scheme, each into its own named graph.

    A graph records the SHA-256 of its source file; an unchanged file is not reloaded (the
    ontology has blank nodes, which a reload would rename). Returns the triples loaded.
    """
    total = 0
    iris = (minter.ontology_graph(), minter.category_graph())
    for name, iri in zip(ONTOLOGY_FILES, iris, strict=True):
        data = (ontology_dir() / name).read_bytes()
        digest = Literal("sha256:" + hashlib.sha256(data).hexdigest())
        pattern = f"{iri_ref(iri)} {iri_ref(SKG.contentHash)} {digest.n3()}"
        ask = f"ASK {{ GRAPH {iri_ref(iri)} {{ {pattern} }} }}"
        if bool(store.query(ask, union=False)):
            continue
        graph = Graph().parse(data=data, format="turtle")
        graph.add((iri, SKG.contentHash, digest))
        graph.add((iri, DCTERMS.source, URIRef(f"{ONTOLOGY_IRI}/{name}")))
        store.replace_graph(iri, graph)
        total += len(graph)
    return total


def load_staged(
    staged: list[StagedGraph],
    store: GraphStore,
    run: RunInfo,
    *,
    changes_dir: Path | None = None,
) -> LoadOutcome:
    """Replace each staged graph whose content changed (one transaction per graph).

    Unchanged graphs are not written at all; either way the staged files are then discarded (a
    failure leaves them for the next run). A changed graph is written with its provenance
    (run, time, source, source hash, SHACL report link) and its change set is kept as N-Quads
    under ``changes_dir``.
    """
    changes: list[GraphChange] = []
    unchanged = 0
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for item in staged:
        text = Path(item.path).read_text(encoding="utf-8")
        own = f"<{item.iri}>"
        old = {t for t in store.triples_in(item.iri) if t[0] != own}
        added, removed = diff(old, ntriples_set(text))
        if not added and not removed:
            unchanged += 1
            discard(item)
            continue
        if changes_dir is not None:
            changes.append(write_change(changes_dir, item.iri, added, removed))
        else:
            changes.append(GraphChange(item.iri, len(added), len(removed)))
        if item.report_path:
            report = Path(item.report_path).read_text(encoding="utf-8")
            store.replace_graph_ntriples(report_graph_iri(item.iri), report)
        meta = graph_metadata(
            item.iri, run, generated_at=now, source=item.source, source_sha256=item.source_sha256
        )
        store.replace_graph_ntriples(item.iri, text + meta.serialize(format="nt"))
        discard(item)
    return LoadOutcome(tuple(changes), unchanged)


def with_pending(staged: list[StagedGraph], config: Config) -> list[StagedGraph]:
    """``staged`` plus what earlier runs staged but could not load (newest staging wins)."""
    current = {item.iri for item in staged}
    return [p for p in pending_staged(config) if p.iri not in current] + staged


def record_run(store: GraphStore, run: RunInfo, *, outcome: str, counts: dict[str, int]) -> None:
    """Write the run's prov:Activity into its own named graph."""
    ended = dt.datetime.now(dt.UTC).replace(microsecond=0)
    store.replace_graph(
        run.graph_iri, run_record(run, ended_at=ended, outcome=outcome, counts=counts)
    )


def changes_dir_for(config: Config, run: RunInfo) -> Path:
    """Where a run's change set files go."""
    return config.data_dir / "changes" / run.iri.rsplit("/", 1)[-1]

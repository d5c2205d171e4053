"""The build job: profile pages → resolution → identity → graphs → gate → load.

Stages, each a plain function (flows run the first two as concurrent tasks):

1. :func:`fetch_source` — fetch and archive one page, conditionally (I/O).
2. :func:`prepare` — parse the archived page and resolve its papers to arXiv (I/O, any worker).
3. :func:`build_profile` — in the run's process: the profile's identity, its graphs through the
   gate (a violation quarantines the paper it concerns, not the profile), the arXiv records
   resolution fetched, and their identity decisions.
4. :func:`finish` — load, person graphs, consistency check, run record, publication, report.

:func:`build` runs all of it in one process (tests, scripts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scholarkg.clients import archive_for, arxiv_api_client, http_client
from scholarkg.config import Config
from scholarkg.errors import ExtractError, ScholarKGError
from scholarkg.extract.profiles import fetch_profile, parse_archived_profile
from scholarkg.incremental import Fetched, previous_sha, remember, up_to_date, validators
from scholarkg.lifecycle import Interrupted
from scholarkg.models import Profile, QuarantinedRecord
from scholarkg.quarantine import quarantine_records
from scholarkg.resolution.index import IndexEntry, TitleIndex
from scholarkg.resolution.resolver import Enrichment, PaperResolver
from scholarkg.runs import gating
from scholarkg.runs.chunk_work import WorkerSetup, process_records
from scholarkg.runs.close import close_run, stop_run
from scholarkg.runs.context import RunContext, deletions_path, title_index_path
from scholarkg.runs.deletions import Deletions
from scholarkg.runs.identity_step import finish_identity
from scholarkg.runs.loading import Loading
from scholarkg.transform.profile import ProfileOutput, transform_profile

if TYPE_CHECKING:
    from scholarkg.runs.records import Ingest

BeforeRequest = Callable[[str], None]


@dataclass(frozen=True)
class Prepared:
    """A fetched page, parsed, with its papers resolved (picklable)."""

    fetched: Fetched
    profile: Profile
    enrichment: Enrichment


def fetch_source(location: str, config: Config) -> Fetched:
    """Fetch and archive one page, sending the validators of the last load (ETag, date)."""
    etag, last_modified = validators(config, location)
    previous = previous_sha(config, location)
    with http_client(config) as http:
        archived = fetch_profile(
            location,
            archive_for(config),
            http,
            etag=etag if previous else None,
            last_modified=last_modified if previous else None,
            limits=config.limits,
        )
    if archived is None:
        if previous is None:
            raise ExtractError(location, "server answered 304 to an unconditional request")
        return Fetched(location, previous, True, etag, last_modified)
    headers = {k.lower(): v for k, v in archived.headers.items()}
    return Fetched(
        location, archived.sha256, False, headers.get("etag"), headers.get("last-modified")
    )


def resolve_papers(
    profile: Profile, config: Config, before_request: BeforeRequest | None = None
) -> Enrichment:
    """Resolve every listed paper (store first, then arXiv); never raises for arXiv's sake."""
    path, gone = title_index_path(config), deletions_path(config)
    index = TitleIndex(path) if path.exists() else None
    deletions = Deletions(gone) if gone.exists() else None
    client = arxiv_api_client(config, before_request) if config.arxiv.enabled else None
    resolver = PaperResolver(
        index=index,
        client=client,
        overrides=config.arxiv.overrides,
        threshold=config.arxiv.threshold,
        per_title=config.arxiv.candidates_per_title,
        withheld=deletions.withheld if deletions else None,
    )
    try:
        enrichment = resolver.resolve(profile.papers)
    finally:
        if client is not None:
            client.http.close()
        if index is not None:
            index.close()
        if deletions is not None:
            deletions.close()
    if enrichment.degraded:
        where = config.arxiv.effective_api_url
        message = degraded_message(where, enrichment.degraded)
        return Enrichment(
            enrichment.verdicts,
            enrichment.records,
            enrichment.fetched,
            enrichment.requests,
            message,
        )
    return enrichment


def degraded_message(where: str, cause: str) -> str:
    """One line: where arXiv was tried, the cause in short, and what happened instead."""
    known = {
        "Failed to resolve": "name resolution failed",
        "Connection refused": "connection refused",
        "timed out": "timed out",
    }
    short = next((s for marker, s in known.items() if marker in cause), None)
    if short is None:
        short = cause.rsplit("last: ", 1)[-1].split(" (Caused by")[0]
        short = short if len(short) <= 120 else short[:119] + "…"
    return f"arXiv unusable at {where} ({short}); the rest of the profile loaded without it"


def prepare(
    fetched: Fetched, config: Config, before_request: BeforeRequest | None = None
) -> Prepared:
    """Parse the archived page and resolve its papers."""
    archived = archive_for(config).get(fetched.sha256)
    profile = parse_archived_profile(archived, config.subject_codes, config.limits)
    return Prepared(fetched, profile, resolve_papers(profile, config, before_request))


def unchanged_sources(ctx: RunContext, fetched: Sequence[Fetched]) -> set[str]:
    """Sources whose bytes the store already holds, built the same way."""
    try:
        return up_to_date(ctx.store, list(fetched), ctx.config)
    except ScholarKGError:
        return set()


def build_profile(ctx: RunContext, prepared: Prepared, loading: Loading) -> None:
    """Identity, graphs and gate for one prepared profile; graphs go to ``loading``."""
    report, profile, enrichment = ctx.report, prepared.profile, prepared.enrichment
    identity, fetched = ctx.identity, prepared.fetched
    slug = identity.profile(profile.name, fetched.location, fetched.sha256)
    fetched_records = [enrichment.records[i] for i in enrichment.fetched]
    arxiv = process_records(0, fetched_records, _setup(ctx))
    for graph, findings in arxiv.rejected_graphs:  # kept as a snapshot's or harvest's are
        gating.quarantine_graph(
            ctx.config.quarantine_dir, graph.iri, list(graph.triples), findings, graph.source
        )
    identity.restate(arxiv.mentions)
    output, quarantined = _gated_profile(ctx, prepared, slug)
    identity.restate(output.mentions, {output.graphs[0].iri: slug})  # if it lists none, too
    snapshot = str(ctx.minter.profile_snapshot(slug, profile.content_sha256))
    ctx.registry.add_snapshot(snapshot, slug, " ".join(output.metrics))
    payloads = [*arxiv.payloads]
    for graph in output.graphs:
        payload, findings = gating.gate_graph(
            graph.iri,
            graph.kind,
            list(graph.triples),
            source=graph.source,
            source_sha256=graph.source_sha256,
        )
        report.findings += [{"graph": graph.iri, **f.__dict__} for f in findings]
        if payload is None:
            gating.quarantine_graph(
                ctx.config.quarantine_dir, graph.iri, list(graph.triples), findings, graph.source
            )
            report.rejected.append(graph.iri)
            continue
        payloads.append(payload)
    ctx.touched_papers.update(output.papers.values())
    ctx.touched_papers.update(m.paper for m in arxiv.mentions)
    loading.add(payloads)
    built_whole = not any(g.iri in report.rejected for g in output.graphs)
    if loading.failed is None and built_whole and not enrichment.degraded:
        ctx.after_load.append(lambda: remember(ctx.config, fetched, output.graphs[0].iri))
        ctx.after_load.append(lambda: _index(ctx, arxiv.titles))
    # a record deleted before and resolved now has a newer state: back, once the store holds it
    ctx.forget_deletions([(i, enrichment.records[i].updated) for i in enrichment.fetched])
    _count(ctx, prepared, output, quarantined, arxiv.rejected)
    report.triples_gated += sum(p.triples for p in payloads)
    report.findings += arxiv.findings


def _index(ctx: RunContext, entries: list[IndexEntry]) -> None:
    ctx.index.add_entries(entries)


def _setup(ctx: RunContext) -> WorkerSetup:
    return WorkerSetup.of(ctx.config)


def _gated_profile(
    ctx: RunContext, prepared: Prepared, slug: str
) -> tuple[ProfileOutput, list[QuarantinedRecord]]:
    """Transform; a violation quarantines the papers it concerns and the rest is built again."""
    profile, enrichment = prepared.profile, prepared.enrichment

    def build(skip: frozenset[int]) -> ProfileOutput:
        return transform_profile(
            profile,
            ctx.minter,
            slug_=slug,
            verdicts=enrichment.verdicts,
            records=enrichment.records,
            org_label=ctx.registry.organization_label,
            skip_lines=skip,
        )

    output = build(frozenset())
    findings = gating.check(output.graphs[0].triples)
    bad = gating.offending_lines(findings, output.papers, output.graphs[0].triples)
    if not bad:
        return output, []
    by_line = {p.line: p for p in profile.papers}
    quarantined = [
        QuarantinedRecord(profile.source, line, reason, by_line[line].title)
        for line, reason in sorted(bad.items())
    ]
    quarantine_records(quarantined, ctx.config.quarantine_dir)
    return build(frozenset(bad)), quarantined


def _count(
    ctx: RunContext,
    prepared: Prepared,
    output: ProfileOutput,
    quarantined: list[QuarantinedRecord],
    rejected: list[str],
) -> None:
    report, profile, enrichment = ctx.report, prepared.profile, prepared.enrichment
    report.sources_built.append(prepared.fetched.location)
    report.papers += len(profile.papers) + len(profile.quarantined)
    all_quarantined = [*profile.quarantined, *quarantined]
    quarantine_records(tuple(profile.quarantined), ctx.config.quarantine_dir)
    report.quarantined += [f"{q.source}:{q.line}: {q.reason}" for q in all_quarantined]
    report.warnings += list(profile.warnings)
    report.listing_findings += list(output.findings)
    left_out = {q.line for q in quarantined}
    for verdict in enrichment.verdicts:
        if verdict.paper.line in left_out:
            continue
        report.paper_states[verdict.state] = report.paper_states.get(verdict.state, 0) + 1
        if verdict.origin and verdict.state in ("resolved", "overridden"):
            report.resolved_from[verdict.origin] = report.resolved_from.get(verdict.origin, 0) + 1
        if verdict.state in ("ambiguous", "unresolved"):
            ids = ", ".join(c.arxiv_id for c in verdict.candidates)
            why = verdict.note or (f"{verdict.state}; candidates {ids}" if ids else verdict.state)
            report.unresolved.append((profile.name, verdict.paper.title, why))
    for purpose, n in enrichment.requests.items():
        report.requests[purpose] = report.requests.get(purpose, 0) + n
    if enrichment.degraded and enrichment.degraded not in report.degraded:
        report.degraded.append(enrichment.degraded)
    report.rejected += rejected


def finish(ctx: RunContext, loading: Loading, workers: Ingest | None = None) -> None:
    """Person graphs (made in the ``workers``' processes, if given, which end then: what the
    run closes with, publishing included, needs none), then everything a run closes with."""
    finish_identity(ctx, loading, None if workers is None else workers.pool)
    if workers is not None:
        workers.close()
    loading.settle_superseded()
    close_run(ctx, loading)


def build(config: Config, locations: Sequence[str] | None = None) -> RunContext:
    """The whole build job in this process (the flow runs the same stages as tasks)."""
    sources = list(dict.fromkeys([*config.profiles, *(locations or [])]))
    with RunContext(config, "build") as ctx:
        loading = Loading(ctx)
        try:
            loading.pending_first()
            fetched: list[Fetched] = []
            for location in sources:
                ctx.check_stop()
                try:
                    fetched.append(fetch_source(location, config))
                except ScholarKGError as exc:
                    ctx.report.failures.append((location, str(exc)))
            build_fetched(ctx, loading, fetched, lambda f: prepare(f, config))
            finish(ctx, loading)
        except Interrupted as exc:
            stop_run(ctx, loading, exc)
        return ctx


def distinct_sources(ctx: RunContext, fetched: Sequence[Fetched]) -> list[Fetched]:
    """One source per content: the same bytes from two paths are one profile (noted)."""
    seen: dict[str, str] = {}
    out: list[Fetched] = []
    for item in fetched:
        if item.sha256 in seen:
            ctx.report.notes.append(
                f"{item.location}: same page as {seen[item.sha256]} (built once)"
            )
            continue
        seen[item.sha256] = item.location
        out.append(item)
    return out


def build_fetched(
    ctx: RunContext,
    loading: Loading,
    fetched: Sequence[Fetched],
    prepare_one: Callable[[Fetched], Prepared],
) -> None:
    """Skip what the store holds; prepare and build the rest, one profile at a time."""
    todo = distinct_sources(ctx, fetched)
    unchanged = unchanged_sources(ctx, todo)
    ctx.report.sources_unchanged += sorted(unchanged)
    for item in todo:
        if item.location in unchanged:
            continue
        ctx.check_stop()
        try:
            prepared = prepare_one(item)
        except ScholarKGError as exc:
            ctx.report.failures.append((item.location, str(exc)))
            continue
        build_profile(ctx, prepared, loading)

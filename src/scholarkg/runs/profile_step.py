"""One prepared profile built in the run's process: the profile's identity, its graphs through the
gate (a violation quarantines the paper it concerns, not the profile), the arXiv records
resolution fetched with their identity decisions, and the report's counts."""

from __future__ import annotations

from scholarkg import quarantine_graphs as kept_graphs
from scholarkg.incremental import source_state
from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine import LISTED, quarantine_records
from scholarkg.resolution.index import IndexEntry
from scholarkg.runs import gating
from scholarkg.runs.chunk_work import WorkerSetup, process_records
from scholarkg.runs.context import RunContext
from scholarkg.runs.holding_back import holding_back
from scholarkg.runs.loading import Loading
from scholarkg.runs.profile_sources import Prepared
from scholarkg.transform.profile import ProfileOutput, transform_profile


def build_profile(ctx: RunContext, prepared: Prepared, loading: Loading) -> None:
    """Identity, graphs and gate for one prepared profile; graphs go to ``loading``."""
    report, profile, enrichment = ctx.report, prepared.profile, prepared.enrichment
    identity, fetched = ctx.identity, prepared.fetched
    slug = identity.profile(profile.name, fetched.location, fetched.sha256)
    fetched_records = [enrichment.records[i] for i in enrichment.fetched]
    arxiv = process_records(0, fetched_records, _setup(ctx))
    holding_back(ctx).hold_back(arxiv)  # a copy older than the store's is not loaded
    if arxiv.rejected_graphs:  # kept as a snapshot's or harvest's are
        gating.quarantine_graphs(ctx.config.quarantine_dir, ctx.run_id, arxiv.rejected_graphs)
    identity.restate(arxiv.mentions)
    output, quarantined = _gated_profile(ctx, prepared, slug)
    identity.restate(output.mentions, {output.graphs[0].iri: slug})  # if it lists none, too
    snapshot = str(ctx.minter.profile_snapshot(slug, profile.snapshot_key))
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
            kept_graphs.quarantine_graph(
                ctx.config.quarantine_dir,
                ctx.run_id,
                graph.iri,
                list(graph.triples),
                findings,
                graph.source,
            )
            report.rejected.append(graph.iri)
            continue
        payloads.append(payload)
    ctx.touched_papers.update(output.papers.values())
    ctx.touched_papers.update(m.paper for m in arxiv.mentions)
    loading.add(payloads, papers=len(profile.papers) - len(quarantined))
    # the store could not be used (before this profile, or part-way): its graphs are kept in
    # the outbox for the next run, the profile is not built
    loaded = loading.failed is None
    built_whole = not any(g.iri in report.rejected for g in output.graphs)
    if loaded and built_whole and not enrichment.degraded:
        at = enrichment.index_revision if enrichment.unresolved else None
        ctx.remember_source(source_state(ctx.config, fetched, output.graphs[0].iri, at))
        ctx.after_load.append(lambda: _index(ctx, arxiv.titles))
    # a record deleted before and resolved now has a newer state: back, once the store holds it
    ctx.forget_deletions([(i, enrichment.records[i].updated) for i in enrichment.fetched])
    (report.sources_built if loaded else report.sources_kept).append(prepared.fetched.location)
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
            known_listing=lambda iri: bool(ctx.registry.keys_of(iri)),
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
    quarantine_records(quarantined, ctx.config.quarantine_dir, ctx.run_id, kind=LISTED)
    return build(frozenset(bad)), quarantined


def _count(
    ctx: RunContext,
    prepared: Prepared,
    output: ProfileOutput,
    quarantined: list[QuarantinedRecord],
    rejected: list[str],
) -> None:
    report, profile, enrichment = ctx.report, prepared.profile, prepared.enrichment
    report.papers += len(profile.papers) + len(profile.quarantined)
    all_quarantined = [*profile.quarantined, *quarantined]
    quarantine_records(
        tuple(profile.quarantined), ctx.config.quarantine_dir, ctx.run_id, kind=LISTED
    )
    report.quarantined += [q.describe() for q in all_quarantined]
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
    report.warnings += [w for w in enrichment.warnings if w not in report.warnings]
    # as a fetch's are; an entry another profile's resolution was answered too (the same
    # request: same answer, line, reason and text) is the one record, kept and counted once
    entries = [q for q in dict.fromkeys(enrichment.quarantined) if q not in ctx.entries_kept]
    ctx.entries_kept.update(entries)
    quarantine_records(entries, ctx.config.quarantine_dir, ctx.run_id)
    report.quarantined += [q.describe() for q in entries]
    report.entries_quarantined += len(entries)
    report.rejected += rejected

"""The end of every run's identity step: configuration applied, person graphs written.

Persons whose decisions changed in this run (``dirty`` in the registry, persisted, so a run
killed before this step leaves them for the next) get their graph emitted, gated and loaded
with the run's loader; a person merged into another loses its graph (its IRI lives on in the
survivor's graph as ``owl:sameAs`` + ``skg:mergedInto``). The registry is committed only once
the store holds the graphs.
"""

from __future__ import annotations

from scholarkg.identity.emit import emit_person, person_graph_iri
from scholarkg.runs import gating
from scholarkg.runs.context import RunContext
from scholarkg.runs.loading import Loading
from scholarkg.transform import EmittedGraph
from scholarkg.transform.emit import NTriplesEmitter


def finish_identity(ctx: RunContext, loading: Loading) -> None:
    registry, report = ctx.registry, ctx.report
    identity = ctx.identity
    report.config_errors += identity.apply_overrides()
    written: list[int] = []
    settled: list[int] = []
    drops: list[str] = []
    graphs: list[EmittedGraph] = []
    owners: dict[str, int] = {}
    out = NTriplesEmitter()
    dirty = registry.dirty()
    for record in registry.person_records([p.id for p in dirty]):
        person = record.person
        iri = person_graph_iri(person, ctx.minter)
        if person.merged_into is not None:
            if person.published:
                drops.append(iri)
            settled.append(person.id)
            continue
        out.reset()
        emit_person(record, ctx.minter, out)
        graphs.append(EmittedGraph(iri, "person", tuple(out.triples)))
        owners[iri] = person.id
    payloads = []
    for graph, payload, findings in gating.gate_many(graphs):
        report.findings += [{"graph": graph.iri, **f.__dict__} for f in findings]
        if payload is None:
            gating.quarantine_graph(
                ctx.config.quarantine_dir, graph.iri, list(graph.triples), findings, None
            )
            report.rejected.append(graph.iri)
            settled.append(owners[graph.iri])
            continue
        report.triples_gated += payload.triples
        payloads.append(payload)
        written.append(owners[graph.iri])
    for start in range(0, len(payloads), 1000):
        loading.add(payloads[start : start + 1000])
    if drops:
        loading.drop(drops)
    report.persons_new += identity.new_persons
    report.identity_events += [
        f"{e.kind}: {e.other} → {e.person} ({e.rule}: {e.basis})" for e in identity.events
    ]
    report.identity_conflicts += identity.conflicts
    identity.new_persons = 0
    identity.events.clear()
    identity.conflicts.clear()
    ctx.after_load.append(lambda: _commit(ctx, written, settled))


def _commit(ctx: RunContext, written: list[int], settled: list[int]) -> None:
    """Once the store holds the person graphs: remember it, and keep every decision."""
    ctx.registry.written(written)
    ctx.registry.settled(settled)
    ctx.registry.commit()

"""The end of every run's identity step: configuration applied, person graphs written.

Persons whose decisions changed in this run (``dirty`` in the registry, persisted, so a run
killed before this step leaves them for the next) get their graph emitted, gated and loaded
with the run's loader; a person merged into another loses its graph (its IRI lives on in the
survivor's graph as ``owl:sameAs`` + ``skg:mergedInto``), and so does a person left with no
authorship (every one withdrawn) and no profile. Emitting and gating run in the
run's worker processes when it has them (a snapshot load), batch by batch, while this process
reads the next batch from the registry. The registry is committed only once the store holds
the graphs, and before the run remembers a source as built (a kill between the two would
leave a page skipped as unchanged whose decisions were lost). The registry remembers which
store it wrote to (the manifest's ``store_id``): in another store, or one deleted and made
again, every person's graph is written again.
"""

from __future__ import annotations

import re
from array import array
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from scholarkg import quarantine_graphs as kept_graphs
from scholarkg.errors import ScholarKGError
from scholarkg.identity.emit import emit_person, person_graph_iri
from scholarkg.identity.registry import PersonRecord
from scholarkg.iris import Minter
from scholarkg.load.payload import GraphPayload
from scholarkg.runs import gating
from scholarkg.runs.context import RunContext
from scholarkg.runs.loading import Loading
from scholarkg.runs.worker_pool import Ticket, WorkerPool
from scholarkg.transform import EmittedGraph, Triple
from scholarkg.transform.emit import NTriplesEmitter
from scholarkg.validate import Finding

BATCH = 2000  # persons per batch handed to a worker
_WORD = re.compile(r"[\w-]+")  # a person slug is one such word


@dataclass
class PersonGraphs:
    """What one batch of persons gave (picklable)."""

    payloads: list[tuple[int, GraphPayload]] = field(default_factory=list)
    rejected: list[tuple[int, str, list[Triple], tuple[Finding, ...]]] = field(default_factory=list)
    findings: list[tuple[str, Finding]] = field(default_factory=list)
    pyshacl_graphs: int = 0  # validated by pySHACL (counted here when run in a worker)
    new: int = 0  # payloads of persons the store has never held (the report's new persons,
    # once kept)


def person_graphs(records: Sequence[PersonRecord], iri_base: str) -> PersonGraphs:
    """Emit and gate the graphs of live persons (in a worker process or here)."""
    minter, out, owners = Minter(iri_base), NTriplesEmitter(), {}
    graphs: list[EmittedGraph] = []
    unpublished: set[int] = set()
    for record in records:
        if not record.person.published:
            unpublished.add(record.person.id)
        out.reset()
        emit_person(record, minter, out)
        iri = person_graph_iri(record.person, minter)
        graphs.append(EmittedGraph(iri, "person", tuple(out.triples)))
        owners[iri] = record.person.id
    done = PersonGraphs()
    before = gating.pyshacl_graphs()
    for graph, payload, findings in gating.gate_many(graphs):
        done.findings += [(graph.iri, f) for f in findings]
        if payload is None:
            done.rejected.append((owners[graph.iri], graph.iri, list(graph.triples), findings))
        else:
            done.payloads.append((owners[graph.iri], payload))
            done.new += int(owners[graph.iri] in unpublished)
    done.pyshacl_graphs = gating.pyshacl_graphs() - before
    return done


def finish_identity(ctx: RunContext, loading: Loading, pool: WorkerPool | None = None) -> None:
    report = ctx.report
    identity = ctx.identity
    # new persons named as in any order: before [people.merge] names them, and again once a
    # [people.split] took an authorship, before their graphs are first written
    renamed = ctx.registry.settle_slugs()
    report.config_errors += identity.apply_overrides()
    then = ctx.registry.settle_slugs(last=True)
    renamed = {old: then.get(new, new) for old, new in renamed.items()} | then
    store_id = _store_id(ctx)
    if store_id is not None and ctx.registry.published_to() != store_id:
        ctx.registry.republish(store_id)  # another store, or this one made afresh
    written = array("q")  # person ids, 8 bytes each (a list's ints take ~36)
    settled = array("q")
    drops: list[str] = []
    new = [0]  # persons the store never held whose graphs this run loads
    pending: deque[Ticket[PersonGraphs] | PersonGraphs] = deque()

    def take(result: PersonGraphs) -> None:
        if pool is not None:  # this process's own gate is counted when the run closes
            report.pyshacl_graphs += result.pyshacl_graphs
        report.findings += [{"graph": iri, **f.__dict__} for iri, f in result.findings]
        if result.rejected:  # a batch's in one write
            kept_graphs.quarantine_graphs(
                ctx.config.quarantine_dir,
                ctx.run_id,
                ((iri, triples, findings, None) for _, iri, triples, findings in result.rejected),
            )
        for owner, iri, _, _ in result.rejected:
            report.rejected.append(iri)
            settled.append(owner)
        new[0] += result.new
        if result.payloads:
            report.triples_gated += sum(p.triples for _, p in result.payloads)
            written.extend(owner for owner, _ in result.payloads)
            loading.add([p for _, p in result.payloads])

    for batch in _live_batches(ctx, settled, drops):
        ctx.check_stop()  # between two batches, with workers or without
        if pool is None:
            take(person_graphs(batch, ctx.config.iri_base))
            continue
        pending.append(pool.submit(person_graphs, batch, ctx.config.iri_base))
        while len(pending) > 2:
            ctx.check_stop()
            job = pending.popleft()
            take(job.result() if isinstance(job, Ticket) else job)
    while pending:
        ctx.check_stop()
        job = pending.popleft()
        take(job.result() if isinstance(job, Ticket) else job)
    if drops:
        loading.drop(drops)
    # the run's lines (kept in the registry as found) name persons by their graphs' IRIs
    report.identity_events += [
        replace(e, person=_renamed(e.person, renamed), other=_renamed(e.other, renamed)).describe()
        for e in identity.events
    ]
    report.identity_conflicts += [_renamed(line, renamed) for line in identity.conflicts]
    identity.events.clear()
    identity.conflicts.clear()
    # first of what runs once the store holds the graphs: a source is remembered as built (and
    # skipped by the next run) only once the decisions about it are kept
    ctx.after_load.insert(0, lambda: _commit(ctx, written, settled, new[0]))


def _renamed(text: str, renamed: dict[str, str]) -> str:
    """``text`` naming each person slug in ``renamed`` by its new slug (word by word: two
    persons may have swapped theirs)."""
    if not renamed:
        return text
    return _WORD.sub(lambda m: renamed.get(m[0], m[0]), text)


def _store_id(ctx: RunContext) -> str | None:
    """The store's id (None: it cannot be opened; its graphs wait in the outbox)."""
    try:
        manifest = ctx.open_manifest()
    except ScholarKGError:
        return None
    try:
        return manifest.store_id
    finally:
        manifest.close()


def _live_batches(
    ctx: RunContext, settled: array[int], drops: list[str]
) -> Iterator[list[PersonRecord]]:
    """Records of the dirty persons still live, BATCH at a time; retired ones, and persons
    left with no authorship and no profile (every one withdrawn), are settled (and their
    published graphs dropped)."""
    batch: list[PersonRecord] = []
    for record in ctx.registry.person_records(ctx.registry.dirty_ids(BATCH)):
        person = record.person
        if person.merged_into is not None or not (record.mentions or person.profile):
            if person.published:
                drops.append(person_graph_iri(person, ctx.minter))
            settled.append(person.id)
            continue
        batch.append(record)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _commit(ctx: RunContext, written: array[int], settled: array[int], new: int) -> None:
    """Once the store holds the person graphs: remember it, and keep every decision. The new
    persons are counted then: a run whose store failed (locked, refusing writes) kept none of
    them, and the next run that loads their graphs counts them."""
    ctx.registry.written(written)
    ctx.registry.settled(settled)
    ctx.registry.commit()
    ctx.report.persons_new += new

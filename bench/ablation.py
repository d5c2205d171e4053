"""BENCH-ONLY ABLATIONS: the pipeline with its identity step switched off, or made naive.

Used only to measure what the identity step costs (issue 9), as the same snapshot load with
another resolver on the run context:

* :func:`identity_disabled` — a do-nothing resolver. Nothing is decided, so no person graph is
  emitted, gated or loaded; the registry file is still opened and committed (empty).
* :func:`identity_naive` — the cheapest rule that still yields persons: one person per
  normalised name key (:func:`~scholarkg.identity.names.name_key`), no evidence kept or read,
  no registry look-ups (the keys seen are held in memory). Every authorship and its spelling
  is written to the registry as the real resolver writes them, so the person graphs are
  emitted, gated and loaded by the run's own identity step, the same way.

Against the pipeline these split the identity step's cost in two: having person graphs at
all (naive − disabled) and the identity decisions (pipeline − naive). The stores such runs
leave are never a result (no persons, or namesakes merged), only a timing.

* :func:`person_shards` — the real resolver, but its persons written ``n`` to a named graph
  (``…/graph/persons/<first person's id>``) instead of one graph each, the triples unchanged:
  what fewer, larger person graphs would save (fewer provenance quads, manifest rows, change-set
  lines, payloads). A first load only (a later run would write a person's triples into
  another shard). Each check of the gate still covers ~200 persons, as one graph a person does.

Everything that knows the run context's internals is in :func:`_resolver_as`, so it is the
place to adapt if they move.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from typing import Any

from scholarkg.identity import names
from scholarkg.identity.mentions import PaperMentions
from scholarkg.identity.registry import Mention, PersonRecord, Registry, short_hash
from scholarkg.iris import Minter, capped
from scholarkg.transform import EmittedGraph, Triple
from scholarkg.transform.emit import NTriplesEmitter

NAIVE_RULE = "first-seen"  # a rule the shapes accept (sh:in), so no person graph is refused
NAIVE_BASIS = "bench-only ablation: one person per name key"


class NullIdentity:
    """Accepts every call the run makes on an identity resolver and decides nothing."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.conflicts: list[str] = []

    def add(self, paper: object) -> None:
        """Decide nothing about this paper's authors."""

    def add_many(self, papers: object) -> None:
        """Decide nothing about these papers' authors."""

    def restate(self, papers: object) -> None:
        """Decide and withdraw nothing."""

    def apply_overrides(self) -> list[str]:
        return []


class NaiveIdentity(NullIdentity):
    """One person per name key: the first authorship of a key founds its person, every later
    one is assigned to it. Written to the registry as the resolver writes (the spelling, the
    decision, the person marked dirty), read from it never."""

    def __init__(self, registry: Registry) -> None:
        super().__init__()
        self.registry = registry
        self._persons: dict[str, int] = {}  # name key -> person id

    def add(self, paper: object) -> None:
        assert isinstance(paper, PaperMentions)
        self.add_many([paper])

    def add_many(self, papers: object) -> None:
        assert isinstance(papers, Sequence)
        reg = self.registry
        with reg.whole():  # as the resolver's writes (a savepoint: no decision)
            reg.add_names([(a.node, a.name) for p in papers for a in p.authors])
            for paper in papers:
                for author in paper.authors:
                    key = names.name_key(author.name)
                    pid = self._persons.get(key)
                    if pid is None:
                        slug = f"{capped(key)}-{short_hash(key)}"
                        pid = reg.new_person(slug, names.block(author.name), author.name, key)
                        self._persons[key] = pid
                    mention = Mention(
                        author.node,
                        paper.paper,
                        author.position,
                        pid,
                        author.name,
                        NAIVE_RULE,
                        None,
                        NAIVE_BASIS,
                        paper.source,
                        False,
                    )
                    reg.assign(mention, None)  # a new store: no earlier person to look up

    def restate(self, papers: object) -> None:
        """Withdraw nothing; decide the papers' authors by name key."""
        self.add_many(papers)


@contextmanager
def _resolver_as(make: Callable[[Any], NullIdentity]) -> Iterator[None]:
    """Within the block, every run context hands out ``make(context)``, made once per context."""
    from scholarkg.runs.context import RunContext

    original = RunContext.__dict__["identity"]

    def identity(self: Any) -> NullIdentity:
        made: NullIdentity | None = self.__dict__.get("_bench_identity")
        if made is None:
            made = self.__dict__["_bench_identity"] = make(self)
        return made

    setattr(RunContext, "identity", property(identity))  # noqa: B010
    try:
        yield
    finally:
        setattr(RunContext, "identity", original)  # noqa: B010


def identity_disabled() -> AbstractContextManager[None]:
    """Within the block, every run context hands out a :class:`NullIdentity`."""
    return _resolver_as(lambda ctx: NullIdentity())


def identity_naive() -> AbstractContextManager[None]:
    """Within the block, every run context hands out a :class:`NaiveIdentity` over its
    registry."""
    return _resolver_as(lambda ctx: NaiveIdentity(ctx.registry))


SHARD_PATH = "graph/persons/"  # + the id of the shard's first person


def sharded_person_graphs(n: int, records: Sequence[PersonRecord], iri_base: str) -> Any:
    """``identity_step.person_graphs`` with ``n`` persons a graph: each person emitted as now,
    the triples of ``n`` consecutive persons one graph, gated ``max(1, 200 // n)`` graphs a
    check. A shard's payload is owned by its first person (see :func:`_commit_all`)."""
    from scholarkg.identity.emit import emit_person
    from scholarkg.runs import gating
    from scholarkg.runs.identity_step import PersonGraphs

    minter, out = Minter(iri_base), NTriplesEmitter()
    graphs: list[EmittedGraph] = []
    owners: dict[str, list[int]] = {}
    unpublished: set[int] = set()
    for start in range(0, len(records), n):
        group = records[start : start + n]
        iri = f"{minter.base}{SHARD_PATH}{group[0].person.id}"
        triples: list[Triple] = []
        for record in group:
            if not record.person.published:
                unpublished.add(record.person.id)
            out.reset()
            emit_person(record, minter, out)
            triples += out.triples
        graphs.append(EmittedGraph(iri, "person", tuple(triples)))
        owners[iri] = [r.person.id for r in group]
    done = PersonGraphs()
    before = gating.pyshacl_graphs()
    for graph, payload, findings in gating.gate_many(graphs, batch=max(1, 200 // n)):
        done.findings += [(graph.iri, f) for f in findings]
        ids = owners[graph.iri]
        if payload is None:
            done.rejected.append((ids[0], graph.iri, list(graph.triples), findings))
        else:
            done.payloads.append((ids[0], payload))
            done.new += sum(pid in unpublished for pid in ids)
    done.pyshacl_graphs = gating.pyshacl_graphs() - before
    return done


def _commit_all(
    original: Callable[..., None], ctx: Any, written: Any, settled: Any, *rest: Any
) -> None:
    """The identity step's commit, every still-dirty person not settled counted as written (a
    shard's payload names only its first person); ``rest``, the commit's other arguments (the
    new persons' count), passed on as given."""
    skip = set(settled)
    everyone = array("q", (p for p in ctx.registry.dirty_ids() if p not in skip))
    original(ctx, everyone, settled, *rest)


@contextmanager
def person_shards(n: int) -> Iterator[None]:
    """Within the block, the identity step writes its persons ``n`` to a graph (n = 1: as
    it is)."""
    from scholarkg.runs import identity_step

    if n <= 1:
        yield
        return
    graphs, commit = identity_step.person_graphs, identity_step._commit
    identity_step.person_graphs = partial(sharded_person_graphs, n)
    identity_step._commit = partial(_commit_all, commit)
    try:
        yield
    finally:
        identity_step.person_graphs, identity_step._commit = graphs, commit

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

Everything that knows the run context's internals is in :func:`_resolver_as`, so it is the
one place to adapt if they move.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from scholarkg.identity import names
from scholarkg.identity.mentions import PaperMentions
from scholarkg.identity.registry import Mention, Registry, short_hash
from scholarkg.iris import capped

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

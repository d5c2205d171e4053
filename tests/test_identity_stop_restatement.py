"""A stop asked for during the identity step ends it between two papers' decisions, except in a
restatement that withdrew authorships: there a stop would commit the withdrawals without the
decisions that end them, and the next run would find nothing left to withdraw."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scholarkg import lifecycle
from scholarkg.identity import names
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import AuthorMention, IdentityResolver, PaperMentions


def paper(n: int, source: str, *authors: str) -> PaperMentions:
    iri = f"https://w3id.org/scholarkg/id/paper/arxiv/2401.{n:05d}"
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{i}", i, names.nfc(name))
        for i, name in enumerate(authors, 1)
    )
    return PaperMentions(iri, (f"2401.{n:05d}",), listed, source)


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Registry]:
    registry = Registry(tmp_path / "identity.sqlite")
    yield registry
    registry.close()


@pytest.fixture
def stop_asked() -> Iterator[None]:
    lifecycle.STOP.set()
    yield
    lifecycle.STOP.clear()


def test_a_restatement_that_withdrew_nothing_stops_before_its_first_paper(
    reg: Registry, stop_asked: None
) -> None:
    resolver = IdentityResolver(reg)
    with pytest.raises(lifecycle.Interrupted):
        resolver.restate([paper(n, "graph:a", "Jane Doe", "John Roe") for n in range(3)])
    assert reg.mentions([f"{p.paper}/authorship/1" for p in [paper(0, "graph:a")]]) == {}


def test_a_restatement_that_withdrew_an_authorship_decides_every_paper_despite_a_stop(
    reg: Registry,
) -> None:
    resolver = IdentityResolver(reg)
    resolver.restate([paper(n, "graph:a", "Jane Doe", "John Roe") for n in range(3)])
    lifecycle.STOP.set()
    try:  # graph a drops John Roe from paper 0 and lists two more papers
        now = [paper(0, "graph:a", "Jane Doe"), *(paper(n, "graph:a", "Jane Doe") for n in (1, 2))]
        now += [paper(n, "graph:a", "Jane Doe", "Ann Poe") for n in (3, 4)]
        resolver.restate(now)
    finally:
        lifecycle.STOP.clear()
    assert [e for e in resolver.events if e.kind == "withdrawn"]
    decided = reg.mentions([f"{p.paper}/authorship/{a.position}" for p in now for a in p.authors])
    assert len(decided) == sum(len(p.authors) for p in now)  # none left for a next run

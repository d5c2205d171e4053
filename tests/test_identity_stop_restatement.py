"""A stop asked for during the identity step ends it between two papers' decisions and undoes the
restatement it was part of, one that withdrew authorships too (before: that one was decided to
its end despite the stop, as a stop there would have committed the withdrawals without the
decisions that end them): the next restatement of the same papers does it whole."""

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


def test_a_stop_undoes_a_restatement_that_withdrew_an_authorship_and_the_next_does_it_whole(
    reg: Registry,
) -> None:
    resolver = IdentityResolver(reg)
    before = [paper(n, "graph:a", "Jane Doe", "John Roe") for n in range(3)]
    resolver.restate(before)
    reg.commit()
    nodes = [f"{p.paper}/authorship/{a.position}" for p in before for a in p.authors]
    decided = reg.mentions(nodes)
    # graph a drops John Roe from paper 0 and lists two more papers
    now = [paper(0, "graph:a", "Jane Doe"), *(paper(n, "graph:a", "Jane Doe") for n in (1, 2))]
    now += [paper(n, "graph:a", "Jane Doe", "Ann Poe") for n in (3, 4)]
    withdraw = reg.withdraw

    def stop_asked_there(gone: list[str]) -> list[tuple[str, int]]:
        lifecycle.STOP.set()  # as SIGTERM's handler does, as the withdrawal is written
        return withdraw(gone)

    reg.withdraw = stop_asked_there  # type: ignore[method-assign]
    try:
        with pytest.raises(lifecycle.Interrupted):
            resolver.restate(now)
    finally:
        lifecycle.STOP.clear()
        del reg.withdraw
    assert reg.mentions(nodes) == decided  # John Roe's authorship is his again
    assert sorted(reg.stated_by("graph:a")) == sorted(nodes)
    assert not resolver.events  # what it found went with it
    resolver.restate(now)  # the next run
    assert [e.other for e in resolver.events if e.kind == "withdrawn"] == nodes[1::2]
    now_nodes = [f"{p.paper}/authorship/{a.position}" for p in now for a in p.authors]
    assert len(reg.mentions(now_nodes)) == len(now_nodes)

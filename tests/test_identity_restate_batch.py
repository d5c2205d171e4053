"""A restatement reads what its graphs stated and claimed before at once, and notes the nodes of
graphs that only state more in one write: a graph withdrawing a node later in the same
restatement still finds it stated by a graph before it (a second source of one paper)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scholarkg.identity import names
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import AuthorMention, IdentityResolver, PaperMentions

PAPER = "https://w3id.org/scholarkg/id/paper/arxiv/2401.00001"


def listing(source: str, *authors: tuple[int, str]) -> PaperMentions:
    listed = tuple(
        AuthorMention(f"{PAPER}/authorship/{n}", n, names.nfc(name)) for n, name in authors
    )
    return PaperMentions(PAPER, ("2401.00001",), listed, source)


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Registry]:
    registry = Registry(tmp_path / "identity.sqlite")
    yield registry
    registry.close()


def test_a_node_another_graph_of_the_batch_states_first_is_not_withdrawn(reg: Registry) -> None:
    resolver = IdentityResolver(reg)
    resolver.restate([listing("graph:a", (1, "Jane Doe"), (2, "John Roe"))])
    [john] = reg.mentions([f"{PAPER}/authorship/2"]).values()
    # graph b (new: it only states more) lists both; graph a no longer lists John Roe
    resolver.restate(
        [
            listing("graph:b", (1, "Jane Doe"), (2, "John Roe")),
            listing("graph:a", (1, "Jane Doe")),
        ]
    )
    assert reg.stated_by("graph:b") == [f"{PAPER}/authorship/{n}" for n in (1, 2)]
    assert reg.stated_by("graph:a") == [f"{PAPER}/authorship/1"]
    [kept] = reg.mentions([f"{PAPER}/authorship/2"]).values()
    assert (kept.person, kept.rule) == (john.person, john.rule)  # never withdrawn
    assert not [e for e in resolver.events if e.kind == "withdrawn"]


def test_graphs_that_only_state_more_note_every_node(reg: Registry) -> None:
    resolver = IdentityResolver(reg)
    resolver.restate([listing("graph:a", (1, "Jane Doe"))])
    resolver.restate([listing("graph:a", (1, "Jane Doe"), (2, "John Roe"))])
    assert reg.stated_by("graph:a") == [f"{PAPER}/authorship/{n}" for n in (1, 2)]
    assert len(reg.mentions([f"{PAPER}/authorship/{n}" for n in (1, 2)])) == 2

"""Deciding authorships again reads the authorships of a person apart only under the names
compatible with the author's: ``Damian Ritter`` and ``Debashish Ritter``, each with N papers
beside ``Victor White`` (CONSTRUCTED), are two persons, and each new paper of one read every
earlier authorship of the other beside White (N rows a paper, N² in all) only to drop each
for its name. Now the other's distinct names are read (one here) and none of its authorships."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paper_mentions import listed_paper
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver


class RowCounting(Registry):
    """Counts the rows :meth:`coauthor_nodes` returns."""

    rows = 0

    def coauthor_nodes(
        self, block: str, co_blocks: Sequence[str], paper: str, *args: Any
    ) -> list[tuple[str, str, int, float, str, str]]:
        found = super().coauthor_nodes(block, co_blocks, paper, *args)
        self.rows += len(found)
        return found


def test_a_person_apart_under_another_name_gives_no_rows(tmp_path: Path) -> None:
    reg = RowCounting(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    papers = [
        listed_paper(f"2104.{2 * k + n:05d}", name, "Victor White")
        for k in range(80)
        for n, name in enumerate(["Damian Ritter", "Debashish Ritter"])
    ]
    for paper in papers:
        resolver.restate([paper])
    assert reg.rows == 0  # before: 6 400 (each paper read the other name's authorships so far)
    persons = [
        reg.live(m.person) for m in reg.mentions([p.authors[0].node for p in papers]).values()
    ]
    assert len(set(persons[0::2])) == len(set(persons[1::2])) == 1
    assert persons[0] != persons[1]


def test_a_compatible_name_beside_the_same_coauthor_is_still_decided_again(
    tmp_path: Path,
) -> None:
    """``D. Ritter`` joined ``Debashish Ritter`` beside White, then ``Damian Ritter`` came
    beside White too: the initial is decided again (the rows of its name are read)."""
    reg = RowCounting(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    for n, name in enumerate(["Debashish Ritter", "D. Ritter", "Damian Ritter"]):
        resolver.restate([listed_paper(f"2105.{n:05d}", name, "Victor White")])
    assert reg.rows >= 1
    nodes = [listed_paper(f"2105.{n:05d}", "x", "y").authors[0].node for n in range(3)]
    held = {node: reg.live(m.person) for node, m in reg.mentions(nodes).items()}
    assert len(set(held.values())) == 3  # the initial is tied between the two: its own person

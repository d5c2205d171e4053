"""A new version of a paper that lists an author at another position and spells them
otherwise (a surname the name's other spelling writes) keeps them the person they were
(``same-paper``). Listings are CONSTRUCTED (registry level, as arXiv's would be read)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paper_mentions import listing_paper
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Yann Le Cun", "Yann LeCun"),
        ("Kim Jong Un", "Jong-Un Kim"),
        ("LI Wei", "Wei Li"),
        ("Hans Müller", "Hans Mueller"),
        ("José García López", "José García"),
    ],
)
def test_an_author_moved_and_spelled_otherwise_stays_the_person(
    tmp_path: Path, before: str, after: str
) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.restate([listing_paper("2005.00001", before, "Ann Lee", "Bo Chen")])
    node = "https://w3id.org/scholarkg/id/paper/arxiv/2005.00001/authorship/{}"
    [first] = reg.mentions([node.format(1)]).values()
    resolver.restate([listing_paper("2005.00001", "Ann Lee", "Bo Chen", after)])
    [moved] = reg.mentions([node.format(3)]).values()
    assert (moved.name, moved.rule) == (after, "same-paper")
    assert reg.live(moved.person) == reg.live(first.person)
    reg.close()

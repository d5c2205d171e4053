"""An initials-only author compatible with two persons who cannot be one, each with as much
co-author evidence, joins neither: the decision does not depend on the order the papers came in.

``D. Ritter`` beside V. N. White, who wrote with ``Debashish Ritter`` and with ``Damian C.
Ritter`` (not one name): before, ``D. Ritter`` joined whichever had been seen first. The names
and papers are CONSTRUCTED (tests/test_group_named_variants.py's ``_paper``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from test_group_named_variants import BASE, _paper


def _person_of(reg: Registry, arxiv_id: str, position: int) -> tuple[int, str]:
    [mention] = reg.mentions([f"{BASE}{arxiv_id}/authorship/{position}"]).values()
    return reg.live(mention.person), mention.rule


@pytest.mark.parametrize("order", ["debashish-first", "damian-first"])
def test_an_ambiguous_initial_joins_neither_in_either_order(tmp_path: Path, order: str) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    papers = [
        _paper("2101.00001", "Debashish Ritter", "V. N. White"),
        _paper("2101.00002", "Damian C. Ritter", "V. N. White"),
    ]
    for paper in papers if order == "debashish-first" else papers[::-1]:
        resolver.add(paper)
    resolver.add(_paper("2101.00003", "D. Ritter", "V. N. White"))
    debashish, _ = _person_of(reg, "2101.00001", 1)
    damian, _ = _person_of(reg, "2101.00002", 1)
    initial, rule = _person_of(reg, "2101.00003", 1)
    assert len({debashish, damian, initial}) == 3
    assert rule == "first-seen"
    [mention] = reg.mentions([f"{BASE}2101.00003/authorship/1"]).values()
    assert "Damian C. Ritter" in mention.basis and "Debashish Ritter" in mention.basis
    [conflict] = resolver.conflicts  # reported, as the merge it no longer attempts was
    assert conflict.startswith("'D. Ritter' at ") and "not one name" in conflict
    # the co-author is one person all along
    assert len({_person_of(reg, f"2101.0000{n}", 2)[0] for n in (1, 2, 3)}) == 1


@pytest.mark.parametrize("order", ["debashish-first", "damian-first"])
def test_more_evidence_still_decides(tmp_path: Path, order: str) -> None:
    """``D. Ritter`` beside White and Black, who both wrote with ``Damian C. Ritter`` and only
    White with ``Debashish Ritter``: Damian, in either order (the evidence is not tied)."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    papers = [
        _paper("2101.00001", "Debashish Ritter", "V. N. White"),
        _paper("2101.00002", "Damian C. Ritter", "V. N. White", "Q. Black"),
    ]
    for paper in papers if order == "debashish-first" else papers[::-1]:
        resolver.add(paper)
    resolver.add(_paper("2101.00003", "D. Ritter", "V. N. White", "Q. Black"))
    damian, _ = _person_of(reg, "2101.00002", 1)
    initial, rule = _person_of(reg, "2101.00003", 1)
    assert (initial, rule) == (damian, "shared-coauthor")


def test_two_compatible_persons_are_still_joined_by_the_initial(tmp_path: Path) -> None:
    """``D. Ritter`` linking ``Debashish Ritter`` and ``D. K. Ritter`` (one name): the three are
    one person, as before (new evidence merges compatible persons)."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.add(_paper("2101.00001", "Debashish Ritter", "V. N. White"))
    resolver.add(_paper("2101.00002", "D. K. Ritter", "Q. Black"))
    resolver.add(_paper("2101.00003", "D. Ritter", "V. N. White", "Q. Black"))
    persons = {_person_of(reg, f"2101.0000{n}", 1)[0] for n in (1, 2, 3)}
    assert len(persons) == 1


def test_an_ambiguous_authorship_decided_again_keeps_its_person(tmp_path: Path) -> None:
    """Decided again from its evidence (as when a merge it was part of is undone), the
    ambiguous ``D. Ritter`` is the person it founded, not a second one (``…-2``)."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.restate([_paper("2101.00001", "Debashish Ritter", "V. N. White")])
    resolver.restate([_paper("2101.00002", "Damian C. Ritter", "V. N. White")])
    resolver.restate([_paper("2101.00003", "D. Ritter", "V. N. White")])
    node = f"{BASE}2101.00003/authorship/1"
    [before] = reg.mentions([node]).values()
    [dropped] = reg.undecide([node])
    resolver._from_evidence(dropped)
    [after] = reg.mentions([node]).values()
    assert reg.live(after.person) == reg.live(before.person)
    assert reg.person(after.person).slug == reg.person(before.person).slug

"""An initials-only author compatible with two persons who cannot be one, each with as much
co-author evidence, joins neither: the decision does not depend on the order the papers came in.

``D. Ritter`` beside V. N. White, who wrote with ``Debashish Ritter`` and with ``Damian C.
Ritter`` (not one name): before, ``D. Ritter`` joined whichever had been seen first. The names
and papers are CONSTRUCTED (tests/paper_mentions.py's ``listed_paper``).
"""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from paper_mentions import BASE, listed_paper, partition_restated
from scholarkg.identity import names
from scholarkg.identity.mentions import PaperMentions
from scholarkg.identity.registry import Registry, short_hash
from scholarkg.identity.resolver import IdentityResolver


def _person_of(reg: Registry, arxiv_id: str, position: int) -> tuple[int, str]:
    [mention] = reg.mentions([f"{BASE}{arxiv_id}/authorship/{position}"]).values()
    return reg.live(mention.person), mention.rule


@pytest.mark.parametrize("order", ["debashish-first", "damian-first"])
def test_an_ambiguous_initial_joins_neither_in_either_order(tmp_path: Path, order: str) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    papers = [
        listed_paper("2101.00001", "Debashish Ritter", "V. N. White"),
        listed_paper("2101.00002", "Damian C. Ritter", "V. N. White"),
    ]
    for paper in papers if order == "debashish-first" else papers[::-1]:
        resolver.add(paper)
    resolver.add(listed_paper("2101.00003", "D. Ritter", "V. N. White"))
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
        listed_paper("2101.00001", "Debashish Ritter", "V. N. White"),
        listed_paper("2101.00002", "Damian C. Ritter", "V. N. White", "Q. Black"),
    ]
    for paper in papers if order == "debashish-first" else papers[::-1]:
        resolver.add(paper)
    resolver.add(listed_paper("2101.00003", "D. Ritter", "V. N. White", "Q. Black"))
    damian, _ = _person_of(reg, "2101.00002", 1)
    initial, rule = _person_of(reg, "2101.00003", 1)
    assert (initial, rule) == (damian, "shared-coauthor")


def test_two_compatible_persons_are_still_joined_by_the_initial(tmp_path: Path) -> None:
    """``D. Ritter`` linking ``Debashish Ritter`` and ``D. K. Ritter`` (one name): the three are
    one person, as before (new evidence merges compatible persons)."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.add(listed_paper("2101.00001", "Debashish Ritter", "V. N. White"))
    resolver.add(listed_paper("2101.00002", "D. K. Ritter", "Q. Black"))
    resolver.add(listed_paper("2101.00003", "D. Ritter", "V. N. White", "Q. Black"))
    persons = {_person_of(reg, f"2101.0000{n}", 1)[0] for n in (1, 2, 3)}
    assert len(persons) == 1


def test_an_ambiguous_authorship_decided_again_keeps_its_person(tmp_path: Path) -> None:
    """Decided again from its evidence (as when a merge it was part of is undone), the
    ambiguous ``D. Ritter`` is the person it founded, not a second one (``…-2``)."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.restate([listed_paper("2101.00001", "Debashish Ritter", "V. N. White")])
    resolver.restate([listed_paper("2101.00002", "Damian C. Ritter", "V. N. White")])
    resolver.restate([listed_paper("2101.00003", "D. Ritter", "V. N. White")])
    node = f"{BASE}2101.00003/authorship/1"
    [before] = reg.mentions([node]).values()
    [dropped] = reg.undecide([node])
    resolver._from_evidence(dropped)
    [after] = reg.mentions([node]).values()
    assert reg.live(after.person) == reg.live(before.person)
    assert reg.person(after.person).slug == reg.person(before.person).slug


ALL_ORDERS = list(permutations(range(3)))


def _ritters() -> list[PaperMentions]:
    return [
        listed_paper("2101.00001", "Debashish Ritter", "V. N. White"),
        listed_paper("2101.00002", "Damian C. Ritter", "V. N. White"),
        listed_paper("2101.00003", "D. Ritter", "V. N. White"),
    ]


@pytest.mark.parametrize("order", ALL_ORDERS)
def test_an_initial_seen_between_the_two_is_decided_again(
    tmp_path: Path, order: tuple[int, ...]
) -> None:
    """``D. Ritter`` seen before one of the full names (evidence for one only) joined it, and
    stayed when the other came with as much evidence: now the later author decides it again,
    a person of its own with the tie as its basis, in all six orders, and the persons' IRIs
    are the same in all of them."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    papers = _ritters()
    for n in order:
        resolver.restate([papers[n]])
    reg.settle_slugs(last=True)
    persons = [_person_of(reg, f"2101.0000{n}", 1) for n in (1, 2, 3)]
    assert len({pid for pid, _ in persons}) == 3
    assert persons[2][1] == "first-seen"
    [mention] = reg.mentions([f"{BASE}2101.00003/authorship/1"]).values()
    assert "Damian C. Ritter" in mention.basis and "Debashish Ritter" in mention.basis
    assert [c for c in resolver.conflicts if c.startswith("'D. Ritter' at ")]
    slugs = [reg.person(pid).slug for pid, _ in persons]
    assert slugs == [
        f"{names.name_key(name)}-{short_hash(f'node:{BASE}2101.0000{n}/authorship/1')}"
        for n, name in ((1, "Debashish Ritter"), (2, "Damian C. Ritter"), (3, "D. Ritter"))
    ]
    assert len({_person_of(reg, f"2101.0000{n}", 2)[0] for n in (1, 2, 3)}) == 1


def test_a_published_person_who_loses_the_initial_keeps_their_iri(tmp_path: Path) -> None:
    """``D. Ritter`` founded a published person ``Debashish Ritter`` joined; a later run brings
    ``Damian C. Ritter``: the initial is a person of its own, the published person keeps their
    IRI and Debashish, and the report says it was reassigned. Decided again once more (as a
    claim's end would), the initial stays with the person it has now."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    debashish, damian, initial = _ritters()
    resolver.restate([initial])
    resolver.restate([debashish])
    reg.settle_slugs(last=True)
    reg.written(reg.dirty())
    reg.commit()
    [published] = {_person_of(reg, f"2101.0000{n}", 1)[0] for n in (1, 3)}
    slug = reg.person(published).slug
    resolver.restate([damian])  # the next run
    assert _person_of(reg, "2101.00001", 1) == (published, "shared-coauthor")
    alone, rule = _person_of(reg, "2101.00003", 1)
    assert alone != published and rule == "first-seen"
    assert reg.person(published).slug == slug and reg.person(published).merged_into is None
    assert [(e.kind, e.person, e.other) for e in resolver.events] == [
        ("reassigned", slug, f"{BASE}2101.00003/authorship/1")
    ]
    node = f"{BASE}2101.00003/authorship/1"
    [dropped] = reg.undecide([node])
    resolver._from_evidence(dropped)
    assert _person_of(reg, "2101.00003", 1)[0] == alone


def _wangs(tmp_path: Path, first: PaperMentions, later: str) -> tuple[Registry, IdentityResolver]:
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.restate([first])
    resolver.restate([listed_paper("2101.00002", later, "V. N. White")])
    return reg, resolver


def test_of_tied_persons_the_one_written_as_listed_is_the_author(tmp_path: Path) -> None:
    """``Wei Wang`` beside White, who wrote with ``Wei Wang`` and ``W. Wang`` (two authors of
    one paper, so not one person), as many co-authors each: the one written so (before: a
    person of its own, as for a tie of two names)."""
    first = listed_paper("2101.00001", "Wei Wang", "W. Wang", "V. N. White")
    reg, _ = _wangs(tmp_path, first, "Wei Wang")
    wei, _ = _person_of(reg, "2101.00001", 1)
    assert _person_of(reg, "2101.00002", 1) == (wei, "shared-coauthor")
    [mention] = reg.mentions([f"{BASE}2101.00002/authorship/1"]).values()
    assert "this person is written 'Wei Wang'" in mention.basis


def test_an_initials_only_author_is_told_by_no_spelling(tmp_path: Path) -> None:
    """``W. Wang`` there: written as one of them, yet initials tell no one apart (as for ``D.
    Ritter``): a person of its own."""
    first = listed_paper("2101.00001", "Wei Wang", "W. Wang", "V. N. White")
    reg, resolver = _wangs(tmp_path, first, "W. Wang")
    persons = {_person_of(reg, "2101.00001", n)[0] for n in (1, 2)}
    alone, rule = _person_of(reg, "2101.00002", 1)
    assert alone not in persons and rule == "first-seen"
    assert [c for c in resolver.conflicts if c.startswith("'W. Wang' at ")]


def test_two_persons_written_as_listed_still_tie(tmp_path: Path) -> None:
    first = listed_paper("2101.00001", "Wei Wang", "Wei Wang", "V. N. White")
    reg, _ = _wangs(tmp_path, first, "Wei Wang")
    persons = {_person_of(reg, "2101.00001", n)[0] for n in (1, 2)}
    alone, rule = _person_of(reg, "2101.00002", 1)
    assert alone not in persons and rule == "first-seen" and len(persons) == 2


@pytest.mark.parametrize(
    ("twin", "maria"),
    [
        # read in this order, the later Maria Smith is tied between the paper's two: joins
        # neither; read the other way, the first listed of the two joined her (before)
        ("Maria Smith", [["1/1"], ["1/4"], ["2/3"]]),
        # the spelling tells them apart (as a tie is told): Maria Smith is Maria Smith
        ("M. Smith", [["1/1", "2/3"], ["1/4"]]),
    ],
)
def test_two_authors_of_one_paper_as_compatible_with_a_person_join_her_in_neither_order(
    tmp_path: Path, twin: str, maria: list[list[str]]
) -> None:
    """CONSTRUCTED, the smallest pair of orders of bench/identity_crowded.py's set that gave
    two partitions: a paper listing two authors compatible with one name (here twice
    ``Maria Smith``), and another paper of that name beside two of their co-authors."""
    papers = [
        listed_paper("2101.00001", "Maria Smith", "J. Chen", "D. Lopez", twin),
        listed_paper("2101.00002", "J. Chen", "D. Lopez", "Maria Smith"),
    ]
    forward = partition_restated(tmp_path / "forward", papers)
    assert forward == partition_restated(tmp_path / "reverse", papers[::-1])
    expected = [*maria, ["1/2", "2/1"], ["1/3", "2/2"]]  # J. Chen, D. Lopez
    assert forward == {
        frozenset(f"2101.0000{n[0]}/authorship/{n[2]}" for n in nodes) for nodes in expected
    }

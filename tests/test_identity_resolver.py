"""The identity rules on constructed author lists: evidence joins authorships, names never do."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from paper_mentions import BASE, paper, person_of
from scholarkg.errors import ConfigError
from scholarkg.identity import name_choice, names
from scholarkg.identity.overrides import Overrides
from scholarkg.identity.registry import MAX_EVIDENCE_AUTHORS, Registry
from scholarkg.identity.resolver import IdentityResolver, PaperMentions
from scholarkg.iris import Minter


@pytest.fixture
def reg(tmp_path: Path) -> Registry:
    registry = Registry(tmp_path / "identity.sqlite")
    yield registry
    registry.close()


def test_names_compatible_and_blocks() -> None:
    assert names.compatible("R. Dadashi", "Robert Dadashi")
    assert names.compatible("J.-P. Dupont", "Jean Pierre Dupont")
    assert not names.compatible("Wei Wang", "Wen Wang")
    assert names.block("Léonard Hussenot") == names.block("L. Hussenot") == "hussenot-l"
    assert names.nfc("Le\u0301onard") == "Léonard"
    assert names.is_group("Gemma Team") and names.is_group("The ATLAS Collaboration")
    assert not names.is_group("Robert Dadashi")
    # a person writing for a group is that person (real OAI author strings have this form)
    behalf = "Teresa Maria Montaruli for the IceCube Collaboration"
    assert not names.is_group(behalf)
    assert names.name_key(behalf) == "teresa-maria-montaruli"
    assert names.compatible(behalf, "T. Montaruli") and names.block(behalf) == "montaruli-t"
    assert not names.is_group("A. Author on behalf of the LHCb Collaboration")
    assert names.is_group("The Planck Collaboration")
    assert names.name_key("For Example") == "for-example"
    assert name_choice.preferred(["R. Dadashi", "Robert Dadashi"]) == "Robert Dadashi"


def test_homonyms_without_evidence_stay_apart_and_a_shared_coauthor_joins(reg: Registry) -> None:
    resolver = IdentityResolver(reg)
    resolver.add(paper("2001.00001", "Wei Wang", "Alice Martin", "Bob Stone"))
    resolver.add(paper("2001.00002", "Wei Wang", "Carla Diaz"))
    assert person_of(reg, "2001.00001", 1) != person_of(reg, "2001.00002", 1)
    resolver.add(paper("2001.00003", "Zoe Quinn", "Wei Wang", "Bob Stone"))
    assert person_of(reg, "2001.00003", 2) == person_of(reg, "2001.00001", 1)
    [mention] = reg.mentions([f"{BASE}2001.00003/authorship/2"]).values()
    assert mention.rule == "shared-coauthor"
    assert "Bob Stone" in (mention.basis or "")
    assert mention.evidence == BASE + "2001.00001"


def test_a_collaboration_paper_gives_no_coauthor_evidence(reg: Registry) -> None:
    """Past MAX_EVIDENCE_AUTHORS authors a paper is not indexed as pairs (everyone would share
    every co-author, and the index would grow with the square of the list)."""
    crowd = [f"Member{n} Crowd" for n in range(MAX_EVIDENCE_AUTHORS)]
    resolver = IdentityResolver(reg)
    resolver.add(paper("2003.00001", "Wei Wang", *crowd))
    resolver.add(paper("2003.00002", "Wei Wang", "Member7 Crowd"))
    assert person_of(reg, "2003.00002", 1) != person_of(reg, "2003.00001", 1)
    small = crowd[: MAX_EVIDENCE_AUTHORS - 1]  # one author fewer: evidence again
    resolver.add(paper("2003.00003", "Lin Zhou", *small))
    resolver.add(paper("2003.00004", "Lin Zhou", "Member7 Crowd"))
    assert person_of(reg, "2003.00004", 1) == person_of(reg, "2003.00003", 1)


def test_a_partial_listing_adds_pairs_a_complete_list_replaces_them(reg: Registry) -> None:
    resolver = IdentityResolver(reg)
    resolver.add(paper("2004.00001", "Wei Wang", "Alice Martin", complete=False))
    resolver.add(paper("2004.00001", "Wei Wang", "Alice Martin", "Bob Stone", complete=True))
    resolver.add(paper("2004.00002", "Wei Wang", "Bob Stone"))
    assert person_of(reg, "2004.00002", 1) == person_of(reg, "2004.00001", 1)
    resolver.add(paper("2004.00001", "Wei Wang", "Carla Diaz", complete=True))  # corrected list
    resolver.add(paper("2004.00003", "Wei Wang", "Alice Martin"))
    assert person_of(reg, "2004.00003", 1) != person_of(reg, "2004.00001", 1)


def test_new_evidence_merges_two_persons_and_keeps_the_older_iri(reg: Registry) -> None:
    resolver = IdentityResolver(reg)
    resolver.add(paper("2002.00001", "Wei Wang", "Alice Martin"))
    resolver.add(paper("2002.00002", "Wei Wang", "Carla Diaz"))
    first, second = person_of(reg, "2002.00001", 1), person_of(reg, "2002.00002", 1)
    reg.written(reg.dirty())  # both published
    resolver.add(paper("2002.00003", "Wei Wang", "Alice Martin", "Carla Diaz"))
    assert {person_of(reg, f"2002.0000{i}", 1) for i in (1, 2, 3)} == {first}
    [event] = resolver.events
    assert (event.kind, event.person, event.other) == ("merge", first, second)
    survivor = reg.by_slug(first)
    assert survivor is not None
    assert [p.slug for p in reg.retired_into(survivor.id)] == [second]


def test_initials_at_the_same_position_are_one_person(reg: Registry) -> None:
    resolver = IdentityResolver(reg)
    resolver.add(paper("2003.00001", "Robert Dadashi", "Matthieu Geist", complete=False))
    resolver.add(paper("2003.00001", "R. Dadashi", "M. Geist", "Olivier Pietquin"))
    [mention] = reg.mentions([f"{BASE}2003.00001/authorship/1"]).values()
    assert (mention.rule, mention.name) == ("same-position", "Robert Dadashi")
    reg_person = reg.by_slug(person_of(reg, "2003.00001", 1))
    assert reg_person is not None
    assert set(reg.names_of(reg_person.id)) == {"Robert Dadashi", "R. Dadashi"}
    assert len({person_of(reg, "2003.00001", n) for n in (1, 2, 3)}) == 3


def test_a_name_written_surname_first_at_the_same_position_is_one_person(reg: Registry) -> None:
    # before: "Wang Wei" displaced "Wei Wang" from the authorship and was a person of its own
    resolver = IdentityResolver(reg)
    resolver.add(paper("2005.00001", "Wei Wang", "Ann Lee", complete=False))
    first = person_of(reg, "2005.00001", 1)
    reg.written(reg.dirty())  # published
    resolver.add(paper("2005.00001", "Wang Wei", "Ann Lee", "Bo Chen"))
    assert person_of(reg, "2005.00001", 1) == first
    [mention] = reg.mentions([f"{BASE}2005.00001/authorship/1"]).values()
    assert (mention.rule, mention.score, mention.name) == ("same-position", 0.9, "Wei Wang")
    assert mention.basis == (
        "listed as 'Wei Wang' and 'Wang Wei' at this position (one of them surname first)"
    )
    person = reg.by_slug(first)
    assert person is not None
    assert set(reg.names_of(person.id)) == {"Wei Wang", "Wang Wei"}
    assert resolver.events == [] and resolver.conflicts == []
    assert len({person_of(reg, "2005.00001", n) for n in (1, 2, 3)}) == 3


def test_a_person_is_named_given_name_first_as_a_profile_lists_them(reg: Registry) -> None:
    """Before: of two equally full spellings the first seen was the person's name ("Wang Wei"
    from arXiv), and "Wang W." (counted a full given name) outranked "W. Wang"."""
    resolver = IdentityResolver(reg)
    resolver.add(paper("2005.00005", "Wang Wei", "Ann Lee"))
    listed = paper("2005.00005", "Wei Wang", "Ann Lee", complete=False)
    resolver.add(replace(listed, given_first=True))
    person = reg.by_slug(person_of(reg, "2005.00005", 1))
    assert person is not None and person.name == "Wei Wang"
    resolver.add(paper("2005.00006", "Wang Wei", "Ann Lee"))  # arXiv again: kept
    assert reg.person(person.id).name == "Wei Wang"
    # without a profile's word the first seen stays ("Wang Wei" may be given name first)
    resolver.add(paper("2005.00007", "Wang Wei", "Bo Chen"))
    resolver.add(paper("2005.00007", "Wei Wang", "Bo Chen", complete=False))
    other = reg.by_slug(person_of(reg, "2005.00007", 1))
    assert other is not None and other.name == "Wang Wei"
    listed = paper("2005.00008", "W. Wang", "Bo Chen", complete=False)
    resolver.add(replace(listed, given_first=True))
    resolver.add(paper("2005.00008", "Wang W.", "Bo Chen"))
    initial = reg.by_slug(person_of(reg, "2005.00008", 1))
    assert initial is not None and initial.name == "W. Wang"


def test_a_name_written_surname_first_on_another_paper_is_no_evidence(reg: Registry) -> None:
    """``Wang Wei`` and ``Wei Wang`` may be two people: only the same position of the same
    paper joins the two spellings, never a name alone, nor a shared co-author across papers
    (the two are not one name block)."""
    resolver = IdentityResolver(reg)
    resolver.add(paper("2005.00002", "Wei Wang", "Ann Lee"))
    resolver.add(paper("2005.00003", "Wang Wei", "Bo Chen"))
    assert person_of(reg, "2005.00002", 1) != person_of(reg, "2005.00003", 1)
    resolver.add(paper("2005.00004", "Wang Wei", "Ann Lee"))
    assert person_of(reg, "2005.00004", 1) != person_of(reg, "2005.00002", 1)
    [mention] = reg.mentions([f"{BASE}2005.00004/authorship/1"]).values()
    assert mention.rule == "first-seen"
    assert len({person_of(reg, p, 1) for p in ("2005.00002", "2005.00003", "2005.00004")}) == 3


def test_two_profiles_with_one_name_are_two_persons(reg: Registry) -> None:
    resolver = IdentityResolver(reg)
    a = resolver.profile("Wei Wang", "/profiles/a.txt", "sha-a")
    b = resolver.profile("Wei Wang", "/profiles/b.txt", "sha-b")
    assert a != b
    assert reg.profile_person(a) != reg.profile_person(b)
    same = resolver.profile("Wei Wang", "/elsewhere/copy-of-a.txt", "sha-a")
    assert same == a


def test_profiles_claiming_one_authorship_are_one_person(reg: Registry) -> None:
    resolver = IdentityResolver(reg)
    a = resolver.profile("Wei Wang", "/profiles/a.txt", "sha-a")
    b = resolver.profile("W. Wang", "/profiles/b.txt", "sha-b")
    node = f"{BASE}2004.00001/authorship/2"
    for slug, spelling in ((a, "Wei Wang"), (b, "W. Wang")):
        listing = paper("2004.00001", "Ann Lee", spelling, complete=False)
        resolver.add(
            PaperMentions(listing.paper, listing.keys, listing.authors, "g", False, {node: slug})
        )
    assert reg.profile_person(a) == reg.profile_person(b)


def test_coauthor_evidence_never_merges_two_profiles(reg: Registry) -> None:
    resolver = IdentityResolver(reg)
    a = resolver.profile("Wei Wang", "/profiles/a.txt", "sha-a")
    b = resolver.profile("Wei Wang", "/profiles/b.txt", "sha-b")
    for slug, arxiv_id, coauthor in (
        (a, "2005.00001", "Alice Martin"),
        (b, "2005.00002", "Carla Diaz"),
    ):
        listing = paper(arxiv_id, "Wei Wang", coauthor, complete=False)
        node = f"{BASE}{arxiv_id}/authorship/1"
        resolver.add(
            PaperMentions(listing.paper, listing.keys, listing.authors, "g", False, {node: slug})
        )
    resolver.add(paper("2005.00003", "Wei Wang", "Alice Martin", "Carla Diaz"))
    assert reg.profile_person(a) != reg.profile_person(b)
    assert any("two profiles" in c for c in resolver.conflicts)


def test_split_and_merge_from_config(reg: Registry) -> None:
    overrides = Overrides.parse(
        merge={"2006.00002#1": "2006.00001#1"}, split={"2006.00003|Wei Wang": "wei-wang-nus"}
    )
    resolver = IdentityResolver(reg, overrides)
    resolver.add(paper("2006.00001", "Wei Wang", "Alice Martin"))
    resolver.add(paper("2006.00002", "Wei Wang", "Carla Diaz"))
    resolver.add(paper("2006.00003", "Wei Wang", "Alice Martin"))
    assert resolver.apply_overrides() == []
    assert person_of(reg, "2006.00001", 1) == person_of(reg, "2006.00002", 1)
    assert person_of(reg, "2006.00003", 1) == "wei-wang-nus"


def test_a_split_applied_later_names_the_person_as_when_configured_first(
    tmp_path: Path,
) -> None:
    """arXiv lists "Wang Wei", a profile (given name first) lists "Wei Wang" on another paper;
    ``[people.split]`` makes the two one labelled person. Configured before the papers came,
    the person is "Wei Wang" (the profile's order); applied to the registry afterwards, the
    profile's spelling was read as if arXiv wrote it, and the person stayed "Wang Wei"
    when the arXiv authorship was split off first."""
    split = {"2005.00001#1": "ww", "2005.00002#1": "ww"}
    found = {}
    for run, order in (
        ("first", split),
        ("later", split),
        ("reversed", dict(reversed(split.items()))),
    ):
        reg = Registry(tmp_path / f"{run}.sqlite")
        overrides = Overrides.parse(merge={}, split=order)
        resolver = IdentityResolver(reg, overrides if run == "first" else Overrides())
        slug = resolver.profile("Bo Chen", "/profiles/bo-chen.txt", "sha-b")
        graph = str(Minter().profile_graph(slug))
        resolver.restate([paper("2005.00001", "Wang Wei", "Ann Lee")])
        listed = paper("2005.00002", "Wei Wang", "Bo Chen", complete=False)
        resolver.restate([replace(listed, source=graph, given_first=True)], {graph: slug})
        if run != "first":
            assert IdentityResolver(reg, overrides).apply_overrides() == []
        person = reg.by_label("ww")
        assert person is not None and set(reg.names_of(person.id)) == {"Wang Wei", "Wei Wang"}
        found[run] = person.name
        reg.close()
    # before: {"first": "Wei Wang", "later": "Wang Wei", "reversed": "Wei Wang"}
    assert found == dict.fromkeys(("first", "later", "reversed"), "Wei Wang")


def test_overrides_naming_nobody_are_errors(reg: Registry) -> None:
    overrides = Overrides.parse(merge={"9999.99999#1": "person:nobody"}, split={})
    resolver = IdentityResolver(reg, overrides)
    errors = resolver.apply_overrides()
    assert errors and "9999.99999#1" in errors[0]
    with pytest.raises(ConfigError, match="not a reference"):
        Overrides.parse(merge={}, split={"just words": "x"})


def test_a_claimed_researcher_is_on_the_paper_for_its_other_authors(reg: Registry) -> None:
    """A profile claims position 3 of a paper that lists a namesake at 1 beside a co-author of
    the researcher: the co-author rule gave position 1 to the researcher too (the claim was
    not counted among the paper's persons), one person at two positions of one paper."""
    resolver = IdentityResolver(reg)
    slug = resolver.profile("Wei Wang", "/profiles/wei-wang.txt", "sha-w")
    graph = "graph:profile/wei-wang"

    def listed(arxiv_id: str, claimed: int, *authors: str) -> PaperMentions:
        found = paper(arxiv_id, *authors)
        node = f"{BASE}{arxiv_id}/authorship/{claimed}"
        return PaperMentions(found.paper, found.keys, found.authors, graph, False, {node: slug})

    resolver.add(listed("2005.00001", 1, "Wei Wang", "Carla Diaz"))
    resolver.add(listed("2005.00002", 3, "Wei Wang", "Carla Diaz", "Wei Wang"))
    assert person_of(reg, "2005.00002", 3) == person_of(reg, "2005.00001", 1) == slug
    assert person_of(reg, "2005.00002", 1) != slug


@pytest.mark.parametrize("when", ["configured-first", "applied-later"])
def test_a_split_label_that_is_another_persons_iri_is_an_error(tmp_path: Path, when: str) -> None:
    """``[people.split]`` names the authorship a person of its own, ``…/person/<label>``; a
    label that is the IRI of a person already (``ann-lee-<hash>``, an operator meaning "give
    it to her") is an error naming both, and the authorship is not split. Before, a person
    ``ann-lee-<hash>-2`` named Wei Wang was minted without a word."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.add(paper("2006.00001", "Ann Lee", "Alice Martin"))
    ann = person_of(reg, "2006.00001", 1)
    overrides = Overrides.parse(merge={}, split={"2006.00002#1": ann})
    resolver = IdentityResolver(reg, overrides if when == "configured-first" else Overrides())
    resolver.add(paper("2006.00002", "Wei Wang", "Carla Diaz"))
    wei = person_of(reg, "2006.00002", 1)
    errors = IdentityResolver(reg, overrides).apply_overrides()
    assert len(errors) == 1 and "'2006.00002#1'" in errors[0] and ann in errors[0], errors
    assert person_of(reg, "2006.00002", 1) == wei != ann
    assert reg.by_slug(f"{ann}-2") is None and person_of(reg, "2006.00001", 1) == ann


def test_a_profile_split_label_that_is_another_persons_iri_is_an_error(reg: Registry) -> None:
    """The same for ``profile:<location>``: the profile's researcher is founded as without the
    split (``bo-chen-<hash>``), and the run says why."""
    IdentityResolver(reg).add(paper("2006.00001", "Ann Lee", "Alice Martin"))
    ann = person_of(reg, "2006.00001", 1)
    overrides = Overrides.parse(merge={}, split={"profile:/profiles/bo.txt": ann})
    resolver = IdentityResolver(reg, overrides)
    slug = resolver.profile("Bo Chen", "/profiles/bo.txt", "sha-b")
    bo = reg.profile_person(slug)
    assert bo is not None and reg.person(bo).slug.startswith("bo-chen-")
    [error] = resolver.apply_overrides()
    assert "'profile:/profiles/bo.txt'" in error and ann in error

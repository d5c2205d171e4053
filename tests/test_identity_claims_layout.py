"""The registry's ``claims``: which authorships each profile graph claims for its researcher,
and a registry written in layout 3 (which kept none) opened by this layout.

CONSTRUCTED inputs: two papers of a Wei Wang with no co-author in common, and two profiles
of one Wei Wang (two pages) listing both, in two orders."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scholarkg.errors import LoadError
from scholarkg.identity.registry import SCHEMA_VERSION, Registry
from scholarkg.identity.resolver import AuthorMention, IdentityResolver, PaperMentions
from scholarkg.iris import Minter

MINTER = Minter()
DROPPED, KEPT = "9002.00023", "9002.00024"
COAUTHOR = {DROPPED: "Helge Spieker", KEPT: "Mohit Kumar Ahuja"}


def node(arxiv_id: str) -> str:
    """The Wei Wang authorship (position 1) of the paper."""
    return f"{MINTER.base}paper/arxiv/{arxiv_id}/authorship/1"


def listed(arxiv_id: str, graph: str, slug: str) -> PaperMentions:
    """The paper as profile ``slug`` (graph ``graph``) lists it, claiming position 1."""
    paper = f"{MINTER.base}paper/arxiv/{arxiv_id}"
    authors = (
        AuthorMention(node(arxiv_id), 1, "Wei Wang"),
        AuthorMention(f"{paper}/authorship/2", 2, COAUTHOR[arxiv_id]),
    )
    return PaperMentions(paper, (arxiv_id,), authors, graph, False, {node(arxiv_id): slug})


def two_profiles(reg: Registry) -> tuple[tuple[str, str], tuple[str, str]]:
    """The first page lists DROPPED, KEPT; the second KEPT, DROPPED: its claim on KEPT joins
    the two researchers, its claim on DROPPED finds them one and makes no merge. Returns
    (profile, graph) of each."""
    resolver = IdentityResolver(reg)
    first = resolver.profile("Wei Wang", "/pages/wei-wang.txt", "sha-first")
    second = resolver.profile("Wei Wang", "/pages/w-wang.txt", "sha-second")
    g1, g2 = str(MINTER.profile_graph(first)), str(MINTER.profile_graph(second))
    resolver.restate([listed(DROPPED, g1, first), listed(KEPT, g1, first)], {g1: first})
    resolver.restate([listed(KEPT, g2, second), listed(DROPPED, g2, second)], {g2: second})
    assert resolver.events == [] and resolver.conflicts == []
    assert reg.profile_person(first) == reg.profile_person(second)
    reg.commit()
    return (first, g1), (second, g2)


def test_every_claim_is_kept_until_its_graph_no_longer_makes_it(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    try:
        (first, g1), (second, g2) = two_profiles(reg)
        # the second page's claim on DROPPED decided nothing and merged nothing: kept all the same
        assert sorted(reg.claims_on(node(DROPPED))) == sorted([(g1, first), (g2, second)])
        assert sorted(reg.claims_on(node(KEPT))) == sorted([(g1, first), (g2, second)])
        resolver = IdentityResolver(reg)
        resolver.restate([listed(KEPT, g1, first)], {g1: first})  # the first drops DROPPED
        assert reg.claims_on(node(DROPPED)) == [(g2, second)]
        [mention] = reg.mentions([node(DROPPED)]).values()
        assert (mention.rule, mention.evidence) == ("profile-researcher", g2)
        assert reg.live(mention.person) == reg.profile_person(second)
        assert resolver.events == []
        resolver.retract([g2], "was deleted by its source")  # the second page is gone
        assert reg.claims_on(node(DROPPED)) == []
        assert reg.claims_on(node(KEPT)) == [(g1, first)]
    finally:
        reg.close()


def as_layout_3(path: Path) -> None:
    """Make the registry at ``path`` what layout 3 wrote: no ``claims`` table."""
    db = sqlite3.connect(path)
    db.execute("DROP TABLE claims")
    db.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")
    db.commit()
    db.close()


def test_a_layout_3_registry_gets_the_claims_it_shows(tmp_path: Path) -> None:
    """Layout 3 kept no claims; opened now, the claims that decided an authorship or made a
    merge are derived from it, so a standing claim still keeps its authorship when another
    ends (before the table, the merge was the only trace of such a claim). The claim that
    did neither left no trace in layout 3 and is not made up."""
    path = tmp_path / "identity.sqlite"
    reg = Registry(path)
    (first, g1), (second, g2) = two_profiles(reg)
    reg.close()
    as_layout_3(path)
    reg = Registry(path)
    try:
        row = reg.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        assert row[0] == SCHEMA_VERSION == "4"
        assert reg.claims_on(node(DROPPED)) == [(g1, first)]  # its decision
        assert sorted(reg.claims_on(node(KEPT))) == sorted([(g1, first), (g2, second)])
        resolver = IdentityResolver(reg)
        resolver.restate([listed(DROPPED, g1, first)], {g1: first})  # the first drops KEPT
        [mention] = reg.mentions([node(KEPT)]).values()
        assert (mention.rule, mention.evidence) == ("profile-researcher", g2)
        assert reg.live(mention.person) == reg.profile_person(second)
        assert resolver.events == []
        reg.db.execute("DELETE FROM claims")
        reg.commit()
    finally:
        reg.close()
    reg = Registry(path)  # migrated once: opening again derives nothing
    try:
        assert reg.claims_on(node(DROPPED)) == reg.claims_on(node(KEPT)) == []
    finally:
        reg.close()


def test_a_registry_in_another_layout_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "identity.sqlite"
    Registry(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    db.commit()
    db.close()
    with pytest.raises(LoadError, match=r"identity\.sqlite: identity registry in layout 2"):
        Registry(path)

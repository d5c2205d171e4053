"""Papers as the identity resolver is given them, made up in the tests, and what a registry then
says of their authorships: :func:`listed_paper` (each author exactly as listed), :func:`paper`
(as the arXiv doors give them: NFC, group names left out), :func:`listing_paper` (arXiv's or a
profile's listing), :func:`person_of`, :func:`partition_restated` and
:func:`beside_one_coauthor`. Papers are CONSTRUCTED: made-up ids under :data:`BASE` and made-up
author lists."""

from __future__ import annotations

from pathlib import Path

from scholarkg.identity import names
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import AuthorMention, IdentityResolver, PaperMentions
from scholarkg.iris import Minter

BASE = "https://w3id.org/scholarkg/id/paper/arxiv/"


def listed_paper(arxiv_id: str, *authors: str) -> PaperMentions:
    """The paper ``arxiv_id`` with ``authors`` at positions 1, 2, … exactly as written."""
    iri = BASE + arxiv_id
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{n}", n, a) for n, a in enumerate(authors, start=1)
    )
    return PaperMentions(iri, (arxiv_id,), listed, f"graph:{arxiv_id}")


def paper(arxiv_id: str, *authors: str, complete: bool = True) -> PaperMentions:
    """The paper ``arxiv_id`` with ``authors`` in NFC, a group's name keeping its position."""
    iri = BASE + arxiv_id
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{n}", n, names.nfc(a))
        for n, a in enumerate(authors, start=1)
        if not names.is_group(a)
    )
    return PaperMentions(iri, (arxiv_id,), listed, f"graph:{arxiv_id}", complete=complete)


def person_of(reg: Registry, arxiv_id: str, position: int) -> str:
    """The slug of the live person given the authorship at ``position`` of the paper."""
    [mention] = reg.mentions([f"{BASE}{arxiv_id}/authorship/{position}"]).values()
    return reg.person(reg.live(mention.person)).slug


def partition_restated(tmp_path: Path, papers: list[PaperMentions]) -> set[frozenset[str]]:
    """``papers`` restated one by one into a new registry: their authorships (``<id>/authorship
    /<n>``) grouped by the live person given them."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    for each in papers:
        resolver.restate([each])
    persons: dict[int, set[str]] = {}
    for node, person in reg.db.execute("SELECT node, person FROM mentions"):
        persons.setdefault(reg.live(int(person)), set()).add(str(node).removeprefix(BASE))
    reg.close()
    return {frozenset(nodes) for nodes in persons.values()}


def beside_one_coauthor(tmp_path: Path, listed: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Each name first author of a paper of its own beside Ann Lee, in order: the person each
    authorship went to (its slug), and the resolver's conflicts."""
    reg = Registry(tmp_path / "identity.sqlite")
    try:
        resolver = IdentityResolver(reg)
        for n, name in enumerate(listed, start=1):
            resolver.add(paper(f"2005.0000{n}", name, "Ann Lee"))
        persons = [person_of(reg, f"2005.0000{n}", 1) for n in range(1, len(listed) + 1)]
        return persons, list(resolver.conflicts)
    finally:
        reg.close()


def listing_paper(
    arxiv_id: str, *authors: str, profile: str | None = None, claims: int = 0
) -> PaperMentions:
    """arXiv's listing, or ``profile``'s (partial, given name first) claiming position
    ``claims`` (0: none) for its researcher."""
    iri = f"https://w3id.org/scholarkg/id/paper/arxiv/{arxiv_id}"
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{n}", n, a) for n, a in enumerate(authors, start=1)
    )
    if profile is None:
        return PaperMentions(iri, (arxiv_id,), listed, f"graph:{arxiv_id}")
    claim = {f"{iri}/authorship/{claims}": profile} if claims else {}
    graph = str(Minter().profile_graph(profile))
    return PaperMentions(iri, (arxiv_id,), listed, graph, False, claim, True)

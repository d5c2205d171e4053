"""A listing its arXiv record resolved (``paper/listed/<hash16>`` replaced by
``paper/arxiv/<id>``) is evidence of no decision once the profile lists the arXiv paper: a
decision that named it names the arXiv paper (before: ``skg:identityEvidence`` kept naming the
listing, a paper no graph describes any more). The end to end case, with the store and the
server, is tests/test_profile_resolved_later.py. Papers are CONSTRUCTED.
"""

from __future__ import annotations

from pathlib import Path

from scholarkg.identity.mentions import AuthorMention, PaperMentions
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.iris import Minter, work_key

MINTER = Minter()
TITLE = "Constructed Loads on Constructed Bridges"
PROFILE = str(MINTER.profile_graph("helge-spieker-1"))
LISTED = str(MINTER.paper_listed(TITLE, "Helge Spieker"))
ARXIV = str(MINTER.paper_by_arxiv("9004.00003"))
OTHER = str(MINTER.paper_by_arxiv("9004.00009"))


def _paper(iri: str, keys: tuple[str, ...], source: str, *authors: str) -> PaperMentions:
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{n}", n, name) for n, name in enumerate(authors, 1)
    )
    return PaperMentions(iri, keys, listed, source)


def test_a_decision_on_another_paper_names_the_arxiv_paper_not_the_listing(
    tmp_path: Path,
) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    title = work_key(TITLE)
    authors = ("Helge Spieker", "Arnaud Gotlieb")
    resolver.restate([_paper(LISTED, (title,), PROFILE, *authors)])
    other = _paper(OTHER, ("9004.00009",), "graph:other", "Arnaud Gotlieb", "Helge Spieker")
    resolver.restate([other])
    node = f"{OTHER}/authorship/1"
    [before] = reg.mentions([node]).values()
    assert (before.rule, before.evidence) == ("shared-coauthor", LISTED)
    resolver.restate([_paper(ARXIV, ("9004.00003", title), PROFILE, *authors)])
    assert reg.mentions_on(LISTED) == []
    [after] = reg.mentions([node]).values()
    assert (after.rule, after.evidence, after.person) == ("shared-coauthor", ARXIV, before.person)
    assert after.basis is not None and LISTED not in after.basis and ARXIV in after.basis
    assert before.person in reg.dirty()

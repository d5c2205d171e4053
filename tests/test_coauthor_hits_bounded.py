"""A prolific author with a recurring co-author (constructed): each new paper's co-author lookup
returns one hit per (person, co-author), not one per earlier paper they wrote together, so the
rule's work per paper does not grow with the author's paper count."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.identity import names
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import AuthorMention, IdentityResolver, PaperMentions

BASE = "https://w3id.org/scholarkg/id/paper/arxiv/"


def paper(arxiv_id: str, *authors: str) -> PaperMentions:
    iri = BASE + arxiv_id
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{n}", n, names.nfc(a))
        for n, a in enumerate(authors, start=1)
    )
    return PaperMentions(iri, (arxiv_id,), listed, f"graph:{arxiv_id}")


class CountingRegistry(Registry):
    """Counts the rows the co-author lookups return."""

    rows = 0

    def coauthor_hits(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        hits = super().coauthor_hits(*args, **kwargs)
        self.rows += len(hits)
        return hits


def _rows_for(tmp_path: Path, papers: int) -> tuple[int, CountingRegistry]:
    reg = CountingRegistry(tmp_path / f"identity-{papers}.sqlite")
    resolver = IdentityResolver(reg)
    for n in range(papers):
        resolver.add(paper(f"2001.{n:05d}", "Wei Wang", "Carol Stone", f"Other Person{n}"))
    return reg.rows, reg


@pytest.mark.parametrize("papers", [40, 160])
def test_one_hit_per_person_and_coauthor_however_many_papers(tmp_path: Path, papers: int) -> None:
    rows, reg = _rows_for(tmp_path, papers)
    try:
        # Wei Wang and Carol Stone find each other once per later paper (one person each)
        assert rows == 2 * (papers - 1)
        first = BASE + "2001.00000"
        for n in range(1, papers):
            [mention] = reg.mentions([f"{BASE}2001.{n:05d}/authorship/1"]).values()
            assert mention.rule == "shared-coauthor"
            # the example given is the earliest paper they wrote together, whatever the order
            assert mention.evidence == first
        assert len({m.person for m in reg.mentions_of(mention.person)}) == 1
        assert len(reg.mentions_of(mention.person)) == papers
    finally:
        reg.close()

"""A person's IRI does not depend on the order the sources came in.

Before, a person the co-author rule founded was named by whichever authorship the run read
first (``jane-doe-1189994b`` when 2101.00001 came first, ``jane-doe-9e14519f`` when 2101.00002
did), and of two profile pages of one researcher that claim the same authorship the page read
first named the person. Now a new person is named, before its graph is first written, by its
first authorship in IRI order, and two pages' researchers keep the first slug. A published IRI
never moves. The names and papers are CONSTRUCTED (tests/paper_mentions.py's
``listed_paper``; the snapshot lines tests/constructed.py's).
"""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from constructed import snapshot_line
from one_author import P
from paper_mentions import BASE, listed_paper
from scholarkg.config import load_config
from scholarkg.identity import names
from scholarkg.identity.mentions import AuthorMention, PaperMentions
from scholarkg.identity.registry import Registry, short_hash
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.runs.arxiv_snapshot import load_snapshot


def _slug(reg: Registry, arxiv_id: str, position: int) -> str:
    [mention] = reg.mentions([f"{BASE}{arxiv_id}/authorship/{position}"]).values()
    return reg.person(reg.live(mention.person)).slug


def _decide(tmp_path: Path, papers: list[PaperMentions]) -> Registry:
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    for paper in papers:
        resolver.add(paper)
    reg.settle_slugs(last=True)
    return reg


def _founded_by(name: str, arxiv_id: str, position: int) -> str:
    return f"{names.name_key(name)}-{short_hash(f'node:{BASE}{arxiv_id}/authorship/{position}')}"


@pytest.mark.parametrize("order", ["first-first", "second-first"])
def test_two_papers_name_their_author_alike_in_either_order(tmp_path: Path, order: str) -> None:
    papers = [listed_paper("2101.00001", "Jane Doe", "V. N. White")]
    papers.append(listed_paper("2101.00002", "Jane Doe", "V. N. White"))
    reg = _decide(tmp_path, papers if order == "first-first" else papers[::-1])
    assert _slug(reg, "2101.00001", 1) == _slug(reg, "2101.00002", 1)
    assert _slug(reg, "2101.00002", 1) == _founded_by("Jane Doe", "2101.00001", 1)
    assert _slug(reg, "2101.00002", 2) == _founded_by("V. N. White", "2101.00001", 2)


@pytest.mark.parametrize("order", list(permutations(range(3))))
def test_a_merged_person_is_named_alike_in_every_order(
    tmp_path: Path, order: tuple[int, ...]
) -> None:
    """Two persons founded apart and joined by a third paper: the one retired held the slug
    the survivor takes now; they swap (never ``…-2``)."""
    papers = [
        listed_paper("2101.00001", "Jane Doe", "V. N. White"),
        listed_paper("2101.00002", "Jane Doe", "Q. Black"),
        listed_paper("2101.00003", "Jane Doe", "V. N. White", "Q. Black"),
    ]
    reg = _decide(tmp_path, [papers[i] for i in order])
    assert {_slug(reg, f"2101.0000{n}", 1) for n in (1, 2, 3)} == {
        _founded_by("Jane Doe", "2101.00001", 1)
    }
    slugs = [str(s) for (s,) in reg.db.execute("SELECT slug FROM persons")]
    assert len(slugs) == len(set(slugs)) and not any(s.endswith("-2") for s in slugs)


def test_a_published_person_keeps_its_iri(tmp_path: Path) -> None:
    """A later authorship first in IRI order names no published person again."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.add(listed_paper("2101.00002", "Jane Doe", "V. N. White"))
    assert reg.settle_slugs() == {}  # founded by its only authorship
    published = _slug(reg, "2101.00002", 1)
    reg.written(reg.dirty())
    reg.commit()
    reg.close()
    reg = Registry(tmp_path / "identity.sqlite")  # the next run
    resolver = IdentityResolver(reg)
    resolver.add(listed_paper("2101.00001", "Jane Doe", "V. N. White"))
    assert reg.settle_slugs() == {}
    assert _slug(reg, "2101.00001", 1) == _slug(reg, "2101.00002", 1) == published


def _page(resolver: IdentityResolver, location: str) -> PaperMentions:
    slug = resolver.profile("Jane Doe", location, f"sha-of-{location}")
    node = f"{BASE}2101.00001/authorship/1"
    listed = (AuthorMention(node, 1, "Jane Doe"), AuthorMention(f"{node[:-1]}2", 2, "Q. Black"))
    return PaperMentions(
        f"{BASE}2101.00001",
        ("2101.00001",),
        listed,
        f"graph:{location}",
        complete=False,
        claims={node: slug},
        given_first=True,
    )


@pytest.mark.parametrize("order", [("a.txt", "b.txt"), ("b.txt", "a.txt")])
def test_two_pages_of_one_researcher_name_them_alike_in_either_order(
    tmp_path: Path, order: tuple[str, str]
) -> None:
    """Two pages claiming one authorship are one person, named by the first slug of the two
    pages' (before: the page read first's, ``jane-doe-e1cec99a`` or ``jane-doe-a49881c9``)."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    pages = {
        location: resolver.profile("Jane Doe", location, f"sha-of-{location}") for location in order
    }
    for location in order:
        resolver.add(_page(resolver, location))
    assert resolver.conflicts == []
    assert _slug(reg, "2101.00001", 1) == min(pages.values())


@pytest.mark.parametrize("order", ["first-first", "second-first"])
def test_a_snapshot_load_names_persons_alike_in_either_order(tmp_path: Path, order: str) -> None:
    """Through a run: the store's person IRIs are the same whichever line comes first."""
    store = tmp_path / "store"
    store.mkdir()
    config = load_config(write_config(store, []))
    lines = [
        snapshot_line(
            "0704.0002", new_id=f"9003.{31 + i:05d}", authors=["Jane Doe", "Alice Martin"]
        )
        for i in range(2)
    ]
    snapshot = tmp_path / "snapshot.jsonl"
    ordered = lines if order == "first-first" else lines[::-1]
    snapshot.write_text("\n".join(ordered) + "\n", encoding="utf-8")
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    found = rows(config, P + "SELECT DISTINCT ?p WHERE { ?a skg:author ?p }")
    key = "https://w3id.org/scholarkg/id/paper/arxiv/9003.00031/authorship/"
    assert sorted(str(r["p"]).rsplit("/", 1)[1] for r in found) == sorted(
        f"{names.name_key(n)}-{short_hash(f'node:{key}{i}')}"
        for i, n in ((1, "Jane Doe"), (2, "Alice Martin"))
    )


def test_an_authorship_decided_again_finds_the_person_it_founded_renamed(tmp_path: Path) -> None:
    """The person 2101.00002's author founded is named by 2101.00001's now: decided again with
    no evidence, that authorship is theirs again, not a new person (before, the founder was
    looked up by the slug its authorship would give, and not found)."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.add(listed_paper("2101.00002", "Jane Doe", "V. N. White"))
    resolver.add(listed_paper("2101.00001", "Jane Doe", "V. N. White"))
    assert len(reg.settle_slugs(last=True)) == 2  # Jane Doe and V. N. White
    node = f"{BASE}2101.00002/authorship/1"
    [mention] = reg.mentions([node]).values()
    assert resolver._founded(node, {"Jane Doe"}) == reg.live(mention.person)
    assert reg.person(reg.live(mention.person)).slug == _founded_by("Jane Doe", "2101.00001", 1)


def test_the_reports_lines_name_persons_by_their_iris(tmp_path: Path) -> None:
    """A conflict written before the persons were named names them as the store does (before
    the names were settled it named the slug of the authorship read first: no such person)."""
    store = tmp_path / "store"
    store.mkdir()
    config = load_config(write_config(store, []))
    lines = [  # the second line's Wei Wang is first in IRI order; W. Wang cannot be them
        snapshot_line("0704.0002", new_id="9003.00032", authors=["Wei Wang", "W. Wang", "Al Ng"]),
        snapshot_line("0704.0002", new_id="9003.00031", authors=["Wei Wang", "Al Ng"]),
    ]
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_snapshot(config, snapshot, workers=0).report
    assert report.outcome == "ok"
    [conflict] = [c for c in report.identity_conflicts if " not merged " in c]
    held = {
        str(r["p"]).rsplit("/", 1)[1]
        for r in rows(config, P + "SELECT DISTINCT ?p WHERE { ?a skg:author ?p }")
    }
    named = conflict.split(" not merged ")[0].split(" and ")
    assert set(named) <= held and len(named) == 2
    assert _founded_by("Wei Wang", "9003.00031", 1) in named

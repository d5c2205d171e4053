"""A ``[people.split]`` or ``[people.merge]`` reference by title names one paper: a title two
live papers fold to (``Paper One On Graphs``, ``Papér One On Graphs``) is a configuration error
naming both, and neither paper's authorship is split or merged by it (before: the position-2
author of both papers was split). A listing its arXiv paper replaced keeps its title in the
registry but is no live paper: it makes no title ambiguous. Papers are CONSTRUCTED
(tests/paper_mentions.py's ``listed_paper`` with a title key; tests/constructed.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from paper_mentions import BASE, listed_paper
from scholarkg.config import load_config
from scholarkg.identity.mentions import PaperMentions
from scholarkg.identity.overrides import Overrides
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.iris import work_key
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from spieker_listing import TITLE, inputs

ONE, TWO = "2101.00001", "2101.00002"
SPLIT = {"Paper One On Graphs#2": "bo-chen-graphs"}


def _titled(arxiv_id: str, title: str, *authors: str) -> PaperMentions:
    plain = listed_paper(arxiv_id, *authors)
    return PaperMentions(plain.paper, (arxiv_id, work_key(title)), plain.authors, plain.source)


PAPERS = [
    _titled(ONE, "Paper One On Graphs", "Ann Lee", "Bo Chen"),
    _titled(TWO, "Papér One On Graphs", "Carl Diaz", "Dan Evans"),
]


def _labelled(reg: Registry) -> list[str]:
    """The authorships a split label holds."""
    nodes = [f"{BASE}{i}/authorship/{n}" for i in (ONE, TWO) for n in (1, 2)]
    return sorted(
        m.node for m in reg.mentions(nodes).values() if reg.person(reg.live(m.person)).label
    )


@pytest.mark.parametrize("order", ["one-first", "two-first", "one-batch"])
def test_a_split_by_a_title_of_two_papers_is_an_error_and_splits_neither(
    tmp_path: Path, order: str
) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg, Overrides.parse({}, SPLIT))
    if order == "one-batch":
        resolver.restate(PAPERS)
    else:
        for paper in PAPERS if order == "one-first" else PAPERS[::-1]:
            resolver.restate([paper])
    [error] = resolver.apply_overrides()
    assert error.startswith("[people.split] 'Paper One On Graphs#2' = 'bo-chen-graphs': the title")
    assert f"{BASE}{ONE}, {BASE}{TWO}" in error and "'paper one on graphs'" in error
    assert _labelled(reg) == []
    rules = {m.node: m.rule for m in reg.mentions([f"{BASE}{ONE}/authorship/2"]).values()}
    assert rules == {f"{BASE}{ONE}/authorship/2": "first-seen"}


def test_a_split_made_while_the_title_was_one_papers_is_undone_when_it_is_two(
    tmp_path: Path,
) -> None:
    """Split in a run when only ``Paper One On Graphs`` was known; a later run brings
    ``Papér One On Graphs``: the error, and Bo Chen is the person he was before the split."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.restate([PAPERS[0]])
    [before] = reg.mentions([f"{BASE}{ONE}/authorship/2"]).values()
    resolver = IdentityResolver(reg, Overrides.parse({}, SPLIT))
    resolver.restate([PAPERS[0]])
    assert resolver.apply_overrides() == []
    assert _labelled(reg) == [f"{BASE}{ONE}/authorship/2"]
    resolver.restate([PAPERS[1]])
    assert len(resolver.apply_overrides()) == 1
    assert _labelled(reg) == []
    [after] = reg.mentions([f"{BASE}{ONE}/authorship/2"]).values()
    assert reg.live(after.person) == reg.live(before.person)


@pytest.mark.parametrize("exact_first", [True, False])
def test_a_split_by_arxiv_id_to_the_same_label_stands(tmp_path: Path, exact_first: bool) -> None:
    """The title's split is an error, and the arXiv id's, to the same label, is applied."""
    rules = [("Paper One On Graphs#2", "bo-chen-graphs"), (f"{ONE}#2", "bo-chen-graphs")]
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(
        reg, Overrides.parse({}, dict(rules[::-1] if exact_first else rules))
    )
    resolver.restate(PAPERS)
    [error] = resolver.apply_overrides()
    assert error.startswith("[people.split] 'Paper One On Graphs#2'")
    assert _labelled(reg) == [f"{BASE}{ONE}/authorship/2"]


def test_a_merge_by_a_title_of_two_papers_is_an_error(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg, Overrides.parse({"Paper One On Graphs#2": f"{ONE}#1"}, {}))
    resolver.restate(PAPERS)
    [error] = resolver.apply_overrides()
    assert error.startswith("[people.merge] 'Paper One On Graphs#2': the title")
    persons = {
        m.person
        for m in reg.mentions(
            [f"{BASE}{i}/authorship/{n}" for i in (ONE, TWO) for n in (1, 2)]
        ).values()
    }
    assert len(persons) == 4


def test_a_listing_its_arxiv_paper_replaced_makes_no_title_ambiguous(tmp_path: Path) -> None:
    """A profile built while the record was not held lists ``paper/listed/<hash16>``; once the
    snapshot holds the record, that listing is replaced (its title still in the registry): a
    split by the title names the arXiv paper alone."""
    config, snapshot = inputs(tmp_path / "first")
    assert build(config).report.paper_states == {"unresolved": 1}
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    split = {"people.split": {f"{TITLE}#2": "arnaud-gotlieb-split"}}
    page = tmp_path / "first" / "profile.txt"
    again = load_config(write_config(tmp_path / "first", [page], **split))
    report = build(again).report
    assert report.config_errors == [] and report.outcome == "ok", report.summary_lines()
    held = rows(
        again,
        "PREFIX skg: <https://w3id.org/scholarkg/ontology#> SELECT ?a WHERE { ?a skg:author"
        " <https://w3id.org/scholarkg/id/person/arnaud-gotlieb-split> }",
    )
    assert [r["a"] for r in held] == [
        "https://w3id.org/scholarkg/id/paper/arxiv/9004.00003/authorship/2"
    ]

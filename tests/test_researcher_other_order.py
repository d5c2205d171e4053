"""A page that heads its researcher in the other order than its listing writes them (``Wang
Wei`` on the page, ``Wei Wang`` listed, or the reverse) names that listed author: one
authorship and one person, the basis saying so. Before, no listed name was compatible with
the heading, and the profile made up an authorship ``…/authorship/profile-<slug>`` beside
the listed one (a paper of two authors had three). The pages and listings are CONSTRUCTED
(tests/constructed.py's page layout; no arXiv record: the listing alone).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from constructed import Listed, profile_page
from scholarkg.config import load_config
from scholarkg.models import ProfilePaper
from scholarkg.runs.build import build
from scholarkg.transform.researcher_place import place_researcher

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
TITLE = "Surname First on the Page: A Constructed Study"


def _item(*authors: str) -> ProfilePaper:
    return ProfilePaper(3, "SE", None, dt.date(2024, 1, 1), False, TITLE, authors, False)


@pytest.mark.parametrize(
    ("heading", "listed", "researcher"),
    [
        ("Wang Wei", ("Wei Wang", "Arnaud Gotlieb"), 1),
        ("Wei Wang", ("Arnaud Gotlieb", "Wang Wei"), 2),
        ("Nagy Anna", ("Arnaud Gotlieb", "Anna Nagy"), 2),  # Hungarian, family name first
        ("Wei Wang", ("Wei Wang", "Wang Wei"), 1),  # written as theirs: that one
        ("Wang Wei", ("Wang Wen", "Arnaud Gotlieb"), "profile-x"),  # another given name
    ],
)
def test_the_researcher_is_the_listed_author_in_the_other_order(
    heading: str, listed: tuple[str, ...], researcher: int | str
) -> None:
    assert place_researcher(_item(*listed), heading, "x", None).researcher == researcher


def test_two_listed_in_the_other_order_claim_neither() -> None:
    place = place_researcher(_item("Wei Wang", "W. Wang"), "Wang Wei", "x", None)
    assert place.researcher is None and place.candidates == (1, 2)


@pytest.mark.parametrize(
    ("heading", "listed"), [("Wang Wei", "Wei Wang"), ("Wei Wang", "Wang Wei")]
)
def test_one_authorship_and_one_person_through_a_build(
    tmp_path: Path, heading: str, listed: str
) -> None:
    page = tmp_path / "page.txt"
    paper = Listed(TITLE, dt.date(2024, 1, 1), (listed, "Arnaud Gotlieb"))
    page.write_bytes(profile_page(heading, [paper]))
    config = load_config(write_config(tmp_path, [page]))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    found = rows(
        config,
        P + "SELECT ?a ?pos ?listed ?who ?rule ?basis WHERE { ?paper skg:hasAuthorship ?a ."
        " ?a skg:position ?pos ; skg:nameAsListed ?listed"
        " OPTIONAL { ?a skg:author ?who ; skg:identityRule ?rule ; skg:identityBasis ?basis } }"
        " ORDER BY ?pos",
    )
    assert [(int(r["pos"]), r["listed"]) for r in found] == [(1, listed), (2, "Arnaud Gotlieb")]
    assert not [r for r in found if "/authorship/profile-" in r["a"]]
    [snapshot_of] = rows(config, P + "SELECT DISTINCT ?p WHERE { ?s skg:snapshotOf ?p }")
    assert found[0]["who"] == snapshot_of["p"] and found[0]["rule"] == "profile-researcher"
    assert f"the page heads {heading!r}, listed {listed!r}" in found[0]["basis"]

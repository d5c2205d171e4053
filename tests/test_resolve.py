"""Resolution of profile papers to arXiv records, on real recorded arXiv entries."""

from __future__ import annotations

import datetime as dt

import pytest

from samples import ROOT
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.profile_page import parse_profile
from scholarkg.models import ArxivRecord, Profile
from scholarkg.resolve import (
    apply_overrides,
    names_compatible,
    researcher_keys,
    researcher_position,
    resolve_paper,
)

ATOM = ROOT / "tests" / "fixtures" / "arxiv" / "atom"
PROFILE = ROOT / "tests" / "fixtures" / "profiles" / "arnaud-gotlieb.txt"


@pytest.fixture(scope="module")
def candidates() -> tuple[ArxivRecord, ...]:
    [page] = ATOM.glob("q_testing_s0_m100_*.xml")
    return parse_feed(page.read_bytes(), source=str(page)).records


@pytest.fixture(scope="module")
def profile() -> Profile:
    when = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    return parse_profile(
        PROFILE.read_bytes(), source=str(PROFILE), retrieved_at=when, subject_codes={}
    )


def test_fixture_papers_resolve_and_near_miss_does_not(
    profile: Profile, candidates: tuple[ArxivRecord, ...]
) -> None:
    verdicts = {p.title: resolve_paper(p, candidates) for p in profile.papers}
    by_title = {p.title: verdicts[p.title] for p in profile.papers}
    first = by_title[
        "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    ]
    assert (first.method, first.arxiv_id) == ("score", "2202.12139")
    assert first.accepted is not None
    assert first.accepted.title_similarity == 1.0
    assert first.accepted.date_distance_days == 0
    assert first.accepted.author_overlap == 1.0
    near_miss = by_title[
        "Testing Deep Learning Models: A Second Comparative Study of Testing Techniques"
    ]
    assert near_miss.method == "unresolved" and near_miss.arxiv_id is None
    assert near_miss.candidates[0].arxiv_id == "2202.12139"  # best candidate is listed
    assert (
        by_title["Active Fuzzing for Testing and Securing Cyber-Physical Systems"].arxiv_id
        == "2005.14124"
    )
    assert (
        by_title["Automated Test Generation for REST APIs: No Time to Rest Yet"].arxiv_id
        == "2204.08348"
    )


def test_wrong_date_and_authors_lower_the_score(
    candidates: tuple[ArxivRecord, ...], profile: Profile
) -> None:
    import dataclasses

    paper = profile.papers[0]
    moved = dataclasses.replace(paper, date=dt.date(2015, 1, 1), authors=("Someone Else",))
    verdict = resolve_paper(moved, candidates)
    right = resolve_paper(paper, candidates)
    assert verdict.candidates[0].score < right.candidates[0].score
    assert verdict.method == "unresolved"


def test_override_wins(candidates: tuple[ArxivRecord, ...], profile: Profile) -> None:
    near_miss = profile.papers[3]
    overrides = apply_overrides(profile.papers, {near_miss.title.upper(): "2405.13786"})
    verdict = resolve_paper(near_miss, candidates, override=overrides[near_miss.title])
    assert (verdict.method, verdict.arxiv_id) == ("override", "2405.13786")


def test_titles_of_any_version_count(candidates: tuple[ArxivRecord, ...]) -> None:
    import dataclasses

    from scholarkg.models import ArxivVersion, ProfilePaper

    record = next(c for c in candidates if c.arxiv_id == "2005.14124")
    renamed = dataclasses.replace(
        record,
        title="A Completely Different Later Title",
        versions=(
            ArxivVersion(1, None, "Active Fuzzing for Testing and Securing Cyber-Physical Systems"),
        ),
    )
    paper = ProfilePaper(
        line=1,
        subject_code="SE",
        category=None,
        date=dt.date(2020, 5, 28),
        has_code=False,
        title="Active Fuzzing for Testing and Securing Cyber-Physical Systems",
        authors=("Yuqi Chen",),
        authors_truncated=True,
    )
    assert resolve_paper(paper, [renamed]).arxiv_id == "2005.14124"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Léonard Hussenot", "L. Hussenot", True),
        ("Léonard Hussenot", "Leonard Hussenot", True),
        ("Samuel L Smith", "Samuel L. Smith", True),
        ("Christopher M. Poskitt", "C. M. Poskitt", True),
        ("Robert Dadashi", "Roberta Dadashi", False),
        ("Robert Dadashi", "R. Dadash", False),
        ("Matthieu Geist", "M. Geister", False),
    ],
)
def test_name_compatibility(a: str, b: str, same: bool) -> None:
    assert names_compatible(a, b) is same


def test_researcher_position_and_keys(candidates: tuple[ArxivRecord, ...]) -> None:
    record = next(c for c in candidates if c.arxiv_id == "2202.12139")
    assert researcher_position("A. Gotlieb", record) == 2
    assert researcher_keys("Arnaud Gotlieb", "arnaud-gotlieb", [record]) == {
        "Arnaud Gotlieb": "arnaud-gotlieb"
    }

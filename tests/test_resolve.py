"""Scoring and deciding resolution on real recorded arXiv entries (no network)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from samples import ROOT
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.profile_page import parse_profile
from scholarkg.identity.names import compatible
from scholarkg.models import ArxivRecord, ArxivVersion, Profile, ProfilePaper
from scholarkg.resolution.authors import agreement, align, position_of
from scholarkg.resolution.score import decide, score
from scholarkg.resolution.titles import distinctive_words, title_similarity

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
    verdicts = {p.title: decide(p, candidates, origin="api") for p in profile.papers}
    first = verdicts[
        "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    ]
    assert (first.state, first.arxiv_id, first.origin) == ("resolved", "2202.12139", "api")
    assert first.accepted is not None
    assert first.accepted.title_similarity == 1.0
    assert first.accepted.date_distance_days == 0
    assert first.accepted.author_agreement == 1.0
    near_miss = verdicts[
        "Testing Deep Learning Models: A Second Comparative Study of Testing Techniques"
    ]
    assert near_miss.state == "unresolved" and near_miss.arxiv_id is None
    assert near_miss.candidates[0].arxiv_id == "2202.12139"  # best candidate is listed
    fuzzing = verdicts["Active Fuzzing for Testing and Securing Cyber-Physical Systems"]
    assert fuzzing.arxiv_id == "2005.14124"
    rest = verdicts["Automated Test Generation for REST APIs: No Time to Rest Yet"]
    assert rest.arxiv_id == "2204.08348"


def test_first_authors_out_of_order_or_absent_are_counter_evidence(
    candidates: tuple[ArxivRecord, ...], profile: Profile
) -> None:
    paper = profile.papers[0]
    right = score(paper, next(c for c in candidates if c.arxiv_id == "2202.12139"))
    moved = dataclasses.replace(paper, authors=("Someone Else", "Mohit Kumar Ahuja"))
    wrong = score(moved, next(c for c in candidates if c.arxiv_id == "2202.12139"))
    assert wrong.author_agreement == 0.0 and wrong.score < right.score
    assert decide(moved, candidates, origin="api").state == "unresolved"


def test_titles_of_any_version_count(candidates: tuple[ArxivRecord, ...]) -> None:
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
    assert decide(paper, [renamed], origin="store").arxiv_id == "2005.14124"


@pytest.mark.parametrize(
    ("listed", "arxiv", "at_least", "below"),
    [
        ("Open LMs at a Practical Size", "Open Language Models at a Practical Size", 0.9, 1.0),
        ("Pre-training Transformers", "Pretraining Transformers", 0.98, 1.0),
        (
            "Mutation Testing of Deep Reinforcment Learning",
            "Mutation Testing of Deep Reinforcement Learning",
            0.95,
            1.0,
        ),
        (
            "Conditional Language Policy",
            "Conditional Language Policy: A General Framework",
            0.95,
            1.0,
        ),
        ("A First Comparative Study of Testing", "A Second Comparative Study of Testing", 0.0, 0.9),
        ("---", "Anything", 0.0, 0.01),
    ],
)
def test_title_similarity_forgives_writing_not_other_papers(
    listed: str, arxiv: str, at_least: float, below: float
) -> None:
    assert at_least <= title_similarity(listed, arxiv) < below


def test_distinctive_words_skip_stopwords_and_short_words() -> None:
    words = distinctive_words("Towards a Theory of the Learning of Deep Networks", 3)
    assert words == ["theory", "learning", "networks"]
    assert distinctive_words("---", 4) == []


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
    assert compatible(a, b) is same


def test_alignment_places_listed_names_and_skips_absent_groups() -> None:
    listed = ["Gemma Team", "Morgane Riviere", "Shreya Pathak"]
    arxiv = ["Morgane Riviere", "S. Pathak", "Pier Giuseppe Sessa"]
    assert align(listed, arxiv) == [None, 1, 2]
    assert agreement(listed, arxiv) == 1.0
    assert agreement(["Shreya Pathak", "Morgane Riviere"], arxiv) == 0.5
    assert position_of("P. G. Sessa", arxiv) == 3
    assert position_of("Nobody Here", arxiv) is None

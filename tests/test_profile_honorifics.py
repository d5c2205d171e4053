"""A profile page headed with an honorific or a degree (``Dr. John Smith``, ``Prof. Dr. John
Smith``, ``John Smith, M.D.``) names the John Smith its listing names: the listed authorship is
the researcher's, and none is made up beside it; the page's heading is kept as written where the
page is quoted. Pages are CONSTRUCTED (tests/constructed.py, the sample page's layout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from constructed import listing, profile_page
from registry_marks import dirty_once
from scholarkg.config import load_config
from scholarkg.identity import names
from scholarkg.identity.honorifics import bare_name
from scholarkg.identity.registry import Registry
from scholarkg.runs.build import build

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "


@pytest.mark.parametrize(
    ("written", "bare"),
    [
        ("Dr. John Smith", "John Smith"),
        ("Dr John Smith", "John Smith"),
        ("Prof. Dr. John Smith", "John Smith"),
        ("Prof. Dr.-Ing. John Smith", "John Smith"),
        ("PROFESSOR John Smith", "John Smith"),
        ("John Smith, PhD", "John Smith"),
        ("Dr. John Smith, M.D., FRS", "John Smith"),
        ("Drew Smith", "Drew Smith"),  # a name, no honorific
        ("Mrs Ma, Ma", "Ma, Ma"),  # "Ma" after a comma is a given name, not a degree
        ("Profit Jones", "Profit Jones"),
        ("Dr.", "Dr."),  # nothing of a name would be left
    ],
)
def test_the_name_read_without_honorifics_and_degrees(written: str, bare: str) -> None:
    assert bare_name(written) == bare


@pytest.mark.parametrize("heading", ["Dr. John Smith", "Prof. Dr. John Smith", "John Smith, M.D."])
def test_a_heading_with_an_honorific_claims_the_listed_author(tmp_path: Path, heading: str) -> None:
    page = tmp_path / "profile.txt"
    listed = listing(
        "2202.12139", title="A Constructed Paper On Honorifics", authors=("John Smith", "Jane Doe")
    )
    page.write_bytes(profile_page(heading, [listed]))
    config = load_config(write_config(tmp_path, [page]))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    found = rows(
        config,
        P + "SELECT ?a ?name ?rule WHERE { ?a skg:author ?who ; skg:identityRule ?rule ."
        " ?who foaf:name ?name } ORDER BY ?a",
    )
    assert [(r["a"].rsplit("/", 1)[1], r["name"], r["rule"]) for r in found] == [
        ("1", "John Smith", "profile-researcher"),
        ("2", "Jane Doe", "first-seen"),
    ]
    persons = rows(config, P + "SELECT DISTINCT ?p WHERE { ?p a skg:Person }")
    assert len(persons) == 2
    quoted = rows(config, P + "SELECT ?n WHERE { ?s skg:researcherNameAsListed ?n }")
    assert [r["n"] for r in quoted] == [heading]


def test_a_registry_without_the_mark_names_the_persons_profiles_founded_again(
    tmp_path: Path,
) -> None:
    """A registry written before (no ``honorifics`` mark) holds the person a ``Dr. John Smith``
    page founded under that name and block ``smith-d``: opened, it is John Smith of block
    ``smith-j`` (its IRI stays), written again; a person no profile founded is left as it is.
    Once."""
    path = tmp_path / "identity.sqlite"
    reg = Registry(path)
    founded = reg.new_person(
        "dr-john-smith-1", names.block("Dr. John Smith"), "Dr. John Smith", "profile:p",
        profile="dr-john-smith-1",
    )  # fmt: skip
    listed = reg.new_person("dr-who-1", names.block("Dr. Who"), "Dr. Who", "arxiv:x")
    dirty_once(reg, "honorifics", lambda _: [founded])
    reg = Registry(path)
    try:
        person = reg.person(founded)
        assert (person.slug, person.name, person.block) == (
            "dr-john-smith-1", "John Smith", "smith-j",
        )  # fmt: skip
        assert reg.person(listed).name == "Dr. Who"
    finally:
        reg.close()


def test_a_page_that_drops_its_honorific_stays_the_same_profile(tmp_path: Path) -> None:
    """The page at one location headed ``Dr. John Smith``, then ``John Smith``: one profile
    and one person (the researcher compared without the honorific on both sides)."""
    page = tmp_path / "profile.txt"
    listed = listing(
        "2202.12139", title="A Constructed Paper On Honorifics", authors=("John Smith", "Jane Doe")
    )
    page.write_bytes(profile_page("Dr. John Smith", [listed]))
    config = load_config(write_config(tmp_path, [page]))
    assert build(config).report.outcome == "ok"
    page.write_bytes(profile_page("John Smith", [listed], h_index=11))
    assert build(config).report.outcome == "ok"
    snapshots = rows(config, P + "SELECT DISTINCT ?of WHERE { ?s skg:snapshotOf ?of }")
    persons = rows(config, P + "SELECT DISTINCT ?p WHERE { ?p a skg:Person }")
    assert (len(snapshots), len(persons)) == (1, 2)

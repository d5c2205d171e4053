"""A profile paper listed again with another first author is another paper IRI (profile papers
are keyed by title and first author), but its authors are the persons they were. Inputs are
CONSTRUCTED: profile pages in the sample's layout (tests/constructed.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from building import rows
from conftest import write_config
from constructed import Listed, profile_page
from scholarkg.config import Config, load_config
from scholarkg.runs.build import build

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
PERSONS = P + (
    "SELECT ?name ?p ?rule WHERE { ?p a skg:Person ; foaf:name ?name . "
    "OPTIONAL { ?a skg:author ?p ; skg:identityRule ?rule } } ORDER BY ?name"
)
DAY = dt.date(2024, 3, 1)
TITLE = "Constructed paper on graphs"


def persons(config: Config) -> dict[str, tuple[str, str | None]]:
    return {r["name"]: (r["p"], r["rule"]) for r in rows(config, PERSONS)}


def test_a_profile_paper_relisted_with_another_first_author_keeps_its_persons(
    tmp_path: Path,
) -> None:
    page = tmp_path / "jane.txt"
    authors = ("Jane Doe", "John Roe", "Mary Major")
    page.write_bytes(profile_page("Jane Doe", [Listed(TITLE, DAY, authors, code="LG")], code="LG"))
    config = load_config(write_config(tmp_path, [page]))
    build(config)
    before = persons(config)
    assert sorted(before) == ["Jane Doe", "John Roe", "Mary Major"]
    # the page corrected: John Roe is the first author (a new paper IRI for the same title)
    relisted = ("John Roe", "Jane Doe", "Mary Major")
    page.write_bytes(profile_page("Jane Doe", [Listed(TITLE, DAY, relisted, code="LG")], code="LG"))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    after = persons(config)
    # before: John Roe and Mary Major were new persons (new IRIs), their published IRIs gone
    assert {n: p for n, (p, _) in after.items()} == {n: p for n, (p, _) in before.items()}
    assert after["John Roe"][1] == after["Mary Major"][1] == "same-paper"
    assert report.persons_new == 0

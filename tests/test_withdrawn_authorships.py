"""An authorship no graph states any more is withdrawn from its person, through the build and
snapshot jobs. Inputs are CONSTRUCTED (tests/constructed.py): profile pages in the sample's
layout, snapshot lines copied from the real Kaggle sample with their authors changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from building import rows
from conftest import write_config
from constructed import Listed, profile_page, snapshot_line
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
AUTHORSHIPS = P + (
    "SELECT ?name (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a skg:author ?p . ?p a skg:Person ; "
    "foaf:name ?name } GROUP BY ?name ORDER BY ?name"
)
DANGLING = P + "SELECT ?a WHERE { ?a skg:author ?p FILTER NOT EXISTS { ?x skg:hasAuthorship ?a } }"
DAY = dt.date(2024, 3, 1)
GRAPHS = Listed("Constructed paper on graphs", DAY, ("Jane Doe", "John Roe"), code="LG")
TREES = Listed("Constructed paper on trees", DAY, ("Jane Doe", "Mary Major"), code="LG")


def authorships(config: Config) -> dict[str, int]:
    return {r["name"]: int(r["n"]) for r in rows(config, AUTHORSHIPS)}


def test_a_paper_dropped_from_a_profile_leaves_no_authorship_behind(tmp_path: Path) -> None:
    page = tmp_path / "jane.txt"
    page.write_bytes(profile_page("Jane Doe", [GRAPHS, TREES], code="LG"))
    config = load_config(write_config(tmp_path, [page]))
    build(config)
    assert authorships(config) == {"Jane Doe": 2, "John Roe": 1, "Mary Major": 1}
    page.write_bytes(profile_page("Jane Doe", [GRAPHS], code="LG"))  # the page was corrected
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    assert authorships(config) == {"Jane Doe": 1, "John Roe": 1}  # Mary Major's graph dropped
    assert rows(config, DANGLING) == []
    withdrawn = [e for e in report.identity_events if e.startswith("withdrawn:")]
    assert len(withdrawn) == 2 and all("no longer states it" in e for e in withdrawn)
    assert all(e.startswith("withdrawn: authorship ") for e in withdrawn)
    assert sum(" of mary-major-" in e for e in withdrawn) == 1, withdrawn
    summary = next(line for line in report.summary_lines() if line.startswith("identity:"))
    assert "0 merges or splits of published persons, 2 withdrawn authorships" in summary


def test_a_page_that_lists_no_paper_any_more_leaves_no_authorship_behind(tmp_path: Path) -> None:
    """A page that dropped *every* paper gave the identity step nothing to restate: the
    authorships it stated before stayed on their persons (the profile graph no longer had
    them: dangling ``skg:author`` links)."""
    page = tmp_path / "jane.txt"
    page.write_bytes(profile_page("Jane Doe", [GRAPHS, TREES], code="LG"))
    config = load_config(write_config(tmp_path, [page]))
    build(config)
    assert authorships(config) == {"Jane Doe": 2, "John Roe": 1, "Mary Major": 1}
    page.write_bytes(profile_page("Jane Doe", [], code="LG"))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    assert authorships(config) == {}
    assert rows(config, DANGLING) == []
    withdrawn = [e for e in report.identity_events if e.startswith("withdrawn:")]
    assert len(withdrawn) == 4, report.identity_events


def test_an_authorship_another_profile_still_lists_stays(tmp_path: Path) -> None:
    jane, john = tmp_path / "jane.txt", tmp_path / "john.txt"
    jane.write_bytes(profile_page("Jane Doe", [GRAPHS, TREES], code="LG"))
    john.write_bytes(profile_page("John Roe", [GRAPHS], code="LG"))
    config = load_config(write_config(tmp_path, [jane, john]))
    build(config)
    jane.write_bytes(profile_page("Jane Doe", [TREES], code="LG"))  # Jane drops "graphs"
    build(config)
    # John's page still lists "graphs" with Jane at position 1: her authorship stays
    assert authorships(config) == {"Jane Doe": 2, "John Roe": 1, "Mary Major": 1}
    assert rows(config, DANGLING) == []


def test_an_author_gone_from_a_new_version_of_a_record_is_withdrawn(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    first = tmp_path / "a.jsonl"
    authors = ["Wei Wang", "Louis Theran", "Ann Lee"]
    first.write_text(snapshot_line("0704.0002", authors=authors) + "\n", encoding="utf-8")
    load_snapshot(config, first, workers=0)
    assert authorships(config) == {"Ann Lee": 1, "Louis Theran": 1, "Wei Wang": 1}
    second = tmp_path / "b.jsonl"
    second.write_text(snapshot_line("0704.0002", authors=authors[:2]) + "\n", encoding="utf-8")
    report = load_snapshot(config, second, workers=0).report
    assert report.outcome == "ok", report.summary_lines()
    assert authorships(config) == {"Louis Theran": 1, "Wei Wang": 1}
    assert rows(config, DANGLING) == []


PERSON_OF = P + (
    "SELECT ?name ?p ?rule WHERE { ?a skg:author ?p ; skg:identityRule ?rule . "
    "?p foaf:name ?name } ORDER BY ?name"
)
VARIANTS = P + "SELECT ?name ?variant WHERE { ?p foaf:name ?name ; skg:nameVariant ?variant }"


def snapshot_of(tmp_path: Path, name: str, authors: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(snapshot_line("0704.0002", authors=authors) + "\n", encoding="utf-8")
    return path


def test_authors_reordered_in_a_new_version_keep_their_persons(tmp_path: Path) -> None:
    """CONSTRUCTED: a new version of 0704.0002 puts "Ada Newcomer" first, moving the two
    authors one position down. They stay the persons they were (rule same-paper); Ada is new
    and named Ada, with none of the spellings her position held before."""
    config = load_config(write_config(tmp_path, []))
    load_snapshot(
        config, snapshot_of(tmp_path, "a.jsonl", ["Ileana Streinu", "Louis Theran"]), workers=0
    )
    before = {r["name"]: r["p"] for r in rows(config, PERSON_OF)}
    again = ["Ada Newcomer", "Ileana Streinu", "Louis Theran"]
    report = load_snapshot(config, snapshot_of(tmp_path, "b.jsonl", again), workers=0).report
    after = {r["name"]: (r["p"], r["rule"]) for r in rows(config, PERSON_OF)}
    assert after["Ileana Streinu"] == (before["Ileana Streinu"], "same-paper")
    assert after["Louis Theran"] == (before["Louis Theran"], "same-paper")
    assert after["Ada Newcomer"][1] == "first-seen"
    assert all(r["name"] == r["variant"] for r in rows(config, VARIANTS))
    assert not report.identity_events  # nobody lost an authorship


def test_an_author_replaced_in_a_new_version_is_reported(tmp_path: Path) -> None:
    """CONSTRUCTED: "Ada Newcomer" replaces "Ileana Streinu" at position 1."""
    config = load_config(write_config(tmp_path, []))
    load_snapshot(
        config, snapshot_of(tmp_path, "a.jsonl", ["Ileana Streinu", "Louis Theran"]), workers=0
    )
    report = load_snapshot(
        config, snapshot_of(tmp_path, "b.jsonl", ["Ada Newcomer", "Louis Theran"]), workers=0
    ).report
    assert authorships(config) == {"Ada Newcomer": 1, "Louis Theran": 1}
    assert all(r["name"] == r["variant"] for r in rows(config, VARIANTS))
    [event] = report.identity_events
    assert event.startswith("reassigned: authorship ") and " of ileana-streinu-" in event
    assert "is now listed under another name" in event
    summary = next(line for line in report.summary_lines() if line.startswith("identity:"))
    assert "0 merges or splits of published persons, 1 reassigned authorships" in summary

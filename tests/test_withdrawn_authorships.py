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
from scholarkg.runs.arxiv_jobs import load_snapshot
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

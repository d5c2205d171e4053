"""Identity attacked over runs on one store: the report's counts against what the store holds,
and names that are one name written two ways. Inputs are CONSTRUCTED (tests/constructed.py):
snapshot lines copied from the real Kaggle sample with their authors renamed, and profile pages
in the sample's layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from building import rows
from conftest import write_config
from constructed import Listed, profile_page, snapshot_line, snapshot_lines
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build

P = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
)
PERSONS = P + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a skg:Person }"
AUTHORS_AT = P + (
    "SELECT ?a ?name WHERE {{ ?a skg:author ?p . ?p a skg:Person ; foaf:name ?name "
    'FILTER(STRSTARTS(STR(?a), "{paper}/")) }} ORDER BY ?a'
)


def snapshot(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def persons_held(config: Config) -> int:
    return int(rows(config, PERSONS)[0]["n"])


def test_new_persons_in_the_report_are_the_persons_the_store_holds(tmp_path: Path) -> None:
    # CONSTRUCTED: "Wei Wang" first seen on two papers with disjoint co-authors, then, in the
    # same snapshot, a third paper beside both co-authors joins them before anything is
    # published: three persons reach the store (Wei Wang, Louis Theran, Tatjana Vukasinac).
    lines = [
        snapshot_line("0704.0002", authors=["Wei Wang", "Louis Theran"]),
        snapshot_line("0704.0007", authors=["Wei Wang", "Tatjana Vukasinac"]),
        snapshot_line(
            "0704.0033",
            new_id="9003.00002",
            authors=["Wei Wang", "Louis Theran", "Tatjana Vukasinac"],
        ),
    ]
    config = load_config(write_config(tmp_path, []))
    report = load_snapshot(config, snapshot(tmp_path, "a.jsonl", lines), workers=0).report
    assert persons_held(config) == 3
    assert report.persons_new == 3  # was 4: the person merged away before publishing counted
    summary = next(line for line in report.summary_lines() if line.startswith("identity:"))
    assert summary.startswith("identity: 3 new persons, 0 merges")
    # a fourth person in a later run: counted once, in that run
    more = [snapshot_line("0704.0002", new_id="9003.00003", authors=["Ann Other"])]
    again = load_snapshot(config, snapshot(tmp_path, "b.jsonl", more), workers=0).report
    assert (again.persons_new, persons_held(config)) == (1, 4)


def test_a_cjk_name_written_with_or_without_a_space_is_one_author_at_its_position(
    tmp_path: Path,
) -> None:
    # CONSTRUCTED: the real record 0704.0002 with its authors renamed, "王 伟" (family name and
    # given name spaced) at position 2; the researcher's own profile page, "王伟" (unspaced, as
    # Chinese is usually written), lists that paper with the same authors.
    record = snapshot_lines()["0704.0002"]
    title = " ".join(str(record["title"]).split())
    line = snapshot_line("0704.0002", authors=["Louis Theran", "王 伟"])
    page = tmp_path / "wang.txt"
    paper = Listed(title, dt.date(2007, 3, 31), ("Louis Theran", "王伟"), code="LG")
    page.write_bytes(profile_page("王伟", [paper], code="LG"))
    config = load_config(write_config(tmp_path, [page]))
    load_snapshot(config, snapshot(tmp_path, "a.jsonl", [line]), workers=0)
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    found = rows(config, AUTHORS_AT.format(paper=f"{config.iri_base}paper/arxiv/0704.0002"))
    # before: the profile's "王伟" was not placed at position 2 ("authorship/listed-2") and
    # became a second person beside the arXiv author "王 伟" on the same paper
    assert [r["a"].rsplit("/", 1)[1] for r in found] == ["1", "2"]
    assert found[1]["name"] in ("王 伟", "王伟")
    assert persons_held(config) == 2

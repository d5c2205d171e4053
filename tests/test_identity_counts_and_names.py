"""Identity attacked over runs on one store: the report's counts against what the store holds,
and names that are one name written two ways. Inputs are CONSTRUCTED (tests/constructed.py):
snapshot lines copied from the real Kaggle sample with their authors renamed, and profile pages
in the sample's layout."""

from __future__ import annotations

from pathlib import Path

from building import rows
from conftest import write_config
from constructed import snapshot_line
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_jobs import load_snapshot

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

"""Saved queries that take a person's IRI answer a retired one (a person merged into another,
``skg:mergedInto`` its survivor) as they answer the survivor: an IRI published before the merge
still finds that person. Inputs are CONSTRUCTED (tests/constructed.py): two profile pages of two
"Wei Wang"s, built, then merged by ``[people.merge]`` in a second build on the same store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from building import rows as select
from conftest import write_config
from constructed import Listed, profile_page, snapshot_line
from scholarkg.config import Config, load_config
from scholarkg.query import bind_saved, resolve_query, saved_queries
from scholarkg.query_results import run_select
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore

P = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
)
PERSONS = P + 'SELECT ?p WHERE { ?p a skg:Person ; foaf:name "Wei Wang" } ORDER BY ?p'
MERGED = P + "SELECT ?old ?new WHERE { ?old owl:sameAs ?new ; skg:mergedInto ?new }"
# Every saved query that takes a person's IRI.
PERSON_QUERIES = [
    "author-positions",
    "coauthors",
    "identity-evidence",
    "latest-metrics",
    "metric-history",
]


def page(path: Path, title: str, when: dt.date, coauthor: str, code: str, h_index: int) -> Path:
    listed = Listed(title, when, ("Wei Wang", coauthor), code=code)
    path.write_bytes(profile_page("Wei Wang", [listed], code=code, h_index=h_index))
    return path


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, str, str]:
    """A store where one "Wei Wang" was merged into the other: (config, survivor, retired)."""
    tmp_path = tmp_path_factory.mktemp("retired")
    a = page(tmp_path / "a.txt", "Sparse Routing", dt.date(2023, 3, 1), "Ann Lee", "LG", 10)
    b = page(tmp_path / "b.txt", "Depth from Defocus", dt.date(2020, 5, 5), "Cy Dunn", "CV", 50)
    config = load_config(write_config(tmp_path, [a, b]))
    assert build(config).report.outcome == "ok"
    before = [r["p"] for r in select(config, PERSONS)]
    assert len(before) == 2
    config = load_config(
        write_config(tmp_path, [a, b], **{"people.merge": {f"profile:{a}": f"profile:{b}"}})
    )
    report = build(config).report
    assert report.outcome == "ok" and not report.config_errors, report.summary_lines()
    [survivor] = [r["p"] for r in select(config, PERSONS)]
    [retired] = [p for p in before if p != survivor]
    assert select(config, MERGED) == [{"old": retired, "new": survivor}]
    return config, survivor, retired


def answer(config: Config, name: str, **params: str) -> list[tuple[str | None, ...]]:
    with EmbeddedStore(config.store.path, read_only=True) as store:
        return run_select(store, bind_saved(resolve_query(name), params)).rows


def test_every_query_with_a_person_parameter_is_checked_here() -> None:
    taking = [q.name for q in saved_queries() if "person" in {p.name for p in q.parameters}]
    assert taking == PERSON_QUERIES


@pytest.mark.parametrize("name", PERSON_QUERIES)
def test_a_retired_iri_answers_as_its_survivor(merged: tuple[Config, str, str], name: str) -> None:
    config, survivor, retired = merged
    expected = answer(config, name, person=f"<{survivor}>")
    assert expected, f"{name} has no rows for the survivor"
    assert answer(config, name, person=f"<{retired}>") == expected
    assert answer(config, name, person=f"<{retired}>", researcher="Wei Wang") == expected
    # the person column names the survivor, whichever IRI was asked
    assert retired not in {v for row in expected for v in row}


@pytest.mark.parametrize("name", PERSON_QUERIES)
def test_the_survivor_by_name_and_by_iri_agree(merged: tuple[Config, str, str], name: str) -> None:
    config, survivor, _ = merged
    both = answer(config, name, person=f"<{survivor}>", researcher="Wei Wang")
    assert both == answer(config, name, person=f"<{survivor}>")
    assert both == answer(config, name, researcher="Wei Wang")


@pytest.mark.parametrize("name", PERSON_QUERIES)
def test_an_iri_that_names_nobody_has_no_rows(merged: tuple[Config, str, str], name: str) -> None:
    config, _, _ = merged
    nobody = "https://w3id.org/scholarkg/id/person/nobody-00000000"
    assert answer(config, name, person=f"<{nobody}>") == []


def test_both_iris_retired_by_two_merges_answer_as_the_last_survivor(tmp_path: Path) -> None:
    # three Wei Wangs (co-authors Zed, Yan, Xia), joined by two later records: one person, two
    # retired IRIs, each skg:mergedInto the survivor itself (the registry never leaves a chain)
    config = load_config(write_config(tmp_path, []))
    for i, authors in enumerate(
        [
            [snapshot_line("0704.0002", authors=["Wei Wang", "Zed Zulu"])],
            [snapshot_line("0704.0007", authors=["Wei Wang", "Yan Yu"])],
            [snapshot_line("0704.0033", authors=["Wei Wang", "Xia Xu"])],
            [
                snapshot_line(
                    "0704.0002", new_id="9003.00011", authors=["Wei Wang", "Xia Xu", "Yan Yu"]
                )
            ],
            [
                snapshot_line(
                    "0704.0007", new_id="9003.00012", authors=["Wei Wang", "Yan Yu", "Zed Zulu"]
                )
            ],
        ]
    ):
        path = tmp_path / f"{i}.jsonl"
        path.write_text("\n".join(authors) + "\n", encoding="utf-8")
        assert load_snapshot(config, path, workers=0).report.outcome == "ok"
    [survivor] = [r["p"] for r in select(config, PERSONS)]
    links = select(config, MERGED)
    assert len(links) == 2 and {r["new"] for r in links} == {survivor}
    for name in ["author-positions", "coauthors", "identity-evidence"]:
        expected = answer(config, name, person=f"<{survivor}>")
        assert len(expected) >= 3, name
        for link in links:
            assert answer(config, name, person=f"<{link['old']}>") == expected, name

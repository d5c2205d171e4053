"""A saved query's ``researcher`` is a person's name as anyone writes it: matched by its name key
(``skg:nameKey``), so case, accents and punctuation do not decide whether it is found.

Before, ``researcher`` was compared with ``foaf:name`` exactly: ``leonard hussenot``, or
``Leonard Hussenot`` as a second profile of the same person spells it, answered nothing (0 rows,
no error). Inputs: the constructed v2 store (tests/fixtures/serve/) and, end to end, the sample
profile plus a CONSTRUCTED copy of it that writes the researcher's name without its accent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.errors import QueryError
from scholarkg.query import bind_saved, resolve_query, saved_queries
from scholarkg.query_results import run_select
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore
from serve_fixtures import LEONARD, build_v2_store

ME = "Léonard Hussenot"
WRITTEN = ["leonard hussenot", "LÉONARD HUSSENOT", "Leonard Hussenot", " Léonard  Hussenot. "]
BY_NAME = [
    "author-positions",
    "coauthors",
    "identity-evidence",
    "latest-metrics",
    "metric-history",
    "unresolved-papers",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    path = build_v2_store(tmp_path_factory.mktemp("names") / "store")
    return EmbeddedStore(path, read_only=True)


def answer(store: EmbeddedStore, name: str, **params: str) -> list[tuple[str | None, ...]]:
    return run_select(store, bind_saved(resolve_query(name), params)).rows


def test_every_query_with_a_researcher_takes_a_name() -> None:
    taking = sorted(q.name for q in saved_queries() for p in q.parameters if p.name == "researcher")
    assert taking == BY_NAME
    assert {p.kind for q in saved_queries() for p in q.parameters if p.name == "researcher"} == {
        "name"
    }


@pytest.mark.parametrize("query", BY_NAME)
@pytest.mark.parametrize("written", WRITTEN)
def test_a_name_is_found_however_it_is_written(
    store: EmbeddedStore, query: str, written: str
) -> None:
    as_named = answer(store, query, researcher=ME)
    assert as_named, f"{query}: no rows for {ME}"
    assert answer(store, query, researcher=written) == as_named
    assert all(row[0] == ME for row in as_named)  # the column shows the preferred name


def test_namesakes_stay_two_rows_each_with_its_person(store: EmbeddedStore) -> None:
    persons = {row[3] for row in answer(store, "latest-metrics", researcher="wei wang")}
    everyone = {row[3] for row in answer(store, "latest-metrics")}
    assert persons <= everyone
    namesakes = answer(store, "identity-evidence", researcher="WEI WANG")
    assert {row[-1] for row in namesakes} == {
        f"{LEONARD.rsplit('/', 1)[0]}/wei-wang",
        f"{LEONARD.rsplit('/', 1)[0]}/wei-wang-2",
    }


def test_a_name_is_bound_as_its_key_and_escaped() -> None:
    bound = bind_saved(resolve_query("coauthors"), {"researcher": 'Ann "O" } Lee'})
    assert 'VALUES (?researcherKey) { ("ann-o-lee") }' in bound
    assert "VALUES (?researcher)" not in bound


@pytest.mark.parametrize("value", ["", "   ", "!!!", "-- ."])
def test_a_name_with_no_letter_is_refused(value: str) -> None:
    with pytest.raises(QueryError) as caught:
        bind_saved(resolve_query("coauthors"), {"researcher": value})
    assert str(caught.value) == (
        f"saved query coauthors: parameter researcher takes a person's name, got {value!r} "
        "(no letter or digit)"
    )


def test_two_profiles_spelling_the_name_two_ways_answer_to_both(tmp_path: Path) -> None:
    """The same researcher listed by two sites, one without the accent: one person, whose
    co-authors and metrics the query gives for either spelling."""
    page = SAMPLE_PROFILE.read_text(encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text(
        page.replace(ME + "\n", "Leonard Hussenot\n", 1).replace("h-index117", "h-index118"),
        encoding="utf-8",
    )
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE, plain]))
    assert build(config).report.outcome == "ok"
    with EmbeddedStore(config.store.path, read_only=True) as built:
        accented = answer(built, "coauthors", researcher=ME)
        assert len({row[3] for row in accented}) == 1  # one person
        assert len(accented) > 10
        assert answer(built, "coauthors", researcher="Leonard Hussenot") == accented
        metrics = answer(built, "metric-history", researcher="leonard hussenot")
    h_index = sorted(row[3] for row in metrics if row[1] == "hIndex")
    assert h_index == ["117", "118"]
    [key] = rows(
        config,
        "SELECT ?k WHERE { ?p <https://w3id.org/scholarkg/ontology#nameKey> ?k ; "
        f'<http://xmlns.com/foaf/0.1/name> "{ME}" }}',
    )
    assert key["k"] == "leonard-hussenot"


def test_a_saved_query_name_is_not_shadowed_by_a_file_of_that_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``scholarkg query organisations > organisations``, then the same command again: before,
    the second read the CSV it had written as the query (a SPARQL syntax error). A bare name
    is the saved query of that name; a path (``./organisations``, ``x.rq``) or a name no saved
    query has is a file."""
    from scholarkg.resources import queries_dir

    monkeypatch.chdir(tmp_path)
    (tmp_path / "organisations").write_text("organisation,papers\ndeepmind,3\n", "utf-8")
    (tmp_path / "mine").write_text("# Mine.\nSELECT * WHERE { ?s ?p ?o }\n", "utf-8")
    assert resolve_query("organisations").path == queries_dir() / "organisations.rq"
    assert resolve_query("./organisations").text.startswith("organisation,papers")
    assert resolve_query("mine").description == "Mine."

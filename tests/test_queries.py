"""Each saved query against the sample profile's known answers (counted by hand from the page)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import load_config
from scholarkg.errors import QueryError
from scholarkg.extract.profile_page import parse_profile
from scholarkg.iris import Minter
from scholarkg.pipeline import load_ontology
from scholarkg.query import (
    bind_parameters,
    format_csv,
    format_json,
    format_table,
    resolve_query,
    run_select,
    saved_queries,
)
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.transform.profile import transform_profile

WHEN = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def build(store: EmbeddedStore, *paths: Path) -> None:
    minter = Minter()
    load_ontology(store, minter)
    for path in paths:
        profile = parse_profile(
            path.read_bytes(),
            source=str(path),
            retrieved_at=WHEN,
            subject_codes=load_config().subject_codes,
        )
        for named in transform_profile(profile, minter):
            store.replace_graph(named.iri, named.graph)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(tmp_path_factory.mktemp("q") / "store") as s:
        build(s, SAMPLE_PROFILE)
        yield s


def rows(store: EmbeddedStore, name: str, **params: str) -> list[tuple[str | None, ...]]:
    return run_select(store, bind_parameters(resolve_query(name).text, params)).rows


def test_every_saved_query_has_a_header_and_a_test() -> None:
    names = {q.name for q in saved_queries()}
    assert len(names) >= 12
    here = Path(__file__).parent
    source = "".join(p.read_text(encoding="utf-8") for p in here.glob("test_queries*.py"))
    for query in saved_queries():
        assert query.description, f"{query.path} has no header comment"
        assert f'"{query.name}"' in source, f"no test runs {query.name}"


def test_papers_per_year(store: EmbeddedStore) -> None:
    assert rows(store, "papers-per-year") == [
        ("2019", "1"),
        ("2020", "4"),
        ("2021", "5"),
        ("2022", "2"),
        ("2023", "2"),
        ("2024", "8"),
        ("2025", "3"),
    ]


def test_papers_per_category(store: EmbeddedStore) -> None:
    assert rows(store, "papers-per-category") == [
        ("cs.LG", "Machine Learning", "17"),
        ("cs.CL", "Computation and Language", "7"),
        ("cs.AI", "Artificial Intelligence", "1"),
    ]


def test_organisations(store: EmbeddedStore) -> None:
    assert rows(store, "organisations") == [
        ("deepmind", "4"),
        ("amazon-science", "1"),
        ("baidu", "1"),
        ("mit", "1"),
    ]


def test_papers_with_code(store: EmbeddedStore) -> None:
    assert rows(store, "papers-with-code") == [
        ("WARP: On the Benefits of Weight Averaged Rewarded Policies", "2024-06-24"),
        ("Continuous Control with Action Quantization from Demonstrations", "2021-10-19"),
    ]


def test_two_profiles_one_paper_node(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store:
        build(store, SAMPLE_PROFILE, SECOND_PROFILE)
        papers = run_select(
            store,
            "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
            "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a skg:Paper }",
        ).rows
        assert papers == [("26",)]  # 25 + the one paper only the second profile lists


def test_formats(store: EmbeddedStore) -> None:
    result = run_select(store, resolve_query("organisations").text)
    assert format_csv(result).splitlines()[:2] == ["organisation,papers", "deepmind,4"]
    data = json.loads(format_json(result))
    assert data["head"]["vars"] == ["organisation", "papers"]
    assert data["results"]["bindings"][0]["papers"] == {
        "type": "literal",
        "value": "4",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }
    table = format_table(result).splitlines()
    assert table[0].split() == ["organisation", "papers"] and table[-1] == "(4 rows)"


def test_parameters_are_escaped(store: EmbeddedStore) -> None:
    hostile = 'x" } UNION { ?a ?b ?c } #'
    assert rows(store, "coauthors", researcher=hostile) == []
    with pytest.raises(QueryError):
        bind_parameters("SELECT * {}", {"bad name": "x"})
    with pytest.raises(QueryError, match="not a usable IRI"):
        bind_parameters("SELECT * {}", {"subject": "<https://e.org/> } ; DROP ALL ; <x>"})
    bound = bind_parameters("SELECT * {}", {"subject": "<https://e.org/a>", "name": "<b"})
    assert bound.endswith('VALUES (?subject ?name) { (<https://e.org/a> "<b") }\n')


def test_unknown_query_name_lists_the_saved_ones() -> None:
    with pytest.raises(QueryError, match="papers-per-year"):
        resolve_query("no-such-query")

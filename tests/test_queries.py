"""Each saved query against the sample profile's known answers (counted by hand from the page)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.errors import QueryError
from scholarkg.query import bind_saved, resolve_query, saved_queries
from scholarkg.query_binding import bind_parameters
from scholarkg.query_results import format_csv, format_json, format_table, run_select
from scholarkg.runs.build import build as build_job
from scholarkg.store.embedded import EmbeddedStore


def build(directory: Path, *paths: Path) -> EmbeddedStore:
    """Build a store with the build job (arXiv off) and open it read-only."""
    config = load_config(write_config(directory, list(paths)))
    report = build_job(config).report
    assert report.outcome == "ok", report.summary_lines()
    return EmbeddedStore(config.store.path, read_only=True)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    with build(tmp_path_factory.mktemp("q"), SAMPLE_PROFILE) as s:
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


def test_coauthors_of_the_researcher(store: EmbeddedStore) -> None:
    result = rows(store, "coauthors", researcher="Léonard Hussenot")
    counts = {coauthor: int(n or 0) for _, coauthor, n, *_ in result}
    # He is an author of all 25 papers, so every listed person is a co-author; groups are not.
    assert counts["Robert Dadashi"] == 7
    assert "Gemma Team" not in counts
    assert counts["Matthieu Geist"] == 3
    assert counts["Olivier Pietquin"] == 1
    assert "Léonard Hussenot" not in counts
    assert result[0][1] == "Robert Dadashi"


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


def test_latest_metrics(store: EmbeddedStore) -> None:
    result = rows(store, "latest-metrics", researcher="Léonard Hussenot")
    assert {(metric, value) for _, metric, value, *_ in result} == {
        ("hIndex", "117"),
        ("citationCount", "11030"),
        ("paperCount", "25"),
        ("noveltyScore", "49"),
        ("aiScore", "45"),
    }


H_INDEX_HISTORY = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> SELECT ?v WHERE { ?o skg:metric"
    " skg:hIndex ; skg:value ?v ; skg:observedAt ?t } ORDER BY ?t"
)


def h_index_after(tmp_path: Path, *bodies: bytes) -> tuple[Config, str, list[str]]:
    """One page built with each of ``bodies`` in turn: the config, the latest h-index and the
    h-index observations in time order."""
    page = tmp_path / "page.txt"
    config = load_config(write_config(tmp_path, [page]))
    for body in bodies:
        page.write_bytes(body)
        assert build_job(config).report.outcome == "ok"
    with EmbeddedStore(config.store.path, read_only=True) as store:
        latest = {m: v for _, m, v, *_ in rows(store, "latest-metrics")}
        history = [str(v) for (v,) in run_select(store, H_INDEX_HISTORY).rows]
    return config, latest["hIndex"], history


FIRST = SAMPLE_PROFILE.read_bytes()
EDITED = FIRST.replace(b"h-index117", b"h-index118")


def test_latest_metrics_prefers_the_newest_snapshot(tmp_path: Path) -> None:
    _, latest, history = h_index_after(tmp_path, FIRST, EDITED)
    assert (latest, history) == ("118", ["117", "118"])


def test_a_page_back_to_earlier_bytes_is_observed_again(tmp_path: Path) -> None:
    """A page edited (h-index 117 -> 118) and then put back (117) is a third observation, dated
    when it came back: the latest metric is 117 again, the history 117, 118, 117. Before, the
    third run found the first snapshot in the store ("nothing new"; it is keyed by the bytes
    and dated when they were first seen) and latest-metrics kept saying 118."""
    config, latest, history = h_index_after(tmp_path, FIRST, EDITED, FIRST)
    assert (latest, history) == ("117", ["117", "118", "117"])
    (tmp_path / "page.txt").write_bytes(FIRST)  # the same bytes again: no fourth observation
    again = build_job(config).report
    assert again.graphs_written == 0, again.summary_lines()


def test_a_clock_gone_back_keeps_the_observations_in_the_order_they_were_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The machine's clock set back a day between two runs: the second run's observation is
    still the later one (its time is the archive's latest retrieval, just after), and one
    warning says so. Before, metric-history listed 118 before 117 and latest-metrics said 117."""
    from scholarkg.extract import raw_archive

    page = tmp_path / "page.txt"
    config = load_config(write_config(tmp_path, [page]))
    page.write_bytes(FIRST)
    assert build_job(config).report.outcome == "ok"
    real = raw_archive._utcnow
    monkeypatch.setattr(raw_archive, "_utcnow", lambda: real() - dt.timedelta(days=1))
    page.write_bytes(EDITED)
    assert build_job(config).report.outcome == "ok"
    with EmbeddedStore(config.store.path, read_only=True) as store:
        latest = {m: v for _, m, v, *_ in rows(store, "latest-metrics")}
        history = [str(v) for (v,) in run_select(store, H_INDEX_HISTORY).rows]
    assert (latest["hIndex"], history) == ("118", ["117", "118"])
    behind = [r.getMessage() for r in caplog.records if "clock" in r.getMessage()]
    assert len(behind) == 1 and "behind the archive's latest retrieval" in behind[0]


def test_two_profiles_one_paper_node(tmp_path: Path) -> None:
    with build(tmp_path, SAMPLE_PROFILE, SECOND_PROFILE) as store:
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
    assert bound == 'SELECT * { VALUES (?subject ?name) { (<https://e.org/a> "<b") } }'


def test_a_value_cannot_end_its_literal_and_bind_another_parameter(store: EmbeddedStore) -> None:
    """A line break and a closing backslash-quote made the old escaping write a long literal
    that ended one quote early: the next parameter's text became SPARQL and added a row of
    UNDEFs, so a researcher who does not exist got everyone's metric history (two text
    parameters: metric-history's metric takes one of its metrics now)."""
    bound = bind_parameters(
        "SELECT ?s WHERE { ?s ?p ?researcher }",
        {"researcher": 'nobody\n\\"', "metric": " ) (UNDEF UNDEF) } #"},
        {"researcher": "text", "metric": "text"},
    )
    assert run_select(store, bound).rows == []
    unbound = bind_parameters("SELECT ?s WHERE { ?s ?p ?researcher }", {"metric": "x"})
    assert run_select(store, unbound).rows != []  # what a broken literal would answer


@pytest.mark.parametrize(
    "value",
    ['a\nb\\"', 'x""""y\nz', "\\u0022", "tab\tcr\rbs\bff\f", '"""', "\\", "é☃𝄞", ""],
)
def test_every_text_value_binds_as_itself(store: EmbeddedStore, value: str) -> None:
    bound = bind_parameters("SELECT ?v WHERE {}", {"v": value})
    assert run_select(store, bound).rows == [(value,)]


def test_a_value_that_is_not_text_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="not valid text"):
        bind_parameters("SELECT ?v WHERE {}", {"v": "\udcff"})  # a byte 0xff on the command line


def test_unknown_query_name_lists_the_saved_ones() -> None:
    with pytest.raises(QueryError, match="papers-per-year"):
        resolve_query("no-such-query")


# What the sample build (the sample profile, arXiv off) cannot answer: arXiv records (the
# fact-provenance example's subject is an arXiv paper, which its property case binds too)
NEEDS_ARXIV = {
    ("arxiv-papers", None),
    ("fact-provenance", "subject"),
    ("fact-provenance", "property"),
}


def _example(description: str) -> str:
    """The example a parameter's description gives (``e.g. X or Y (note)``: X)."""
    example = description.split("e.g. ", 1)[1]
    return example.split(" or ", 1)[0].split(" (", 1)[0].strip()


def test_every_saved_query_answers_its_documented_examples(store: EmbeddedStore) -> None:
    """Each saved query, bound as ``scholarkg query`` and the server bind it (its parameters'
    kinds: a name by its key, IRIs checked), with no parameter and with each example its
    header documents, answers rows on the sample build, after the identity changes (persons
    named at first write, groups apart, retired IRIs); only what needs arXiv records answers
    nothing here (``test_queries_enriched``, ``test_queries_v2``)."""
    answered: dict[tuple[str, str | None], int] = {}
    for query in saved_queries():
        required = [p for p in query.parameters if not p.optional]
        cases: list[tuple[str | None, dict[str, str]]] = [] if required else [(None, {})]
        for parameter in query.parameters:
            given = {p.name: _example(p.description) for p in required}
            cases.append(
                (parameter.name, given | {parameter.name: _example(parameter.description)})
            )
        for name, params in cases:
            found = run_select(store, bind_saved(query, params)).rows
            answered[(query.name, name)] = len(found)
    empty = sorted(case for case, count in answered.items() if count == 0)
    assert empty == sorted(NEEDS_ARXIV), answered
    assert len(answered) == 29  # every saved query, and each documented example of each

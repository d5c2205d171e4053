"""Person-level saved queries on the constructed v2-model store (groups and namesakes), the
parameter mechanism (declared parameters, binding inside WHERE or trailing: same answers),
and `scholarkg query` for every query form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from saved_rows import rows
from scholarkg.cli import main
from scholarkg.errors import QueryError
from scholarkg.query import bind_saved, check_parameters, resolve_query, saved_queries
from scholarkg.query_binding import VALUES_MARKER, bind_parameters
from scholarkg.query_results import run_select
from scholarkg.serve.guard import QueryLimits, check_query, scan_query
from scholarkg.store.embedded import EmbeddedStore
from serve_fixtures import LEONARD, build_v2_store

pytest_plugins = ("v2_store_fixtures",)

ME = "Léonard Hussenot"


def trailing(name: str, **params: str) -> str:
    """The same query with its parameters bound where a query without a ``# @values`` line
    has them (the end of its WHERE group) instead."""
    text = VALUES_MARKER.sub("", resolve_query(name).text)
    return bind_parameters(text, params)


def test_coauthors_are_people_and_namesakes_stay_apart(store: EmbeddedStore) -> None:
    result = rows(store, "coauthors", researcher=ME)
    assert [(c, n) for _, c, n, _, _ in result] == [
        ("Robert Dadashi", "4"),
        ("Matthieu Geist", "3"),
        ("Olivier Pietquin", "2"),
        ("Marcin Andrychowicz", "1"),
        ("Wei Wang", "1"),
        ("Wei Wang", "1"),
    ]
    assert {o for *_, o in result if _[1] == "Wei Wang"} == {
        "https://w3id.org/scholarkg/id/person/wei-wang",
        "https://w3id.org/scholarkg/id/person/wei-wang-2",
    }
    assert rows(store, "coauthors", person=f"<{LEONARD}>") == result
    assert run_select(store, trailing("coauthors", researcher=ME)).rows == result
    everyone = rows(store, "coauthors")
    assert "Gemma Team" not in {r[0] for r in everyone} | {r[1] for r in everyone}


def test_coauthorship_network(store: EmbeddedStore) -> None:
    result = rows(store, "coauthorship-network", minPapers="1")
    assert result[0][:3] == (ME, "Robert Dadashi", "4")
    pairs = [(a, b, n) for a, b, n, _, _ in result]
    assert ("Matthieu Geist", "Robert Dadashi", "3") in pairs
    assert pairs.count((ME, "Wei Wang", "1")) == 2  # two people of one name
    assert all(str(a) <= str(b) for a, b, _ in pairs)
    assert not any("Gemma Team" in (a, b) for a, b, _ in pairs)
    assert len({(r[3], r[4]) for r in result}) == len(result)  # each pair once
    assert run_select(store, PLAIN_NETWORK).rows == result  # the same as written plainly


def test_coauthorship_network_threshold(store: EmbeddedStore) -> None:
    every = rows(store, "coauthorship-network", minPapers="1")
    repeated = [r for r in every if int(r[2]) >= 2]
    assert 0 < len(repeated) < len(every)
    assert rows(store, "coauthorship-network") == repeated  # by default: repeated collaborations
    assert rows(store, "coauthorship-network", minPapers="3") == [
        r for r in every if int(r[2]) >= 3
    ]


# The network as first written: the reference the faster form must agree with.
PLAIN_NETWORK = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?person ?coauthor (COUNT(DISTINCT ?paper) AS ?papers) ?personIri ?coauthorIri WHERE {
  ?paper skg:hasAuthorship ?a , ?b . ?a skg:author ?personIri . ?b skg:author ?coauthorIri .
  ?personIri a skg:Person ; foaf:name ?person . ?coauthorIri a skg:Person ; foaf:name ?coauthor .
  FILTER (?person < ?coauthor || (?person = ?coauthor && STR(?personIri) < STR(?coauthorIri)))
} GROUP BY ?personIri ?person ?coauthorIri ?coauthor
ORDER BY DESC(?papers) ?person ?coauthor ?personIri ?coauthorIri"""


def test_author_positions(store: EmbeddedStore) -> None:
    result = {t: (p, n) for _, t, p, n, _ in rows(store, "author-positions", researcher=ME)}
    assert result == {
        "Gemma: Open Models Based on Gemini Research and Technology": (None, "2"),
        "Hyperparameter Selection for Imitation Learning": ("1", "5"),
        "Reward Models for Dialogue": ("1", "2"),
        "Gemma 2: Improving Open Language Models at a Practical Size": ("2", "3"),
        "Language Model Alignment at Scale": ("2", "2"),
        "Offline Reinforcement Learning with Pseudometric Learning": ("2", "3"),
        "Primal Wasserstein Imitation Learning": ("2", "4"),
    }
    assert run_select(store, trailing("author-positions", researcher=ME)).rows == rows(
        store, "author-positions", researcher=ME
    )
    assert rows(store, "author-positions", researcher="Gemma Team") == []  # not a person


def test_identity_evidence(store: EmbeddedStore) -> None:
    result = rows(store, "identity-evidence", researcher=ME)
    by_paper = {r[1].rsplit("/id/", 1)[1]: r for r in result}
    assert len(by_paper) == len(result) == 7  # one row per authorship of the person
    rule_of = {paper: r[5] for paper, r in by_paper.items()}
    assert rule_of["paper/arxiv/2106.00001"] == "config-merge"
    assert rule_of["paper/arxiv/2301.00003"] == "shared-coauthor"
    shared = by_paper["paper/arxiv/2301.00003"]
    assert shared[6] == "0.9" and "Robert Dadashi" in shared[7]
    first = by_paper["paper/arxiv/2104.12255"]
    assert first[3] == "1" and first[8].endswith("/graph/profile/leonard-hussenot")
    assert {r[9] for r in result} == {LEONARD}
    assert rows(store, "identity-evidence", researcher="Gemma Team") == []  # not a person


def test_latest_metrics_one_row_per_metric(store: EmbeddedStore) -> None:
    result = rows(store, "latest-metrics", researcher=ME)
    # Two snapshots of the same instant state hIndex 117: one row, not two.
    assert [(m, v, at) for _, m, v, at, _ in result] == [
        ("citationCount", "11030", "2026-06-10T10:00:00Z"),
        ("hIndex", "117", "2026-06-10T10:00:00Z"),
        ("paperCount", "25", "2026-06-10T10:00:00Z"),
    ]
    assert run_select(store, trailing("latest-metrics", researcher=ME)).rows == result
    assert rows(store, "latest-metrics") == result  # the only researcher with metrics


def test_latest_metrics_when_two_snapshots_of_one_instant_disagree(tmp_path: Path) -> None:
    extra = """@prefix skg: <https://w3id.org/scholarkg/ontology#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <https://w3id.org/scholarkg/id/graph/profile/x/snapshot/e> {
      <urn:x:obs> a skg:MetricObservation ; skg:metric skg:hIndex ; skg:value 119 ;
        skg:observedAt "2026-06-10T10:00:00+00:00"^^xsd:dateTime ;
        skg:observationOf <https://w3id.org/scholarkg/id/person/leonard-hussenot> . }"""
    with EmbeddedStore(build_v2_store(tmp_path / "s", extra), read_only=True) as store:
        latest = {m: v for _, m, v, _, _ in rows(store, "latest-metrics", researcher=ME)}
        assert latest["hIndex"] == "119"


def test_metric_history(store: EmbeddedStore) -> None:
    history = rows(store, "metric-history", researcher=ME, metric="hIndex")
    assert [(m, at[:10], v) for _, m, at, v, _ in history] == [  # type: ignore[index]
        ("hIndex", "2026-01-10", "110"),
        ("hIndex", "2026-03-10", "114"),
        ("hIndex", "2026-06-10", "117"),
    ]


def test_unresolved_papers(store: EmbeddedStore) -> None:
    result = rows(store, "unresolved-papers")
    assert [(r, t, s) for r, t, s, _, _ in result] == [
        (ME, "Gemma 2: Improving Open Language Models at a Practical Size", "ambiguous"),
        (ME, "Gemma: Open Models Based on Gemini Research and Technology", "unresolved"),
    ]
    assert set(str(result[0][3]).split()) == {"2408.00118", "2408.00119"}
    assert rows(store, "unresolved-papers", researcher="Nobody") == []


def test_declared_parameters_and_errors() -> None:
    coauthors = resolve_query("coauthors")
    assert [(p.name, p.optional) for p in coauthors.parameters] == [
        ("researcher", True),
        ("person", True),
    ]
    assert "@param" not in coauthors.description
    with pytest.raises(QueryError, match="its parameters: researcher, person"):
        check_parameters(coauthors, {"reseacher": "x"})
    with pytest.raises(QueryError, match="needs parameter"):
        bind_saved(resolve_query("fact-provenance"), {})
    with pytest.raises(QueryError, match="its parameters: o, p2, s"):
        check_parameters("SELECT ?s WHERE { ?s ?p2 ?o }", {"x": "1"})
    check_parameters("SELECT ?s WHERE { ?s ?p ?o }", {"s": "<urn:x:a>"})
    for query in saved_queries():
        assert VALUES_MARKER.search(query.text) is None or query.parameters, query.name
        assert "@warm" not in query.description, query.name
        # the warm-up answers a query without parameters: none it marks may need one
        assert not (query.warm and any(not p.optional for p in query.parameters)), query.name


def test_integer_parameters_are_whole_numbers() -> None:
    network = resolve_query("coauthorship-network")
    assert [(p.name, p.optional, p.kind) for p in network.parameters] == [
        ("minPapers", True, "integer")
    ]
    assert "VALUES (?minPapers) { (3) }" in bind_saved(network, {"minPapers": " 3"})
    for bad in ("two", "2.5", "1) } } SELECT", ""):
        with pytest.raises(QueryError, match="parameter minPapers: expected a whole number"):
            bind_saved(network, {"minPapers": bad})
    assert resolve_query("coauthors").parameters[0].kind == "name"


def test_binding_at_the_marker_is_escaped() -> None:
    bound = bind_parameters("SELECT * WHERE {\n  # @values\n  ?s ?p ?o\n}", {"s": 'x" } #'})
    assert bound == 'SELECT * WHERE {\n  VALUES (?s) { ("x\\" } #") }\n  ?s ?p ?o\n}'


def test_cli_binds_a_parameter_in_a_query_with_its_own_values(
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: ``error: mine.rq: SPARQL syntax error at line 8, column 4: expected UNDEF``, a
    second VALUES appended on a line past the file's seven."""
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    mine = tmp_path / "mine.rq"
    mine.write_text(
        "# People among those named.\n# @param person:iri the person\n"
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nSELECT ?person ?name WHERE {\n"
        f'  ?person foaf:name ?name\n}}\nVALUES ?name {{ "{ME}" "Wei Wang" }}\n'
    )
    assert main(["query", str(mine), "--param", f"person={LEONARD}", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [f"{LEONARD},{ME}"]
    mine.write_text("# Who.\n# @param person:iri the person\nDESCRIBE ?person VALUES ?x { 1 }\n")
    assert main(["query", str(mine), "--param", f"person={LEONARD}"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: saved query mine: {mine}: ends in its own VALUES clause and has no WHERE "
        "group to bind ?person in (a `# @values` line inside WHERE says where they go)"
    )


PER_YEAR = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?year (COUNT(DISTINCT ?paper) AS ?papers)
WHERE {
  ?paper a skg:Paper ; dcterms:issued ?issued .
  BIND (YEAR(?issued) AS ?year)
}
GROUP BY ?year
ORDER BY ?year
"""


def test_cli_a_parameter_narrows_what_an_aggregate_counts(
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: the VALUES went after GROUP BY, joined with the counted groups (SPARQL 1.1
    18.2.4.1), where ``?paper`` is not bound: every year's count, as if no parameter."""
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    paper = "https://w3id.org/scholarkg/id/paper/arxiv/2104.12255"
    mine = tmp_path / "per-year.rq"
    mine.write_text(f"# Papers per year among those given.\n# @param paper:iri a paper\n{PER_YEAR}")
    assert main(["query", str(mine), "--param", f"paper={paper}", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["year,papers", "2021,1"]
    adhoc = ["query", "--sparql", PER_YEAR, "--param", f"paper=<{paper}>", "--format", "csv"]
    assert main(adhoc) == 0
    assert capsys.readouterr().out.splitlines() == ["year,papers", "2021,1"]


def test_guard_lexer() -> None:
    info = scan_query(
        'PREFIX service: <urn:x:>\nSELECT ?service WHERE { ?s service:p "SERVICE {{{" . '
        "# SERVICE <http://x/>\n ?s <urn:x:p> ?service }"
    )
    assert info.form == "SELECT" and info.services == () and info.depth == 1
    assert scan_query("SELECT * WHERE { SERVICE SILENT <http://a/> { } }").services == (
        "http://a/",
    )
    assert scan_query("ASK FROM <urn:g> { }").has_dataset
    assert scan_query("SELECT * { FILTER (?a < ?b && ?c > 1) }").depth == 2
    limits = QueryLimits(max_nesting=5, federation=("http://allowed/",))
    check_query("SELECT * WHERE { SERVICE <http://allowed/> { ?s ?p ?o } }", limits)
    for text in (
        "SELECT * WHERE { SERVICE <http://other/> { } }",
        "SELECT * WHERE { SERVICE ?e { } }",
        "SELECT * WHERE { SERVICE x:y { } }",
        "SELECT * WHERE { SERVICE :y { } }",
        "SELECT * WHERE " + "{" * 6 + "}" * 6,
    ):
        with pytest.raises(QueryError):
            check_query(text, limits)


def test_cli_query_runs_every_form(
    store_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    assert main(["query", "coauthors", "--param", f"researcher={ME}", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith(f"{ME},Robert Dadashi,4,")
    assert main(["query", "--sparql", f"ASK {{ <{LEONARD}> ?p ?o }}"]) == 0
    assert capsys.readouterr().out.strip() == "true"
    assert main(["query", "--sparql", "ASK { <urn:x:no> ?p ?o }", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"head": {}, "boolean": False}
    construct = f"CONSTRUCT {{ <{LEONARD}> ?p ?o }} WHERE {{ <{LEONARD}> ?p ?o }}"
    assert main(["query", "--sparql", construct]) == 0
    assert "Léonard Hussenot" in capsys.readouterr().out  # Turtle
    assert main(["query", "--sparql", f"DESCRIBE <{LEONARD}>", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["@context"]["skg"] == "https://w3id.org/scholarkg/ontology#"
    assert main(["query", "--sparql", f"DESCRIBE <{LEONARD}>", "--format", "nt"]) == 0
    assert f"<{LEONARD}> <http://xmlns.com/foaf/0.1/name>" in capsys.readouterr().out
    assert main(["query", "coauthors", "--param", "reseacher=x"]) == 1
    err = capsys.readouterr().err
    assert "unknown parameter(s) reseacher" in err and "researcher, person" in err
    assert main(["query", "--sparql", "ASK {}", "--format", "csv"]) == 0
    assert main(["query", "--sparql", construct, "--format", "csv"]) == 1
    assert "graph results come as" in capsys.readouterr().err
    assert main(["query", "--list"]) == 0
    assert "parameters: researcher, person" in capsys.readouterr().out


@pytest.mark.parametrize(
    "params",
    [
        {"subject": f"<{LEONARD}>"},
        {"subject": f"<{LEONARD}>", "property": "<http://xmlns.com/foaf/0.1/name>"},
    ],
)
def test_a_saved_query_without_values_line_answers_as_with_a_trailing_values(
    store: EmbeddedStore, params: dict[str, str]
) -> None:
    """fact-provenance, the one saved query that takes parameters and has no ``# @values``
    line (none is an aggregate): the clause at the end of its WHERE group gives the rows a
    trailing one gave."""
    text = resolve_query("fact-provenance").text
    names = " ".join(f"?{n}" for n in params)
    old = f"{text.rstrip()}\nVALUES ({names}) {{ ({' '.join(params.values())}) }}\n"
    result = run_select(store, bind_parameters(text, params, {n: "iri" for n in params})).rows
    assert result == run_select(store, old).rows
    assert result  # some rows to compare

"""Saved-query parameters are checked against what the query declares: a query that declares
none takes none, and a parameter declared ``:iri`` takes an IRI (in angle brackets or bare),
never a name that would match nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from saved_rows import rows
from scholarkg.cli import main
from scholarkg.errors import QueryError
from scholarkg.query import bind_saved, resolve_query, saved_queries
from scholarkg.query_binding import bind_parameters
from scholarkg.query_results import run_select
from scholarkg.store.embedded import EmbeddedStore
from serve_fixtures import LEONARD

pytest_plugins = ("v2_store_fixtures",)

ME = "Léonard Hussenot"


def test_a_query_that_declares_no_parameters_refuses_its_variables() -> None:
    saved = resolve_query("papers-per-year")
    assert saved.parameters == ()
    assert "year" in saved.text  # ?year is a variable of the query, yet no parameter
    with pytest.raises(QueryError) as caught:
        bind_saved(saved, {"year": "2020"})
    assert str(caught.value) == (
        "unknown parameter(s) year for saved query papers-per-year; its parameters: none"
    )


def test_cli_refuses_a_parameter_of_a_query_without_any(
    store_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    assert main(["query", "papers-per-year", "--param", "year=2020"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "error: unknown parameter(s) year for saved query papers-per-year; its parameters: none"
    ]


@pytest.mark.parametrize(
    "query", [["coauthors"], ["--sparql", "SELECT ?x WHERE { BIND(?researcher AS ?x) }"]]
)
def test_cli_refuses_a_parameter_given_twice(
    query: list[str],
    store_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before, the later value replaced the earlier: ``--param researcher=A --param
    researcher=B`` answered for B alone, exit 0 (one reading it as "A or B" lost A)."""
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    given = ["--param", f"researcher={ME}", "--param", " researcher=Robert Dadashi"]
    with pytest.raises(SystemExit) as done:  # before: exit 1, after the config was read
        main(["query", *query, *given])
    assert done.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[-1] == (
        f"scholarkg query: error: argument --param: researcher given twice ({ME!r}, "
        "'Robert Dadashi'): a parameter binds one value"
    )


def test_person_parameters_are_declared_iris() -> None:
    kinds = {
        (q.name, p.name): p.kind
        for q in saved_queries()
        for p in q.parameters
        if p.name in ("person", "subject", "property")
    }
    assert len(kinds) == 7
    assert set(kinds.values()) == {"iri"}


def test_a_person_iri_binds_bracketed_or_bare(store: EmbeddedStore) -> None:
    by_name = rows(store, "coauthors", researcher=ME)
    assert len(by_name) == 6
    assert rows(store, "coauthors", person=f"<{LEONARD}>") == by_name
    assert rows(store, "coauthors", person=LEONARD) == by_name
    assert rows(store, "coauthors", person=f"  {LEONARD} ") == by_name  # as pasted


@pytest.mark.parametrize("value", ["Wei Wang", "Léonard Hussenot", "leonard-hussenot", ""])
def test_a_name_for_a_person_iri_is_refused(value: str) -> None:
    with pytest.raises(QueryError) as caught:
        bind_saved(resolve_query("coauthors"), {"person": value})
    assert str(caught.value) == (
        f"saved query coauthors: parameter person: expected an IRI, written <https://…>, "
        f"got {value!r}"
    )


def test_cli_refuses_a_name_where_a_person_iri_goes(
    store_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    assert main(["query", "coauthors", "--param", "person=Wei Wang"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "error: saved query coauthors: parameter person: expected an IRI, written "
        "<https://…>, got 'Wei Wang'"
    ]
    assert main(["query", "coauthors", "--param", f"person={LEONARD}", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 7 and lines[1].startswith(f"{ME},Robert Dadashi,4,{LEONARD},")
    assert main(["query", "--list"]) == 0
    assert "parameters: researcher, person (IRI)" in capsys.readouterr().out


def test_fact_provenance_takes_its_subject_and_property_as_iris(store: EmbeddedStore) -> None:
    title = "http://purl.org/dc/terms/title"
    paper = "https://w3id.org/scholarkg/id/paper/arxiv/2301.00003"
    bracketed = rows(store, "fact-provenance", subject=f"<{paper}>", property=f"<{title}>")
    assert len(bracketed) == 1
    assert rows(store, "fact-provenance", subject=paper, property=title) == bracketed
    with pytest.raises(QueryError, match="parameter property: expected an IRI"):
        bind_saved(resolve_query("fact-provenance"), {"subject": paper, "property": "title"})


@pytest.mark.parametrize("value", [f"<{LEONARD}>", LEONARD, f" <{LEONARD}> ", "urn:x:someone"])
def test_an_iri_for_a_text_parameter_is_refused(value: str) -> None:
    """A name parameter given an IRI would be bound as a string that no name equals (0 rows
    without a word): it is a usage error naming where an IRI goes, if the query has one."""
    with pytest.raises(QueryError) as caught:
        bind_saved(resolve_query("coauthors"), {"researcher": value})
    assert str(caught.value) == (
        f"saved query coauthors: parameter researcher takes text (a name), not an IRI, "
        f"got {value!r}; an IRI goes in person"
    )
    with pytest.raises(QueryError) as caught:
        bind_saved(resolve_query("unresolved-papers"), {"researcher": value})
    assert str(caught.value) == (
        f"saved query unresolved-papers: parameter researcher takes text (a name), not an IRI, "
        f"got {value!r}"
    )


@pytest.mark.parametrize("value", ["Wei <Wang>", "<Wei Wang>", "O'Brien: a <b>", "Wang:Wei"])
def test_text_that_is_no_iri_is_bound_as_a_string(value: str, tmp_path: Path) -> None:
    """Declared text is bound as text, angle brackets or not (before, ``<Wei Wang>`` was
    taken for an IRI and refused as an unusable one)."""
    rq = tmp_path / "labelled.rq"
    rq.write_text("# Labels.\n# @param? label a label\nSELECT ?label WHERE {}\n", encoding="utf-8")
    bound = bind_saved(resolve_query(str(rq)), {"label": value})
    assert f'VALUES (?label) {{ ("{value}") }}' in bound


METRICS = "hIndex, citationCount, paperCount, noveltyScore, aiScore"


def test_metric_history_takes_one_of_its_metrics(store: EmbeddedStore) -> None:
    """A metric outside the declared set is refused naming the set (before: ``metric=foo``,
    or ``hindex``, answered 0 rows, exit 0, as if the researcher had no such observation)."""
    [metric] = [p for p in resolve_query("metric-history").parameters if p.name == "metric"]
    assert (metric.kind, metric.choices) == ("choice", tuple(METRICS.split(", ")))
    for value in ("foo", "hindex", "", "<x y>"):
        with pytest.raises(QueryError) as refused:
            bind_saved(resolve_query("metric-history"), {"metric": value})
        assert str(refused.value) == (
            f"saved query metric-history: parameter metric takes one of {METRICS}, got {value!r}"
        )
    cited = rows(store, "metric-history", researcher=ME, metric="citationCount")
    assert len(cited) > 0 and {row[1] for row in cited} == {"citationCount"}
    assert rows(store, "metric-history", researcher=ME, metric=" citationCount ") == cited


def test_cli_refuses_a_metric_outside_the_set(
    store_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    assert main(["query", "metric-history", "--param", "metric=foo"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"error: saved query metric-history: parameter metric takes one of {METRICS}, got 'foo'"
    ]
    assert main(["query", "--list"]) == 0
    assert f"parameters: researcher, person (IRI), metric (one of {METRICS})" in (
        capsys.readouterr().out
    )


def test_cli_refuses_an_iri_where_a_name_goes(
    store_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    assert main(["query", "coauthors", "--param", f"researcher=<{LEONARD}>"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "error: saved query coauthors: parameter researcher takes text (a name), not an IRI, "
        f"got '<{LEONARD}>'; an IRI goes in person"
    ]
    assert main(["query", "coauthors", "--param", f"researcher={ME}", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 7 and lines[1].startswith(f"{ME},Robert Dadashi,4,{LEONARD},")
    adhoc = "SELECT ?name WHERE { ?researcher <http://xmlns.com/foaf/0.1/name> ?name }"
    argv = ["query", "--sparql", adhoc, "--param", f"researcher=<{LEONARD}>", "--format", "csv"]
    assert main(argv) == 0  # ad-hoc text declares no kinds: angle brackets still mean an IRI
    assert capsys.readouterr().out.splitlines() == ["name", ME]


def test_a_whole_number_too_long_to_convert_is_refused_by_name(
    store_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, a whole number of more digits than Python converts (4 300) escaped as a
    ValueError: a traceback from the CLI and a 500 from /queries/NAME.rq, not a QueryError."""
    network = resolve_query("coauthorship-network")
    digits = "1" * 5000
    with pytest.raises(QueryError) as refused:
        bind_saved(network, {"minPapers": digits})
    assert str(refused.value) == (
        "saved query coauthorship-network: parameter minPapers: expected a whole number, "
        "got one of 5000 digits (too long)"
    )
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    assert main(["query", "coauthorship-network", "--param", f"minPapers={digits}"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"error: {refused.value}"]


@pytest.mark.parametrize("value", [str(2**63), str(-(2**63) - 1), "1" + "0" * 30])
def test_a_whole_number_outside_64_bits_is_refused(value: str, store: EmbeddedStore) -> None:
    """Oxigraph compares 64-bit integers only: bound as written, ``minPapers=-10^19`` made every
    comparison an error and the answer empty, where every pair was asked for."""
    network = resolve_query("coauthorship-network")
    with pytest.raises(QueryError) as refused:
        bind_saved(network, {"minPapers": value})
    assert str(refused.value) == (
        f"saved query coauthorship-network: parameter minPapers: {int(value)} is out of range "
        "(whole numbers from -9223372036854775808 to 9223372036854775807)"
    )


def test_the_64_bit_bounds_themselves_bind_and_compare(store: EmbeddedStore) -> None:
    """The edges of the range are usable values: the lowest asks for every pair, the highest
    for none."""
    network = resolve_query("coauthorship-network")
    every = run_select(store, bind_saved(network, {"minPapers": str(-(2**63))}))
    fewest_one = run_select(store, bind_saved(network, {"minPapers": "1"}))
    assert len(every.rows) == len(fewest_one.rows) > 0
    assert run_select(store, bind_saved(network, {"minPapers": str(2**63 - 1)})).rows == []


@pytest.mark.parametrize("kind", ["interger", "IRI", "hIndex", ""])
def test_a_parameter_of_no_known_kind_is_refused_where_declared(kind: str, tmp_path: Path) -> None:
    """Before, ``# @param? n:interger a number`` declared a text parameter described as
    ``:interger a number``: ``--param n=5`` was bound as the string "5" and matched nothing."""
    rq = tmp_path / "typo.rq"
    rq.write_text(f"# Typo.\n# @param? n:{kind} a number\nSELECT ?n WHERE {{}}\n", "utf-8")
    with pytest.raises(QueryError) as refused:
        resolve_query(str(rq))
    assert str(refused.value) == (
        f"{rq}: line 2: parameter n: no kind {kind!r} (integer, iri, name, or the values it "
        "takes, a|b|c)"
    )


@pytest.mark.parametrize(
    ("declared", "variable"), [("reseacher", "?reseacher"), ("researcher:name", "?researcherKey")]
)
def test_a_parameter_the_query_never_uses_is_refused_where_declared(
    declared: str, variable: str, tmp_path: Path
) -> None:
    """Before, a parameter declared under a name the query does not use (a typo) was bound to
    a variable nothing reads: ``--param reseacher=X`` answered every row, as if no one had
    been asked for."""
    rq = tmp_path / "typo.rq"
    text = (
        f"# Typo.\n# @param? {declared} a name\nSELECT ?researcher WHERE {{ ?s ?p ?researcher }}\n"
    )
    rq.write_text(text, "utf-8")
    name = declared.split(":")[0]
    with pytest.raises(QueryError) as refused:
        resolve_query(str(rq))
    assert str(refused.value) == (
        f"{rq}: line 2: parameter {name}: the query never uses {variable}, so a value given for "
        "it would narrow nothing"
    )
    assert all(q.parameters is not None for q in saved_queries())  # the shipped ones use theirs


UNUSABLE_IRIS = [
    ("<https://e.org/a\rb>", "Invalid IRI code point '\\r'"),  # a control character
    ("<https://e.org/a\x01b>", "Invalid IRI code point '\\x01'"),
    ("<https://e.org/a%zz>", "Invalid IRI percent encoding '%zz'"),
    ("<https://[::1/a>", "Invalid character '[' in host"),
    ("<person/leonard>", "No scheme found in an absolute IRI"),  # relative: no BASE to resolve
    ("<https://e.org/a b>", "Invalid IRI code point ' '"),
    ("<https://e.org/a> } ; DROP ALL ; <x>", "Invalid IRI code point '>'"),
]


@pytest.mark.parametrize(("value", "reason"), UNUSABLE_IRIS)
def test_an_iri_the_store_would_refuse_is_refused_naming_its_parameter(
    value: str, reason: str, store: EmbeddedStore
) -> None:
    """Before, an IRI with a control character or a bad percent escape, a relative one, or one
    whose host does not parse went into the query as it was, and the store refused the whole
    query as a SPARQL syntax error naming neither the parameter nor the value
    (``error at 16:42: expected IRI parsing failed``); the others named the value alone."""
    for query, parameter in (("coauthors", "person"), ("fact-provenance", "subject")):
        with pytest.raises(QueryError) as caught:
            bind_saved(resolve_query(query), {parameter: value})
        assert str(caught.value) == (
            f"saved query {query}: parameter {parameter}: {value.strip()!r} is not a usable "
            f"IRI ({reason})"
        )
    with pytest.raises(QueryError) as caught:  # ad-hoc text: angle brackets mean an IRI
        bind_parameters("SELECT ?s WHERE { ?s ?p ?o }", {"s": value})
    assert str(caught.value) == f"parameter s: {value!r} is not a usable IRI ({reason})"


def test_cli_refuses_an_unusable_iri_in_one_line_naming_the_parameter(
    store_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    assert main(["query", "coauthors", "--param", "person=<https://e.org/a%zz>"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "error: saved query coauthors: parameter person: '<https://e.org/a%zz>' is not a "
        "usable IRI (Invalid IRI percent encoding '%zz')"
    ]
    argv = ["query", "--sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--param", "s=<rel/path>"]
    assert main(argv) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: parameter s: '<rel/path>' is not a usable IRI (No scheme found in an absolute IRI)"
    ]

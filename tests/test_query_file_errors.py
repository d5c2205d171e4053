"""A query that holds no SPARQL (an empty ``.rq`` file, one of comments only, blank
``--sparql`` text) is one line naming where it came from, before any store is opened; a query
the store's parser refuses is one line naming its file (or ``--sparql``), the line and the
column. Before, both came back from the worker as the parser's words alone (``error: error at
1:1: expected [_]``), naming no file."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.cli import main
from scholarkg.errors import QueryError
from scholarkg.query import saved_queries

pytest_plugins = ("v2_store_fixtures",)


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# Papers per year\n# @param? n:integer a number\n\n", "  # only\n  \n"]
)
def test_a_query_file_without_sparql_is_refused_naming_it(
    text: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(tmp_path / "no-store"))  # never reached
    rq = tmp_path / "nothing.rq"
    rq.write_text(text, encoding="utf-8")
    assert main(["query", str(rq)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"error: {rq}: no SPARQL query in the file"]


def test_a_saved_query_without_sparql_is_refused_where_the_queries_are_read(
    tmp_path: Path,
) -> None:
    (tmp_path / "fine.rq").write_text("# Fine\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    (tmp_path / "empty.rq").write_text("# Empty: nothing after the header\n", encoding="utf-8")
    with pytest.raises(QueryError) as caught:
        saved_queries(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'empty.rq'}: no SPARQL query in the file"


@pytest.mark.parametrize("text", [" ", "\n\t", "# a comment only"])
def test_blank_sparql_text_is_refused(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(tmp_path / "no-store"))  # never reached
    with pytest.raises(SystemExit) as done:  # before: exit 1, after the config was read
        main(["query", "--sparql", text])
    assert done.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "scholarkg query: error: argument --sparql: no SPARQL query in the text"
    )


def test_a_syntax_error_names_the_file_line_and_column(
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    rq = tmp_path / "cut.rq"
    rq.write_text("# Cut short\nSELECT * WHERE {\n  ?s ?p ?o\n", encoding="utf-8")
    assert main(["query", str(rq)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"error: {rq}: SPARQL syntax error at line 4, column 1: expected ")
    assert main(["query", "--sparql", "SELECT * WHERE {}\nLIMT 3"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: --sparql: SPARQL syntax error at line 2, column 7: expected ")
    assert (
        main(["query", "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv"]) == 0
    )
    assert len(capsys.readouterr().out.splitlines()) == 2  # a query that reads runs as before


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_query_file_with_a_byte_order_mark_runs_as_its_text(
    encoding: str,
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A query file saved with a byte order mark (Notepad's UTF-8, PowerShell's UTF-16) runs
    as its text, its header and parameters read, as the endpoint runs such a body (before:
    UTF-8's mark was a syntax error at column 1 and UTF-16's 'not UTF-8 text (byte 0)')."""
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    rq = tmp_path / "marked.rq"
    rq.write_text("# Marked\n# @param? n:integer a number\nSELECT ?n WHERE { }\n", encoding)
    assert main(["query", str(rq), "--param", "n=2"]) == 0
    captured = capsys.readouterr()
    assert (captured.out.split(), captured.err) == (["n", "-", "2", "(1", "row)"], "")

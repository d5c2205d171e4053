"""Saved-query parameters are checked against what the query declares: a query that declares
none takes none."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.cli import main
from scholarkg.errors import QueryError
from scholarkg.query import bind_saved, resolve_query
from serve_fixtures import build_v2_store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_v2_store(tmp_path_factory.mktemp("kinds") / "store")


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

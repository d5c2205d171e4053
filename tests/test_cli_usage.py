"""A mistake in how a command was called is a usage error, whatever the command: exit 2, the
command's usage, then one line ``scholarkg <command>: error: …`` saying what is wrong, before
the configuration is read or anything runs. Before, some were found by the handler after the
config was read and said as ``error: …`` with exit 1 (``quarantine prune --before 2024-13-01``,
``query --param a=1 --param a=2``), while their neighbours (``arxiv harvest --from 2024-13-01``,
``query --param a``) were usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.cli import main

MISSING = "/nonexistent/scholarkg.toml"  # a config never read: it would be exit 1

CASES = [
    pytest.param(
        ["quarantine", "prune", "--before", "2024-13-01"],
        "scholarkg quarantine prune",
        "argument --before: 2024-13-01: no such date (month must be in 1..12)",
        id="prune-before-no-date",
    ),
    pytest.param(
        ["quarantine", "prune", "--before", "2023-02-29"],
        "scholarkg quarantine prune",
        "argument --before: 2023-02-29: no such date (day is out of range for month)",
        id="prune-before-no-day",
    ),
    pytest.param(
        ["query", "coauthors", "--param", "researcher=A", "--param", " researcher=B"],
        "scholarkg query",
        "argument --param: researcher given twice ('A', 'B'): a parameter binds one value",
        id="param-twice",
    ),
    pytest.param(
        ["query", "--sparql", " # a comment only"],
        "scholarkg query",
        "argument --sparql: no SPARQL query in the text",
        id="sparql-blank",
    ),
    pytest.param(
        ["arxiv", "harvest", "--again"],
        "scholarkg arxiv harvest",
        "--again needs --from DATE, the date to harvest again from",
        id="again-without-from",
    ),
    pytest.param(
        ["export", "--store", " "],
        "scholarkg export",
        "argument --store: no directory given (an empty path)",
        id="store-empty",
    ),
    pytest.param(
        ["quarantine", "list", "--config", ""],
        "scholarkg quarantine list",
        "argument --config: no file given (an empty path)",
        id="config-empty",
    ),
    # the neighbours that were usage errors already, the same shape
    pytest.param(
        ["arxiv", "harvest", "--from", "2024-13-01"],
        "scholarkg arxiv harvest",
        "argument --from: ",
        id="harvest-from-no-date",
    ),
    pytest.param(
        ["query", "coauthors", "--param", "researcher"],
        "scholarkg query",
        "argument --param: 'researcher' is not NAME=VALUE",
        id="param-malformed",
    ),
    pytest.param(
        ["quarantine", "prune", "--keep", "0"],
        "scholarkg quarantine prune",
        "argument --keep: 0 is not at least 1",
        id="prune-keep-zero",
    ),
]


@pytest.mark.parametrize(("argv", "prog", "problem"), CASES)
def test_a_mistake_in_the_call_is_a_usage_error(
    argv: list[str],
    prog: str,
    problem: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    given = argv if "--config" in argv else [*argv, "--config", MISSING]
    with pytest.raises(SystemExit) as done:
        main(given)
    assert done.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0].startswith(f"usage: {prog} "), captured.err
    assert lines[-1].startswith(f"{prog}: error: {problem}"), captured.err
    assert all(line.startswith(" ") for line in lines[1:-1]), captured.err  # usage, wrapped
    assert list(tmp_path.iterdir()) == []  # nothing made


def test_a_run_id_or_a_real_date_is_no_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What is not written as a date is a run id, judged against the quarantine (exit 1 when
    it keeps no such run), and a real date passes."""
    config = tmp_path / "c.toml"
    config.write_text(f'[data]\ndir = "{tmp_path / "data"}"\n', encoding="utf-8")
    for before, code in (("2024-02-29", 0), ("20240101T000000Z-x", 1)):
        assert main(["quarantine", "prune", "--before", before, "--config", str(config)]) == code
    assert "no such run" in capsys.readouterr().err

"""The command line as a new user meets it: the ways to start it, and a mistake answered with
the command's own usage and the nearest name it knows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config
from scholarkg.cli import main

BOUND = 120  # a hang, not a slow machine


def test_python_dash_m_scholarkg_is_the_command() -> None:
    """Before: 'scholarkg' is a package and cannot be directly executed."""
    done = subprocess.run(
        [sys.executable, "-m", "scholarkg", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=BOUND,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: scholarkg [-h] [--version] COMMAND ...")
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("argv", "prog", "wrong"),
    [
        (["query", "--list", "--bogus"], "scholarkg query", "--bogus"),
        (["query", "papers-per-year", "--fromat", "csv"], "scholarkg query", "--fromat csv"),
        (["arxiv", "fetch", "--jsn", "2104.12255"], "scholarkg arxiv fetch", "--jsn"),
        (["quarantine", "prune", "--keep", "2", "--all"], "scholarkg quarantine prune", "--all"),
        (["--bogus", "query", "--list"], "scholarkg", "--bogus"),
    ],
)
def test_an_unknown_option_is_its_commands_usage_error(
    argv: list[str], prog: str, wrong: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: every unknown option showed the top level's usage and `scholarkg: error: …`,
    whichever command it was given to."""
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: {prog} ")
    assert err.splitlines()[-1] == f"{prog}: error: unrecognized arguments: {wrong}"


@pytest.mark.parametrize(
    ("argv", "near"),
    [
        (["quer"], "'query'"),
        (["arxiv", "harvets"], "'harvest'"),
        (["export", "--format", "ttll"], "'ttl'"),
        (["arxiv", "harvest", "--prefix", "arxiv"], "'arXiv'"),
    ],
)
def test_a_mistyped_choice_names_the_nearest(
    argv: list[str], near: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the choices alone, the nearest left for the reader to find."""
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert f"invalid choice: {argv[-1]!r} (did you mean {near}? choose from " in last


def test_a_choice_near_nothing_lists_the_choices_alone(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["zzzz"])
    assert done.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.endswith(
        "invalid choice: 'zzzz' (choose from 'run', 'profile', 'query', "
        "'export', 'serve', 'arxiv', 'schedule', 'quarantine')"
    )


@pytest.mark.parametrize(
    ("name", "near"),
    [
        ("papers-per-yaer", "; did you mean papers-per-year? (saved: "),
        ("coauthor", "; did you mean coauthors? (saved: "),
        ("queries/organisatons.rq", "; did you mean organisations? (saved: "),
        ("zzzz", " (saved: arxiv-papers, "),
    ],
)
def test_a_saved_query_not_there_names_the_nearest(
    name: str, near: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the list of saved queries alone."""
    config = str(write_config(tmp_path, []))
    assert main(["query", name, "--config", config]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {name}: no such query file or saved query{near}")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "last"),
    [
        ([], "one of the arguments NAME_OR_FILE --sparql --list is required"),
        (
            ["papers-per-year", "--sparql", "ASK {}"],
            "argument --sparql: not allowed with argument NAME_OR_FILE",
        ),
        (["--list", "coauthors"], "argument NAME_OR_FILE: not allowed with argument --list"),
        (
            ["coauthors", "--param", "researcher"],
            "argument --param: 'researcher' is not NAME=VALUE",
        ),
        ([""], "argument NAME_OR_FILE: an empty name (see --list for the saved queries)"),
    ],
)
def test_a_query_asked_wrongly_is_a_usage_error(
    argv: list[str], last: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 and the usage, as every other command's usage mistakes (before: exit 1 and
    `error: give a query file or saved query name, or --sparql TEXT (one of them)` or `--param
    'researcher': expected NAME=VALUE`; --list ran ignoring the query named beside it, and
    an empty name said `: is a directory`)."""
    config = str(write_config(tmp_path, []))
    with pytest.raises(SystemExit) as done:
        main(["query", *argv, "--config", config])
    assert done.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("usage: scholarkg query ")
    assert captured.err.splitlines()[-1] == f"scholarkg query: error: {last}"


@pytest.mark.parametrize(
    ("argv", "prog", "names"),
    [
        ([], "scholarkg", "run, profile, query, export, serve, arxiv, schedule, quarantine"),
        (["arxiv"], "scholarkg arxiv", "fetch, harvest, load-snapshot"),
        (["quarantine"], "scholarkg quarantine", "list, prune"),
    ],
)
def test_a_command_left_out_names_the_commands(
    argv: list[str], prog: str, names: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scholarkg` alone, as a new user first types it (before: `required: COMMAND`, no word
    of which commands there are)."""
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"{prog}: error: the following arguments are required: COMMAND (one of {names}; "
        f"{prog} --help says what each does)"
    )


@pytest.mark.parametrize(
    ("argv", "last"),
    [
        (
            ["--config", "c.toml", "query", "--list"],
            "scholarkg: error: --config is a command's option: give it after the command "
            "(scholarkg query --config …)",
        ),
        (
            ["--store=kg", "export"],
            "scholarkg: error: --store is a command's option: give it after the command "
            "(scholarkg export --store …)",
        ),
        (
            ["arxiv", "--json", "fetch", "2104.12255"],
            "scholarkg arxiv: error: --json is a command's option: give it after the command "
            "(scholarkg arxiv fetch --json …)",
        ),
        (
            ["-v"],
            "scholarkg: error: -v is a command's option: give it after the command "
            "(scholarkg COMMAND -v …)",
        ),
    ],
)
def test_a_commands_option_before_the_command_says_where_it_goes(
    argv: list[str], last: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: `scholarkg --config c.toml query` took c.toml for the command (`invalid choice:
    'c.toml'`), and `--store=kg export` was an unrecognized argument."""
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == last

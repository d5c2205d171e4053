"""Hostile operator inputs (session 34): config files, environment and command lines that
once ended in silent acceptance, a misleading line or exit 0 having shown nothing.

Each case runs the real CLI (in-process ``scholarkg.cli.main``, or a child process where the
stdout must be a real device) and asserts one line naming the thing, and the exit code."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from cli_lines import error_line
from conftest import write_config
from loopback import Scripted
from scholarkg.cli import main

COMMAND = [sys.executable, "-m", "scholarkg.cli"]


@pytest.mark.parametrize(
    ("sources", "why"),
    [
        ('["", "a.txt"]', "sources[0]: string should have at least 1 character, got ''"),
        ('["a.txt", "  "]', "sources[1] must not be only white space, got '  '"),
        ('"  "', "sources: an empty path; leave the key out for its default"),
    ],
)
def test_a_blank_profile_source_is_refused_naming_the_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sources: str, why: str
) -> None:
    """A blank entry of ``[profiles] sources``: exit 1 at the config read, one line naming the
    file, key and entry (never the config's own folder, read as a profile source)."""
    config = tmp_path / "blank.toml"
    config.write_text(f"[profiles]\nsources = {sources}\n", encoding="utf-8")
    assert main(["quarantine", "list", "--config", str(config)]) == 1
    assert error_line(capsys) == f"error: {config}:2: [profiles] {why}"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "argv",
    [["--help"], ["--version"], ["query", "--help"], ["export", "--help"], ["schedule", "-h"]],
)
def test_help_and_version_to_a_full_stdout_exit_1_with_one_line(argv: list[str]) -> None:
    """``scholarkg --help > /dev/full`` (or ``--version``, a command's ``--help``): exit 1 and
    one line naming stdout, as every other command's output (before: argparse dropped the
    write's error and the command exited 0 having shown nothing)."""
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run(
            [*COMMAND, *argv], stdout=full, stderr=subprocess.PIPE, text=True, timeout=300
        )
    assert (done.returncode, done.stderr.splitlines()) == (
        1,
        ["error: stdout: cannot write the output: No space left on device"],
    )


def test_help_and_version_still_print_and_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    """A stdout that takes them: ``--version`` prints the version, ``--help`` the usage, exit 0."""
    for argv, first in ((["--version"], "scholarkg "), (["--help"], "usage: scholarkg")):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 0
        assert capsys.readouterr().out.startswith(first)


def test_a_sparql_server_error_line_is_built_from_the_error_not_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SPARQL server answering 500 with its own words: ``scholarkg query`` says them in one
    line naming the endpoint (no query string), from the error it got, whatever the server's
    log line says (here: a log message of another format) and with nothing of that log shown
    (before: the line was taken from the ``scholarkg.serve.job_errors`` log record's
    argument)."""
    from scholarkg.serve import job_errors

    server = Scripted("text/plain", b"the dataset is being rebuilt", status="500 Oops")
    try:
        url = f"{server.url}/query"
        config = write_config(tmp_path, [], store={"kind": "sparql", "query_url": f"{url}?k=s"})
        warning = job_errors.log.warning

        def reworded(message: str, *args: object) -> None:  # another format, other arguments
            warning("store failure (%d chars)", len(str(args)))

        monkeypatch.setattr(job_errors.log, "warning", reworded)
        assert main(["query", "papers-per-year", "--config", str(config)]) == 1
    finally:
        server.close()
    line = error_line(capsys)
    assert line == (
        f"error: the store could not answer: {url}: SPARQL query: HTTP 500 Oops: "
        "the dataset is being rebuilt"
    )
    assert not logging.getLogger(job_errors.__name__).disabled  # left as it was


CONTROL = (
    "a path holding a line break or other control character, which no one-line message can show"
)


@pytest.mark.parametrize(
    ("table", "line", "named", "value"),
    [
        ("data", 'dir = "da\\nta"', "[data] dir", "da\\nta"),
        ("profiles", 'sources = ["a\\rb.txt"]', "[profiles] sources", "a\\rb.txt"),
        ("store", 'path = "st\\tore"', "[store] path", "st\\tore"),
    ],
)
def test_a_path_with_a_control_character_is_refused_naming_the_key(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,
    line: str,
    named: str,
    value: str,
) -> None:
    """A config path holding a line break (or a tab, a carriage return): exit 1, one line
    naming the file and key (before: taken as it is; ``quarantine list`` printed a folder name
    broken over two lines, and a run would have made that folder)."""
    config = tmp_path / "odd.toml"
    config.write_text(f"[{table}]\n{line}\n", encoding="utf-8")
    assert main(["quarantine", "list", "--config", str(config)]) == 1
    assert error_line(capsys) == f"error: {config}:2: {named}: '{value}': {CONTROL}"
    assert not any(tmp_path.glob("da*")) and not any(tmp_path.glob("st*"))


def test_a_variable_path_with_a_line_break_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``SCHOLARKG_DATA__DIR`` holding a line break: one line naming the variable."""
    monkeypatch.setenv("SCHOLARKG_DATA__DIR", f"{tmp_path}/a\nb")
    assert main(["quarantine", "list"]) == 1
    assert error_line(capsys) == (
        f"error: environment SCHOLARKG_DATA__DIR: [data] dir: '{tmp_path}/a\\nb': {CONTROL}"
    )


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("SCHOLARKG_SERVE_WORKERS", "SCHOLARKG_SERVE__WORKERS"),
        ("scholarkg_data_dir", "SCHOLARKG_DATA__DIR"),
        ("SCHOLARKG_ARXIV_HARVEST_SETS", "SCHOLARKG_ARXIV__HARVEST_SETS"),
    ],
)
def test_a_variable_with_one_underscore_for_two_is_refused_naming_both(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str, meant: str
) -> None:
    """A key's variable written with one underscore between section and key: exit 1, one line
    naming it and the variable meant (before: ignored without a word, so ``workers`` stayed at
    its default); the names kept from earlier versions (``SCHOLARKG_STORE``) still work."""
    monkeypatch.setenv(name, "3")
    assert main(["quarantine", "list"]) == 1
    assert error_line(capsys) == (
        f"error: environment {name}: not read: the variable of that key is {meant} (two "
        "underscores between section and key)"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["quarantine", "list", "--config", "a\nb.toml"],
        ["query", "--list", "--store", "st\nore"],
    ],
)
def test_a_command_line_path_with_a_line_break_is_refused_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    """``--config`` or ``--store`` holding a line break: exit 1, one line naming the option
    (before: an error line broken in two at the path, "no store here yet" or "not found")."""
    monkeypatch.chdir(tmp_path)
    option, value = argv[-2:]
    assert main(argv) == 1
    assert error_line(capsys) == f"error: {option} {value!r}: {CONTROL}"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["export", "--graph", ""], "argument --graph: an empty graph IRI"),
        (["export", "--graph", "< >"], "argument --graph: an empty graph IRI"),
        (["export", "--graph", "a\nb"], "argument --graph: 'a\\nb' is not an absolute IRI"),
        (["export", "--graph", "\x1b[2Jx:y"], "argument --graph: '\\x1b[2Jx:y' is not an absolute"),
        (
            ["export", "--graph", "x:a> <x:b"],
            "argument --graph: 'x:a> <x:b' is not an absolute IRI",
        ),
        (["arxiv", "fetch", "2104.12255", " "], "argument ID: an empty arXiv id"),
    ],
)
def test_an_empty_graph_or_arxiv_id_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    """``export --graph ""`` and ``arxiv fetch ""`` (an unset shell variable): exit 2 before
    any config or store is read (before: "graph <> is not in the store", as if one were named;
    a whole arXiv run that reported one failed id, ``failed: : not an arXiv identifier``). A
    graph that is no IRI, a line break or ESC in it, is named escaped (before: "graph <a",
    then "b> is not in the store", the ESC sent raw to the terminal)."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert said in err.splitlines()[-1] and "\x1b" not in err


def test_a_dump_format_listed_twice_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``[publish] dumps = ["nq", "ttl", "nq"]``: exit 1, one line naming the file, key and
    format (before: accepted, and each publication wrote the N-Quads dump twice and described
    it twice)."""
    config = tmp_path / "twice.toml"
    config.write_text('[publish]\ndumps = ["nq", "ttl", "nq"]\n', encoding="utf-8")
    assert main(["quarantine", "list", "--config", str(config)]) == 1
    assert error_line(capsys) == (
        f"error: {config}:2: [publish] dumps: lists nq more than once, got ['nq', 'ttl', 'nq']"
    )

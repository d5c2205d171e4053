"""Every command explains itself: a description, help on every option, defaults shown; and the
parser is built without the heavy libraries."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config
from scholarkg.cli import build_parser, main


def command_parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every (sub)command with its parser, the top-level one first."""
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += command_parsers(sub, (*path, name))
    return found


COMMANDS = command_parsers(build_parser())


def test_the_walk_finds_every_command() -> None:
    paths = {" ".join(path) for path, _ in COMMANDS}
    assert {"run", "profile parse", "arxiv load-snapshot", "schedule serve", "query"} <= paths
    assert len(paths) == 17  # quarantine, quarantine list, quarantine prune


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "top")
def test_help_describes_the_command_and_every_option(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([*path, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    usage, _, rest = text.partition("\n\n")
    assert usage.startswith(f"usage: scholarkg {' '.join(path)}".rstrip())
    description = rest.split("\n\n")[0]
    assert len(description.split()) >= 8, f"{path}: no description:\n{text}"
    parser = dict(COMMANDS)[path]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        name = "/".join(action.option_strings) or str(action.metavar or action.dest)
        if isinstance(action, argparse._SubParsersAction):
            assert all(a.help for a in action._choices_actions), f"{path}: a subcommand lacks help"
            continue
        assert action.help and len(action.help.split()) >= 3, f"{path} {name}: no help"
        takes_value = action.option_strings and action.nargs != 0
        if takes_value:  # what happens when it is left out
            shown = parser.formatter_class(prog="scholarkg")._get_help_string(action)
            assert shown is not None and "(default: " in shown, f"{path} {name}: no default"


def test_store_is_described_per_store_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "the store's directory when [store] kind is oxigraph (embedded Oxigraph) or files" in (
        text
    )
    assert "SPARQL server (kind sparql) is reached through the [store] URLs" in text
    assert "(default: [store] path, or $SCHOLARKG_STORE)" in text


def test_store_for_a_sparql_server_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(
        tmp_path, [], store={"kind": "sparql", "query_url": "http://127.0.0.1:9/query"}
    )
    code = main(["query", "papers-per-year", "--config", str(config), "--store", "somewhere"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: --store somewhere: the configured store is a SPARQL server")
    assert err.count("\n") == 1


def test_the_parser_and_help_import_neither_rdflib_nor_prefect() -> None:
    probe = (
        "import sys\n"
        "from scholarkg.cli import build_parser\n"
        "build_parser().format_help()\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} "
        "& {'rdflib', 'pyoxigraph', 'prefect', 'pyshacl', 'requests', 'lxml'})\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "", done.stdout


def test_format_names_match_the_formats() -> None:
    from scholarkg.export import FORMATS as DUMPS
    from scholarkg.formats import DUMP_FORMATS, QUERY_FORMATS
    from scholarkg.query_results import FORMATS

    assert tuple(DUMPS) == DUMP_FORMATS and FORMATS == QUERY_FORMATS

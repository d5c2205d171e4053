"""What every command shares: the help layout, the ``--config``/``--store`` options, loading the
configuration they name, and printing a run report.

Nothing here imports the RDF libraries or Prefect: ``scholarkg --help`` stays fast, and each
command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from scholarkg.config import Config
    from scholarkg.config.overrides import Override
    from scholarkg.runs.report import RunReport

# what `add_subparsers` returns (generic for type checkers only, hence the string)
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

CONFIG_HELP = (
    "a TOML file overlaid on the defaults (config/default.toml); relative paths in it are "
    "read from its folder (default: none, the defaults alone)"
)
SET_HELP = (
    "one key of the configuration, over --config and the environment (repeatable, the last "
    'of a key wins); VALUE is read as TOML (500, false, ["cs"]), else as text: '
    "--set store.segment_quads=500000 (default: none: the file and the environment alone)"
)
CONFIG_SET_HELP = "the same as --set, the spelling every command takes (default: none)"
HARVEST_CONFIG_SET_HELP = (
    "one key of the configuration (--set elsewhere; here --set is an OAI set), over --config "
    "and the environment (repeatable, the last of a key wins); VALUE is read as TOML (500, "
    'false, ["cs"]), else as text: --config-set arxiv.min_interval=5 (default: none: the '
    "file and the environment alone)"
)
STORE_HELP = (
    "the store's directory when [store] kind is oxigraph (embedded Oxigraph) or files (the "
    "file sink); a SPARQL server (kind sparql) is reached through the [store] URLs instead, "
    "and --store is refused (default: [store] path, or $SCHOLARKG_STORE)"
)


def describe(text: str) -> str:
    """A command description: paragraphs (separated by blank lines) wrapped to 78 columns;
    a paragraph with indented lines (examples) is kept as written."""
    blocks = textwrap.dedent(text).strip().split("\n\n")
    return "\n\n".join(
        block if "\n " in block else textwrap.fill(" ".join(block.split()), 78) for block in blocks
    )


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions as :func:`describe` laid them out; option help with its default.

    An option whose help does not say its default itself gets ``(default: VALUE)`` appended
    when it has one (flags and options without a value to show say it in their own words)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        if text is None or "(default:" in text or action.default in (None, False, True):
            return text
        if action.default is argparse.SUPPRESS or not action.option_strings:
            return text
        return f"{text} (default: %(default)s)"


def add_command(
    commands: Commands, name: str, summary: str, description: str
) -> argparse.ArgumentParser:
    """A (sub)command with its one-line ``summary`` (in its parent's list) and its
    ``description`` (at the top of its own ``--help``)."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=describe(description), formatter_class=HelpFormatter
    )
    return parser


def positive_count(value: str) -> int:
    """An argparse type: a whole number of at least 1 (a usage error otherwise)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} is not at least 1")
    return number


def set_name(value: str) -> str:
    """An argparse type: an OAI set's name, never empty (``--set ""``, say from an unset shell
    variable, would harvest every set) and an OAI-PMH set spec (before: any other text was
    sent, and written as typed into the run's lines) — a usage error otherwise."""
    from scholarkg.config.fields import oai_set_problem

    if not value.strip():
        raise argparse.ArgumentTypeError(
            "an empty set name (leave --set out for [arxiv] harvest_sets)"
        )
    if (problem := oai_set_problem(value.strip())) is not None:
        raise argparse.ArgumentTypeError(problem)
    return value.strip()


def arxiv_id(value: str) -> str:
    """An argparse type: an arXiv id as given, never empty (``fetch ""``, say from an unset
    shell variable, ran a whole run to report one failed id) — a usage error otherwise."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty arXiv id")
    return value


def iso_date(value: str) -> str:
    """An argparse type: a calendar date, YYYY-MM-DD (a usage error otherwise), by the check
    the library's ``harvest(from_date=...)`` makes too."""
    from scholarkg.errors import ConfigError
    from scholarkg.extract.oai_pmh import oai_date

    try:
        return oai_date(value, name="") or value
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _named(what: str) -> Callable[[str], str]:
    """An argparse type for a path option that may not be empty (an unset variable, say:
    never the defaults, never the working directory) — a usage error naming ``what`` is
    missing (before: exit 1 after parsing, the same line without the usage)."""

    def path(value: str) -> str:
        if not value.strip():
            raise argparse.ArgumentTypeError(f"no {what} given (an empty path)")
        return value

    return path


def setting_override(option: str) -> Callable[[str], Override]:
    """An argparse type for ``option`` (``--set``, ``--config-set``): ``SECTION.KEY=VALUE``, a
    key of the configuration and a value it takes
    (:func:`scholarkg.config.overrides.parse_override`), kept with ``option`` so a load-time
    error names the spelling typed — a usage error otherwise."""

    def override(value: str) -> Override:
        from scholarkg.config.overrides import parse_override
        from scholarkg.errors import ConfigError

        try:
            return parse_override(value, option)
        except ConfigError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return override


def settings(args: argparse.Namespace) -> list[str]:
    """The ``--set`` / ``--config-set`` values as typed, in order: a flow's ``settings``."""
    return [override.given for override in getattr(args, "overrides", None) or ()]


def add_config_option(parser: argparse.ArgumentParser, *, overrides: bool = True) -> None:
    """``--config`` and ``--config-set``, and, unless ``overrides`` is false, ``--set`` (its
    other spelling; ``arxiv harvest``'s ``--set`` is an OAI set)."""
    parser.add_argument("--config", metavar="PATH", type=_named("file"), help=CONFIG_HELP)
    if overrides:
        parser.add_argument(
            "--set",
            metavar="SECTION.KEY=VALUE",
            dest="overrides",
            action="append",
            type=setting_override("--set"),
            help=SET_HELP,
        )
    parser.add_argument(
        "--config-set",
        metavar="SECTION.KEY=VALUE",
        dest="overrides",
        action="append",
        type=setting_override("--config-set"),
        help=CONFIG_SET_HELP if overrides else HARVEST_CONFIG_SET_HELP,
    )


def add_store_options(parser: argparse.ArgumentParser, *, overrides: bool = True) -> None:
    """``--config``, ``--config-set``, ``--set`` (unless ``overrides`` is false) and
    ``--store``."""
    add_config_option(parser, overrides=overrides)
    parser.add_argument("--store", metavar="DIR", type=_named("directory"), help=STORE_HELP)


def load(args: argparse.Namespace, *, read_only: bool = False) -> Config:
    """The configuration ``--config`` names, with the ``--store`` directory when given;
    ``read_only`` for a command that writes no record (a path that is not UTF-8 text is
    refused only where it is opened)."""
    from scholarkg.config import load_config
    from scholarkg.config.locating import paths_kept
    from scholarkg.errors import ConfigError
    from scholarkg.locations import (
        NOT_UTF8,
        file_url_path,
        is_http_url,
        not_utf8,
        shown_path,
        url_problem,
    )

    if args.config is not None and not_utf8(args.config) and not read_only:  # a run hands it
        raise ConfigError(f"--config {shown_path(args.config)}: {NOT_UTF8}")  # to Prefect
    # a leading ~ is the home directory, as in the config's paths (--config=~/c.toml: the
    # shell leaves it as it is)
    mine = None if args.config is None else Path(_expanded("--config", args.config))
    with paths_kept() if read_only else contextlib.nullcontext():
        config = load_config(mine, getattr(args, "overrides", None) or ())
    store = getattr(args, "store", None)
    if store is None:
        return config
    if config.store.kind == "sparql":
        raise ConfigError(
            f"--store {store}: the configured store is a SPARQL server ([store] kind = "
            "'sparql'), reached through [store] query_url / update_url / store_url, not a "
            "directory; leave --store out or use a config with kind 'oxigraph' or 'files'"
        )
    if is_http_url(store) or (url_problem(store) and not not_utf8(store)):  # ftp://, s3://…
        raise ConfigError(  # before: a folder named ftp: in the working directory
            f"--store {store}: a URL; --store names a directory, as a path or a file: URL (a "
            "SPARQL server is [store] kind = 'sparql' with its URLs)"
        )
    try:  # a file: URL names its directory, as in the config's paths
        named = file_url_path(store)
    except ValueError as exc:
        raise ConfigError(f"--store {store}: {exc}") from None
    return config.with_store_path(Path(_expanded("--store", named or store)))


def _expanded(option: str, path: str) -> str:
    """``path`` with its leading ``~`` expanded; a :class:`ConfigError` naming ``option`` when
    it names no home directory."""
    from scholarkg.config.locating import CONTROL
    from scholarkg.errors import ConfigError
    from scholarkg.locations import home_expanded

    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):  # before: an error line broken in two
        raise ConfigError(f"{option} {path!r}: {CONTROL}")
    try:
        return home_expanded(path)
    except ValueError as exc:
        raise ConfigError(f"{option} {path}: {exc}") from None


def print_report(report: RunReport, title: str) -> int:
    """The run's summary on stdout (after a blank line); 0 when it succeeded (ok or degraded),
    else 1."""
    print("\n".join(["", title, *report.summary_lines()]))
    return 0 if report.succeeded else 1


def json_default(value: object) -> object:
    """``json.dumps`` ``default=``: dates and times as ISO 8601."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")

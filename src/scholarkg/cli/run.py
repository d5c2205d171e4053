"""``scholarkg run``: the ``build_kg`` Prefect flow over the configured profiles.

It prints what it is about to do (two lines on stderr), then one summary and, when the run
changed the graph, the ``[report] summary_query`` table. Prefect's own log lines are shown with
``-v`` only (they always reach the Prefect API, so its UI shows them).
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scholarkg.cli import prefect_output
from scholarkg.cli.common import (
    Commands,
    add_command,
    add_store_options,
    load,
    print_report,
    settings,
)
from scholarkg.files import absolute

if TYPE_CHECKING:
    from scholarkg.config import Config
    from scholarkg.query import SavedQuery

STORE_KINDS = {"oxigraph": "embedded Oxigraph store", "files": "file sink", "sparql": "SPARQL"}


def register(commands: Commands) -> None:
    run = add_command(
        commands,
        "run",
        "build the graph from the configured profiles (the build_kg flow)",
        """
        Build the knowledge graph: fetch the configured profile pages ([profiles] sources,
        plus any --profile), resolve their papers to arXiv (records in the store first, then
        the arXiv API, when [arxiv] enabled), decide who is who, validate every graph with
        SHACL and load the changed ones, then publish the dumps and the VoID description.

        Prints two progress lines, one summary and, when something changed, the result of
        the [report] summary_query. Without PREFECT_API_URL the run starts a temporary local
        Prefect API of its own; with it, the run and its logs appear in that server's UI.
        Exit 1 when the run failed or left something out (outcome failed or partial); a
        degraded run (arXiv unreachable, the profiles loaded without it) exits 0; a run
        stopped by Ctrl-C (SIGINT) or SIGTERM exits 130 or 143.
        """,
    )
    run.add_argument(
        "--profile",
        action="append",
        metavar="PATH_OR_URL",
        type=_location,
        help="an extra profile page to build, besides [profiles] sources; repeatable "
        "(default: none)",
    )
    run.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show Prefect's log lines as well (they are in the Prefect UI either way)",
    )
    add_store_options(run)
    run.set_defaults(handler=build_graph, stoppable="once")  # a flow run


def _location(value: str) -> str:
    """An argparse type: a profile given on the command line, a URL as it is, a path (a
    ``file:`` URL's too) made absolute, as [profiles] sources are; an empty one (an unset
    variable: the working directory), a ``file:`` URL naming no file here, or a path to no
    readable file is a usage error."""
    from scholarkg.errors import ExtractError
    from scholarkg.extract.profiles import archived_as, is_url

    if not value.strip():
        raise argparse.ArgumentTypeError(
            "an empty location (leave --profile out to build [profiles] sources alone)"
        )
    try:
        source = archived_as(value)
    except ExtractError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    problem = None if is_url(source) else _no_page_file(source)
    if problem:
        raise argparse.ArgumentTypeError(f"{source}: {problem}")
    return source


def _no_page_file(path: str) -> str | None:
    """What keeps the file at ``path`` from being read as a page, checked before anything runs
    (before: every configured profile was built first, then this one failed): none there (a
    symbolic link to nothing, a loop), a directory, a named pipe, or one this user cannot
    read."""
    from scholarkg.extract.profiles import NAMED_PIPE

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return exc.strerror or str(exc)
    if stat.S_ISDIR(mode):
        return "a directory, not a file"
    if stat.S_ISFIFO(mode):
        return NAMED_PIPE
    if not os.access(path, os.R_OK):
        return "not readable (Permission denied)"
    return None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _where(config: Config) -> str:
    kind = STORE_KINDS.get(config.store.kind, config.store.kind)
    if config.store.kind == "sparql":
        return f"the {kind} server at {config.store.query_url}"
    return f"the {kind} at {_shown(config.store.path)}"


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is under it."""
    try:
        return str(absolute(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def build_graph(args: argparse.Namespace) -> int:
    with prefect_output.configured(args.verbose):  # the environment as found afterwards
        return _build_graph(args)


def _build_graph(args: argparse.Namespace) -> int:
    config = load(args)  # fail fast on a bad config, before Prefect starts
    summary = _summary_query(config)  # and on a summary query it could not show at the end
    if config.store.kind in ("oxigraph", "files"):  # and on a store path that cannot be one
        from scholarkg.store.location import check_store_path

        check_store_path(config.store.path)
    if config.store.kind == "oxigraph":  # and on a store directory that holds another's
        from scholarkg.store.foreign import check_not_foreign

        check_not_foreign(config.store.path)
    from scholarkg.runs.server_store import asked_for_the_next_run

    # and on a server it cannot write, before naming it; the flow's run does not ask again
    with asked_for_the_next_run(config):
        return _start(args, config, summary)


def _start(args: argparse.Namespace, config: Config, summary: SavedQuery) -> int:
    """The data directory checked (made if missing), what the run is about to do said, the
    flow run, then its summary."""
    from scholarkg.runs.lock import check_data_dir

    check_data_dir(config.data_dir)  # and on a data directory it cannot write (made if missing)
    extra = list(args.profile or [])
    sources = list(dict.fromkeys([*config.profiles, *extra]))
    arxiv = "on" if config.arxiv.enabled else "off ([arxiv] enabled = false)"
    _say(
        f"scholarkg run: {_plural(len(sources), 'profile')} into {_where(config)}; "
        f"arXiv enrichment {arxiv}"
    )
    api = os.environ.get("PREFECT_API_URL")
    _say(
        f"Prefect: reporting to {api}"
        if api
        else "Prefect: starting a temporary local API for this run "
        "(set PREFECT_API_URL to follow runs in a Prefect UI)"
    )
    from prefect.exceptions import TerminationSignal  # Prefect is imported only for runs
    from scholarkg_flows.build_kg import build_kg
    from scholarkg_flows.temporary_api import temporary_prefect_api

    from scholarkg.errors import RunEnded, ScholarKGError
    from scholarkg.lifecycle import Interrupted
    from scholarkg.runs.report import RunReport

    with temporary_prefect_api():
        try:
            state = build_kg(
                config_path=args.config,
                profiles=extra,
                store_path=str(config.store.path),
                settings=settings(args),
                return_state=True,
            )
        except TerminationSignal:  # a signal while Prefect's engine, not the flow's body, ran
            raise Interrupted("stop requested") from None  # one line (before: a traceback)
    result = state.result(raise_on_failure=False)  # a stopped or failed run's holds its report
    if isinstance(result, ScholarKGError) and not isinstance(result, RunEnded):
        raise result  # the flow refused on it: its own line (before: 'the build_kg flow run
        # ended Failed: …' around it)
    report = result.report if isinstance(result, RunEnded) else result
    if not isinstance(report, RunReport):
        raise ScholarKGError(f"the build_kg flow run ended {state.name}: {report}")
    code = print_report(report, "scholarkg run summary")
    if report.changed_anything and report.store_error is None:
        _print_summary_query(config, summary)
    return code


def _summary_query(config: Config) -> SavedQuery:
    """The ``[report] summary_query``, checked before the run: a saved query that needs no
    parameter (else a :class:`ConfigError` naming the key)."""
    from scholarkg.errors import ConfigError, QueryError
    from scholarkg.query import resolve_query

    name = config.summary_query
    try:
        saved = resolve_query(name)
    except QueryError as exc:
        raise ConfigError(f"[report] summary_query: {exc}") from None
    required = [p.name for p in saved.parameters if not p.optional]
    if required:
        raise ConfigError(
            f"[report] summary_query: {name} needs parameter(s) {', '.join(required)}; "
            "name a query that needs none"
        )
    return saved


def _print_summary_query(config: Config, saved: SavedQuery) -> None:
    from contextlib import closing

    from scholarkg.query_results import format_result, run_select

    with closing(config.store.open(read_only=True)) as store:
        result = run_select(store, saved.text)
    print(f"\n{saved.name}: {saved.description}")
    print(format_result(result, "table"))

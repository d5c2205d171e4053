"""``scholarkg query``: a saved or ad-hoc SPARQL query, run in a worker with the [serve] limits
(its output: :mod:`.query_written`; its stop: :mod:`.query_stop`; its errors:
:mod:`.query_errors`)."""

from __future__ import annotations

import argparse
import contextlib
import math
from collections.abc import Sequence
from typing import Any, TextIO, cast

from scholarkg.cli.common import Commands, add_command, add_store_options, load
from scholarkg.formats import QUERY_FORMATS
from scholarkg.shown_text import shown_value


def register(commands: Commands) -> None:
    query = add_command(
        commands,
        "query",
        "run a saved or ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE)",
        """
        Run a saved query (by name, see --list) or a .rq file, or --sparql TEXT, over the
        union of the store's named graphs and print the result. The query runs in a worker
        process with the [serve] time and memory limits, as the endpoint runs it; the store is
        opened read-only.

        Examples:
          scholarkg query --list
          scholarkg query coauthors --param researcher="Léonard Hussenot"
          scholarkg query papers-per-year --format csv
        """,
    )
    # one of the three, a usage error otherwise (before: exit 1, no usage; --list ignored
    # NAME_OR_FILE and --sparql without a word)
    what = query.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "query",
        nargs="?",
        metavar="NAME_OR_FILE",
        type=_name,
        help="a saved query's name or a .rq file",
    )
    what.add_argument(
        "--sparql",
        metavar="TEXT",
        type=_sparql,
        help="SPARQL text to run instead of a saved query or file "
        "(default: none; give NAME_OR_FILE, --sparql or --list)",
    )
    query.add_argument(
        "--format",
        choices=QUERY_FORMATS,
        default="table",
        help="SELECT: table, csv, tsv, json; ASK: table, json; CONSTRUCT/DESCRIBE: table "
        "(Turtle), turtle, nt, json or jsonld (JSON-LD)",
    )
    query.add_argument(
        "--param",
        metavar="NAME=VALUE",
        type=_pair,
        action=_Params,
        help="bind the query's parameter ?NAME to VALUE; repeatable, one value per NAME "
        "(default: none bound; "
        "--list shows each query's parameters and which are required)",
    )
    what.add_argument(
        "--list", action="store_true", help="list the saved queries and their parameters"
    )
    add_store_options(query)
    query.set_defaults(handler=run_query)


def _name(value: str) -> str:
    """An argparse type: a saved query's name or a file, never empty (before: ``query ""``
    said ``: is a directory``, the working directory's)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty name (see --list for the saved queries)")
    return value


def _pair(value: str) -> str:
    """An argparse type: a ``NAME=VALUE`` pair (before: exit 1, after the config was read)."""
    if "=" not in value:
        raise argparse.ArgumentTypeError(f"{shown_value(value)} is not NAME=VALUE")
    return value


def _sparql(value: str) -> str:
    """An argparse type: SPARQL text holding more than white space and comments (before: exit
    1, after the config was read)."""
    from scholarkg.query import holds_query

    if not holds_query(value):
        raise argparse.ArgumentTypeError("no SPARQL query in the text")
    return value


class _Params(argparse.Action):
    """``--param``, repeatable, one value per name: a name given twice is a usage error (a
    parameter binds one value: the later would replace the earlier without a word; before:
    refused with exit 1, after the config was read)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        pairs: list[str] = [*(getattr(namespace, self.dest, None) or []), str(values)]
        seen: dict[str, str] = {}
        for name, value in (_split(pair) for pair in pairs):
            if name in seen:
                raise argparse.ArgumentError(
                    self,
                    f"{name} given twice ({shown_value(seen[name])}, {shown_value(value)}): a "
                    "parameter binds one value",
                )
            seen[name] = value
        setattr(namespace, self.dest, pairs)


def _split(pair: str) -> tuple[str, str]:
    """A ``NAME=VALUE`` pair (``_pair`` checked it) as its name and value."""
    name, _, value = pair.partition("=")
    return name.strip(), value


def _params(pairs: Sequence[str]) -> dict[str, str]:
    """``--param`` values by name (each name once: :class:`_Params` checked it)."""
    return dict(_split(pair) for pair in pairs)


def _list_saved() -> int:
    from scholarkg.query import saved_queries

    for saved in saved_queries():
        names = ", ".join(
            p.name
            + {"integer": " (whole number)", "iri": " (IRI)"}.get(p.kind, "")
            + (f" (one of {', '.join(p.choices)})" if p.choices else "")
            + ("" if p.optional else " (required)")
            for p in saved.parameters
        )
        print(f"{saved.name:28} {saved.description}")
        if names:
            print(f"{'':28} parameters: {names}")
    return 0


def run_query(args: argparse.Namespace) -> int:
    from scholarkg.cli.query_errors import (
        limit_named,
        server_log_quiet,
        store_said,
        syntax_error,
    )
    from scholarkg.cli.query_stop import run_stoppable
    from scholarkg.cli.query_written import Written
    from scholarkg.errors import QueryError
    from scholarkg.export import default_prefixes
    from scholarkg.lifecycle import STOP
    from scholarkg.query import bind_saved, check_parameters, resolve_query
    from scholarkg.query_binding import bind_parameters, check_text
    from scholarkg.query_output import BATCH_ROWS, write_answer
    from scholarkg.query_results import check_format
    from scholarkg.query_sink import DeadlineOutput, bounded_stdout
    from scholarkg.serve.guard import QueryLimits, scan_query
    from scholarkg.serve.job_errors import over_time
    from scholarkg.serve.jobs import QueryJob
    from scholarkg.serve.store_spec import StoreSpec
    from scholarkg.serve.workers import WorkerPool
    from scholarkg.store.reading import require_store

    config = load(args, read_only=True)  # a bad config is refused by every command, --list too
    if args.list:
        return _list_saved()
    params = _params(args.param or [])
    if args.sparql is not None:
        check_text(args.sparql, "--sparql")  # a query in it: _sparql checked that
        check_parameters(args.sparql, params)
        text, source = bind_parameters(args.sparql, params, source="--sparql"), "--sparql"
    else:
        saved = resolve_query(args.query)
        text, source = bind_saved(saved, params), str(saved.path)
    check_format(scan_query(text).form, args.format)  # before a query that may run long
    if config.store.kind == "oxigraph":  # the worker opens what readers open (a checkpoint);
        require_store(config.store.path)  # no store (yet) is said before a worker starts
    else:
        config.store.open(read_only=True).close()  # the settings are checked before a worker
    spec = StoreSpec.of_config(config.store)  # starts; every [store] setting reaches it
    # The same isolation as the server: a worker process with the [serve] limits.
    pool = WorkerPool(spec, QueryLimits.from_settings(config.serve), size=1, one_job=True)
    job = QueryJob(text, stream_rows=BATCH_ROWS)  # the worker sends rows as it reads them
    prefixes = default_prefixes(config.iri_base)

    # The time limit bounds the waits for stdout's reader too: one that never reads does not
    # hold the command (and its worker) past it. Its clock starts with the query's, once the
    # pool has taken its worker (before: earlier, so a command slow to get there, on a busy
    # machine, could end at the limit before any row).
    limit = pool.limits.time_limit
    try:
        out = bounded_stdout(math.inf, lambda: over_time(limit), STOP)
    except BaseException:  # stdout's reader already gone
        pool.close()
        raise

    def start_clock(started: float) -> None:
        if isinstance(out, DeadlineOutput):
            out.deadline = started + limit

    written = Written(out, args.format)

    def answer() -> None:  # each batch written as it comes: the command's memory stays flat
        with contextlib.closing(pool.stream(job, on_start=start_clock)) as messages:
            text = cast("TextIO", written)  # write() and flush() are all the writers call
            write_answer(written.count(messages), args.format, prefixes, text, written.row_end)
        written.flush()  # the rest, within the limit

    try:
        with server_log_quiet():
            run_stoppable(pool, answer)
    except QueryError as exc:
        said = store_said(limit_named(syntax_error(exc, source), config.serve), config.store)
        raise written.said(said) from None
    finally:
        pool.close()
    return 0

"""``scholarkg query``: a saved or ad-hoc SPARQL query, run in a worker with the [serve] limits."""

from __future__ import annotations

import argparse
import contextlib
import re
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TextIO, cast

from scholarkg.cli.common import Commands, add_command, add_store_options, load
from scholarkg.formats import QUERY_FORMATS

if TYPE_CHECKING:
    from scholarkg.config import ServeSettings
    from scholarkg.query_output import Message
    from scholarkg.query_sink import DeadlineOutput
    from scholarkg.serve.workers import WorkerPool

# How the store's parser (Oxigraph's) says a query does not parse: "error at LINE:COLUMN: …"
_PARSER_SAID = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


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
    query.add_argument(
        "query", nargs="?", metavar="NAME_OR_FILE", help="a saved query's name or a .rq file"
    )
    query.add_argument(
        "--sparql",
        metavar="TEXT",
        help="SPARQL text to run instead of a saved query or file "
        "(default: none; give NAME_OR_FILE or --sparql)",
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
        action="append",
        metavar="NAME=VALUE",
        help="bind the query's parameter ?NAME to VALUE; repeatable, one value per NAME "
        "(default: none bound; "
        "--list shows each query's parameters and which are required)",
    )
    query.add_argument(
        "--list", action="store_true", help="list the saved queries and their parameters"
    )
    add_store_options(query)
    query.set_defaults(handler=run_query)


def _params(pairs: Sequence[str]) -> dict[str, str]:
    """``--param`` values by name; a name given twice is a :class:`QueryError` (a parameter
    binds one value: the later would replace the earlier without a word)."""
    from scholarkg.errors import QueryError

    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise QueryError(f"--param {pair!r}: expected NAME=VALUE")
        name = name.strip()
        if name in params:
            raise QueryError(
                f"--param {name} given twice ({params[name]!r}, {value!r}): a parameter binds "
                "one value"
            )
        params[name] = value
    return params


def _run_stoppable(pool: WorkerPool, work: Callable[[], None]) -> None:
    """``work()`` (the query's run in ``pool``) in a thread of its own, so that SIGTERM or
    SIGINT meanwhile closes the pool (its worker killed mid-query) and raises
    :class:`Interrupted` at once (before: SIGTERM ended the command and left the worker running
    the query, holding the caller's pipes; a Ctrl-C waited for the query to finish)."""
    import signal
    import threading

    from scholarkg.lifecycle import Interrupted, request_stop

    if threading.current_thread() is not threading.main_thread():  # no signals here
        work()
        return
    failed: list[BaseException] = []

    def answer() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the main thread
            failed.append(exc)

    def stop(signum: int, _frame: object) -> None:
        request_stop(signum)  # the exit code says which signal
        raise Interrupted("stop requested")

    worker = threading.Thread(target=answer, name="query", daemon=True)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        worker.start()
        while worker.is_alive():
            worker.join(1.0)  # a signal's handler runs here
    except Interrupted:
        pool.close()  # kills the worker the query runs in; its wait then ends
        worker.join(10)
        raise
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed:
        raise failed[0]


class Written:
    """The command's output, and how many rows (or N-Triples triples) of a streamed answer went
    out whole, to say that output a limit or failure cut short is incomplete and where."""

    def __init__(self, out: TextIO | DeadlineOutput, fmt: str) -> None:
        self.out, self.fmt = out, fmt
        self.what = "rows"
        self.counted = True  # whole rows (triples) are counted: not in Turtle or JSON-LD
        self.lines = False  # each line written is one item (N-Triples)
        self.handed = 0  # characters handed to an ``out`` that says nothing of what it sent
        self.whole = 0  # items known to have gone out whole
        self.ends: deque[int] = deque()  # where items handed but not known out end

    def _sent(self) -> int:
        return int(getattr(self.out, "sent", self.handed))

    def write(self, text: str) -> int:
        if not self.lines:
            return self._write(text)
        for line in text.splitlines(keepends=True):
            self._write(line)
            if line.endswith("\n"):
                self.row_end()
        return len(text)

    def _write(self, text: str) -> int:
        self.handed += len(text)
        return self.out.write(text)

    def row_end(self) -> None:
        """One row's (triple's) text has been handed on: it is out once the bytes to here are."""
        self.ends.append(int(getattr(self.out, "position", self.handed)))
        self._settle()

    def _settle(self) -> None:
        sent = self._sent()
        while self.ends and self.ends[0] <= sent:
            self.ends.popleft()
            self.whole += 1

    def flush(self) -> None:
        self.out.flush()

    def count(self, messages: Iterator[Message]) -> Iterator[Message]:
        from scholarkg.query_results import GRAPH_OUTPUT
        from scholarkg.serve.jobs import RowBatch, StreamHead

        for message in messages:
            if isinstance(message, StreamHead) and message.form == "triples":
                self.what = "triples"
                self.lines = self.counted = GRAPH_OUTPUT.get(self.fmt) == "nt"
            yield message  # the writer asks for the next one once this one is written
            if isinstance(message, RowBatch):
                self.out.flush()  # each batch out as it comes

    def said(self, exc: Exception) -> Exception:
        """``exc``, saying the output before it is incomplete when any of it went out (a table
        before its first rows' widths were known, or JSON-LD, written once every triple has
        come, had none), and how many rows went out whole (part of the next may follow them)."""
        from scholarkg.errors import QueryError

        sent = self._sent()
        if not sent or not isinstance(exc, QueryError):
            return exc
        self._settle()
        if not self.counted:
            return QueryError(
                f"{exc}; the output stops partway through its {self.what}: incomplete"
            )
        return QueryError(f"{exc}; the output stops after {self.whole} {self.what}: incomplete")


def _limit_named(exc: Exception, serve: ServeSettings) -> Exception:
    """``exc``, or for a ``[serve]`` limit that stopped the query (time, memory, result size)
    the same words naming the setting and its value, which the command's user may raise
    (before: "it ran longer than the time limit of 30 s", no setting named)."""
    from scholarkg.errors import QueryError, QueryLimitError

    if not isinstance(exc, QueryLimitError):
        return exc
    if exc.limit == "time":
        key = f"time_limit = {serve.time_limit:g}"
    elif exc.limit == "memory":
        key = f"memory_limit_mb = {serve.memory_limit_mb}"
    elif exc.status == 507:  # the result size
        key = f"max_result_mb = {serve.max_result_mb}"
    else:
        return exc
    return QueryError(f"{exc} ([serve] {key})")


def _syntax_error(exc: Exception, source: str) -> Exception:
    """``exc``, or for the store's parser refusing the query (``error at 3:1: expected …``) the
    same words naming ``source`` (the query's file, or ``--sparql``), its line and column."""
    from scholarkg.errors import QueryError

    said = _PARSER_SAID.match(str(exc))
    if type(exc) is not QueryError or said is None:
        return exc
    line, column, rest = said.groups()
    return QueryError(f"{source}: SPARQL syntax error at line {line}, column {column}: {rest}")


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
    from scholarkg.errors import QueryError
    from scholarkg.export import default_prefixes
    from scholarkg.lifecycle import STOP
    from scholarkg.query import bind_saved, check_parameters, holds_query, resolve_query
    from scholarkg.query_binding import bind_parameters, check_text
    from scholarkg.query_output import BATCH_ROWS, write_answer
    from scholarkg.query_results import check_format
    from scholarkg.query_sink import bounded_stdout
    from scholarkg.serve.guard import QueryLimits, scan_query
    from scholarkg.serve.job_errors import over_time
    from scholarkg.serve.jobs import QueryJob
    from scholarkg.serve.store_spec import StoreSpec
    from scholarkg.serve.workers import WorkerPool
    from scholarkg.store.reading import require_store

    config = load(args)  # a bad config is refused by every command, --list too
    if args.list:
        return _list_saved()
    if bool(args.sparql) == bool(args.query):
        raise QueryError("give a query file or saved query name, or --sparql TEXT (one of them)")
    params = _params(args.param or [])
    if args.sparql:
        if not holds_query(check_text(args.sparql, "--sparql")):
            raise QueryError("--sparql: no SPARQL query in the text")
        check_parameters(args.sparql, params)
        text, source = bind_parameters(args.sparql, params), "--sparql"
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
    # hold the command (and its worker) past it. The pool's own deadline starts a moment later.
    limit = pool.limits.time_limit
    try:
        out = bounded_stdout(time.monotonic() + limit, lambda: over_time(limit), STOP)
    except BaseException:  # stdout's reader already gone
        pool.close()
        raise
    written = Written(out, args.format)

    def answer() -> None:  # each batch written as it comes: the command's memory stays flat
        with contextlib.closing(pool.stream(job)) as messages:
            text = cast("TextIO", written)  # write() and flush() are all the writers call
            write_answer(written.count(messages), args.format, prefixes, text, written.row_end)
        written.flush()  # the rest, within the limit

    try:
        _run_stoppable(pool, answer)
    except QueryError as exc:
        raise written.said(_limit_named(_syntax_error(exc, source), config.serve)) from None
    finally:
        pool.close()
    return 0

"""scholarkg: build, validate and query a scholarly knowledge graph."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

from scholarkg import __version__
from scholarkg.clients import archive_for, http_client
from scholarkg.config import Config, load_config
from scholarkg.errors import ExtractError, QueryError, ScholarKGError
from scholarkg.export import FORMATS as EXPORT_FORMATS
from scholarkg.extract.profiles import fetch_profile, parse_archived_profile
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.lifecycle import STOP, Interrupted, request_stop
from scholarkg.models import ArxivRecord
from scholarkg.progress import Progress
from scholarkg.publish import export, publish
from scholarkg.query import (
    FORMATS,
    bind_parameters,
    bind_saved,
    check_parameters,
    format_outcome,
    format_result,
    resolve_query,
    run_select,
    saved_queries,
)
from scholarkg.runs.report import RunReport


def _config(args: argparse.Namespace) -> Config:
    config = load_config(Path(args.config) if args.config else None)
    return config.with_store_path(Path(args.store) if getattr(args, "store", None) else None)


def _json_default(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def cmd_profile_parse(args: argparse.Namespace) -> int:
    config = _config(args)
    with http_client(config) as http:
        archived = fetch_profile(args.location, archive_for(config), http, limits=config.limits)
    if archived is None:  # only possible for a conditional request, which this is not
        raise ExtractError(args.location, "server answered 304 to an unconditional request")
    profile = parse_archived_profile(archived, config.subject_codes, config.limits)
    for warning in profile.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for record in profile.quarantined:
        print(f"quarantined: {record.source}:{record.line}: {record.reason}", file=sys.stderr)
    if args.json:
        print(
            json.dumps(
                dataclasses.asdict(profile), default=_json_default, ensure_ascii=False, indent=1
            )
        )
    else:
        m = profile.metrics
        print(f"{profile.name} ({profile.subject_code} → {profile.category or 'unknown'})")
        print(
            f"h-index {m.h_index}, citations {m.citations}, papers {m.papers}, "
            f"novelty {m.novelty_percent}%, AI score {m.ai_score}"
        )
        print(f"{len(profile.papers)} papers read, {len(profile.quarantined)} quarantined")
        for paper in profile.papers:
            flag = " [code]" if paper.has_code else ""
            print(f"  {paper.date}  {paper.category or paper.subject_code:8} {paper.title}{flag}")
    return 1 if profile.quarantined else 0


def _print_summary_query(config: Config) -> None:
    saved = resolve_query(config.summary_query)
    with closing(config.store.open(read_only=True)) as store:
        result = run_select(store, saved.text)
    print(f"\n{saved.name}: {saved.description}")
    print(format_result(result, "table"))


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int], None]]:
    """Records read so far on stderr (a bar on a terminal, a line now and then on a pipe)."""
    shown = Progress(label, unit="records")
    try:
        yield shown.update
    finally:
        if shown.done:
            shown.close()


def _print_report(report: RunReport, title: str) -> int:
    print("\n".join(["", title, *report.summary_lines()]))
    return 0 if report.succeeded else 1


def _quiet_prefect(verbose: bool) -> None:
    """Prefect's own log lines only with ``-v`` (they are always in the Prefect UI)."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")


def cmd_run(args: argparse.Namespace) -> int:
    _quiet_prefect(args.verbose)
    config = _config(args)  # fail fast on a bad config, before Prefect starts
    from scholarkg_flows.build_kg import build_kg  # Prefect is imported only for runs
    from scholarkg_flows.temporary_api import temporary_prefect_api

    with temporary_prefect_api():
        state = build_kg(
            config_path=args.config,
            profiles=[_location(p) for p in args.profile or []],
            store_path=str(config.store.path),
            return_state=True,
        )
    report = state.result(raise_on_failure=False)
    if not isinstance(report, RunReport):
        raise ScholarKGError(f"the build_kg flow run ended {state.name}: {report}")
    code = _print_report(report, "scholarkg run summary")
    if report.changed_anything and report.store_error is None:
        _print_summary_query(config)
    return code


def _location(value: str) -> str:
    """A profile given on the command line: URLs as they are, paths made absolute."""
    return value if value.startswith(("http://", "https://")) else str(Path(value).resolve())


def _print_records(records: Sequence[ArxivRecord]) -> None:
    rows = [dataclasses.asdict(r) for r in records]
    print(json.dumps(rows, default=_json_default, ensure_ascii=False, indent=1))


def cmd_arxiv_fetch(args: argparse.Namespace) -> int:
    config = _config(args)
    if args.json:
        from scholarkg.clients import arxiv_api_client

        client = arxiv_api_client(config)
        try:
            result = client.fetch_by_ids(args.ids, batch_size=config.arxiv.batch_size)
        finally:
            client.http.close()
        _print_records(result.records)
        for arxiv_id in (*result.missing, *result.invalid):
            print(f"missing: {arxiv_id}", file=sys.stderr)
        return 1 if result.missing or result.invalid else 0
    from scholarkg.runs.arxiv_jobs import fetch_ids

    return _print_report(fetch_ids(config, list(args.ids)).report, "scholarkg arxiv fetch")


def cmd_arxiv_harvest(args: argparse.Namespace) -> int:
    config = _config(args)
    if args.json:  # a look only: no checkpoint, no watermark
        from scholarkg.clients import oai_client

        client = oai_client(config)
        try:
            pages = client.list_records(
                metadata_prefix=args.prefix, set_spec=args.set, from_date=args.from_date
            )
            _print_records([r for page in pages for r in page.arxiv_records])
        finally:
            client.http.close()
        return 0
    from scholarkg.runs.arxiv_jobs import harvest

    with _progress("harvest") as shown:
        ctx = harvest(config, args.set, args.prefix, args.from_date, progress=shown)
    return _print_report(ctx.report, "scholarkg arxiv harvest")


def cmd_arxiv_load_snapshot(args: argparse.Namespace) -> int:
    config = _config(args)
    if args.json:
        reader = read_snapshot(Path(args.file), config.limits)
        _print_records(list(reader))
        for bad in reader.quarantined:
            print(f"quarantined: {bad.source}:{bad.line}: {bad.reason}", file=sys.stderr)
        return 1 if reader.quarantined else 0
    from scholarkg.runs.arxiv_jobs import load_snapshot

    with _progress("load-snapshot") as shown:
        ctx = load_snapshot(
            config,
            Path(args.file),
            chunk_records=args.batch_size,
            bulk=args.loader == "bulk",
            force=args.force,
            progress=shown,
        )
    return _print_report(ctx.report, "scholarkg arxiv load-snapshot")


def cmd_export(args: argparse.Namespace) -> int:
    config = _config(args)
    if args.output is None and args.graph is None and args.format in config.publish.dumps:
        # the published dump: write it as a publication does, so the description's checksum
        # and size are those of the file now on disk
        with closing(config.store.open()) as store:
            publication = publish(store, config)
        [result] = [d for d in publication.dumps if d.fmt == args.format]
        print(f"described in {publication.description}")
    else:
        with closing(config.store.open(read_only=True)) as store:
            result = export(
                store,
                config,
                args.format,
                graph=args.graph,
                path=Path(args.output) if args.output else None,
            )
    unit = "quads" if args.format in ("nq", "trig") else "triples"
    print(f"wrote {result.path} ({result.triples_or_quads} {unit}, {result.byte_size} bytes)")
    print(f"sha256 {result.sha256} in {result.sha256_path}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from scholarkg.serve import run_server

    config = _config(args)
    settings = config.serve
    host = args.host if args.host is not None else settings.host
    port = args.port if args.port is not None else settings.port
    with closing(config.store.open(read_only=not args.allow_updates)) as store:
        run_server(
            store,
            host,
            port,
            config.iri_base,
            args.allow_updates,
            settings=settings,
            exports_dir=config.exports_dir,
        )
    return 0


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535)")
    return port


def cmd_schedule_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from scholarkg_flows.deployments import serve_schedules  # Prefect only for scheduling

    _config(args)  # fail fast on a bad config
    serve_schedules(args.config)  # blocks until Ctrl-C; pauses the schedules on exit
    return 0


def cmd_schedule_list(args: argparse.Namespace) -> int:
    from scholarkg_flows.deployments import list_schedules

    print("\n".join(list_schedules(_config(args))))
    return 0


def _params(pairs: Sequence[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise QueryError(f"--param {pair!r}: expected NAME=VALUE")
        params[name.strip()] = value
    return params


def cmd_query(args: argparse.Namespace) -> int:
    from scholarkg.export import default_prefixes
    from scholarkg.serve.guard import QueryLimits
    from scholarkg.serve.worker_process import QueryJob
    from scholarkg.serve.workers import WorkerPool, spec_for

    if args.list:
        for saved in saved_queries():
            names = ", ".join(
                p.name + ("" if p.optional else " (required)") for p in saved.parameters
            )
            print(f"{saved.name:28} {saved.description}")
            if names:
                print(f"{'':28} parameters: {names}")
        return 0
    if bool(args.sparql) == bool(args.query):
        raise QueryError("give a query file or saved query name, or --sparql TEXT (one of them)")
    params = _params(args.param or [])
    if args.sparql:
        check_parameters(args.sparql, params)
        text = bind_parameters(args.sparql, params)
    else:
        text = bind_saved(resolve_query(args.query), params)
    config = _config(args)
    with closing(config.store.open(read_only=True)) as store:
        spec = spec_for(store)
    # The same isolation as the server: a worker process with the [serve] limits.
    pool = WorkerPool(spec, QueryLimits.from_settings(config.serve), size=1)
    try:
        outcome = pool.run(QueryJob(text))
    finally:
        pool.close()
    print(format_outcome(outcome, args.format, default_prefixes(config.iri_base)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scholarkg", description=__doc__)
    parser.add_argument("--version", action="version", version=f"scholarkg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, store: bool = True) -> None:
        p.add_argument("--config", help="TOML config file overlaid on config/default.toml")
        if store:
            p.add_argument(
                "--store",
                help="the store's directory, for store kinds oxigraph and files "
                "(default: [store] path)",
            )

    profile = commands.add_parser("profile", help="work with researcher profile pages")
    profile_cmds = profile.add_subparsers(dest="profile_command", required=True)
    parse = profile_cmds.add_parser("parse", help="parse a profile page (file path or http(s) URL)")
    parse.add_argument("location", metavar="PATH_OR_URL")
    parse.add_argument("--json", action="store_true", help="print the parsed record as JSON")
    common(parse, store=False)
    parse.set_defaults(handler=cmd_profile_parse)

    run = commands.add_parser(
        "run",
        help="build the graph from the configured profiles (the build_kg flow)",
        description="Fetch the configured profile pages (plus any --profile), resolve their "
        "papers to arXiv (records in the store first, then the API), decide who is who, "
        "validate every graph with SHACL and load the changed ones; print a summary. Exit 1 "
        "when the run failed or left something out.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    run.add_argument(
        "--profile", action="append", metavar="PATH_OR_URL", help="an extra profile (repeatable)"
    )
    run.add_argument(
        "-v", "--verbose", action="store_true", help="show Prefect's log lines as well"
    )
    common(run)
    run.set_defaults(handler=cmd_run, stoppable=True)

    arxiv = commands.add_parser("arxiv", help="load arXiv records through one door at a time")
    arxiv_cmds = arxiv.add_subparsers(dest="arxiv_command", required=True)
    fetch = arxiv_cmds.add_parser("fetch", help="fetch records by arXiv id (API) and load them")
    fetch.add_argument("ids", nargs="+", metavar="ID", help="e.g. 2104.12255 quant-ph/0201082v1")
    harvest = arxiv_cmds.add_parser("harvest", help="harvest OAI-PMH ListRecords and load them")
    harvest.add_argument("--set", default="cs", help="OAI set, e.g. cs or physics:hep-ex")
    harvest.add_argument(
        "--from", dest="from_date", metavar="DATE", help="start date when no watermark is stored"
    )
    harvest.add_argument("--prefix", default="arXiv", choices=("arXiv", "oai_dc", "arXivRaw"))
    snapshot = arxiv_cmds.add_parser("load-snapshot", help="stream a snapshot file (JSON lines)")
    snapshot.add_argument("file", metavar="FILE", help="arxiv-metadata-oai-snapshot.json[.gz]")
    snapshot.add_argument("--batch-size", type=int, default=1000, help="records per batch (chunk)")
    snapshot.add_argument(
        "--loader",
        choices=("bulk", "transactional"),
        default="bulk",
        help="bulk: many graphs per store operation; transactional: one atomic step per graph",
    )
    snapshot.add_argument(
        "--force",
        action="store_true",
        help="read every chunk again (unchanged graphs still skipped)",
    )
    for sub, handler in (
        (fetch, cmd_arxiv_fetch),
        (harvest, cmd_arxiv_harvest),
        (snapshot, cmd_arxiv_load_snapshot),
    ):
        sub.add_argument("--json", action="store_true", help="print the records, do not load")
        common(sub)
        sub.set_defaults(handler=handler, stoppable=True)

    dump = commands.add_parser("export", help="write a dump of the store with its SHA-256")
    dump.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="nq")
    dump.add_argument("--graph", metavar="IRI", help="only this named graph")
    dump.add_argument("--output", metavar="PATH", help="file to write (default: data/exports/…)")
    common(dump)
    dump.set_defaults(handler=cmd_export)

    serve = commands.add_parser("serve", help="serve a read-only SPARQL endpoint and linked data")
    serve.add_argument("--host", help="interface to listen on (default: [serve] host)")
    serve.add_argument(
        "--port", type=_port, help="port, 0 picks a free one (default: [serve] port)"
    )
    serve.add_argument(
        "--allow-updates",
        action="store_true",
        help="accept SPARQL Update (opens the store read-write; no authentication)",
    )
    common(serve)
    serve.set_defaults(handler=cmd_serve)

    schedule = commands.add_parser("schedule", help="the deployments [schedules.*] declares")
    schedule_cmds = schedule.add_subparsers(dest="schedule_command", required=True)
    serve_schedules = schedule_cmds.add_parser(
        "serve", help="register and serve every configured schedule (needs a Prefect API)"
    )
    list_schedules = schedule_cmds.add_parser("list", help="list the configured schedules")
    for sub, handler in (
        (serve_schedules, cmd_schedule_serve),
        (list_schedules, cmd_schedule_list),
    ):
        sub.add_argument("--config", help="TOML config file (defaults: config/default.toml)")
        sub.set_defaults(handler=handler)

    query = commands.add_parser(
        "query",
        help="run a saved or ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) in a worker",
    )
    query.add_argument(
        "query", nargs="?", metavar="FILE_OR_NAME", help="a .rq file or a saved query name"
    )
    query.add_argument("--sparql", help="SPARQL text to run instead of a file")
    query.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="SELECT: table, csv, tsv, json; ASK: table, json; CONSTRUCT/DESCRIBE: table "
        "(Turtle), turtle, nt, json or jsonld (JSON-LD)",
    )
    query.add_argument(
        "--param", action="append", metavar="NAME=VALUE", help="bind ?NAME (repeatable)"
    )
    query.add_argument("--list", action="store_true", help="list the saved queries")
    common(query)
    query.set_defaults(handler=cmd_query)
    return parser


def _stop_on_signal(signum: int, _frame: object) -> None:
    """SIGTERM/SIGINT: ask the running job to stop at its next check (within seconds)."""
    if STOP.is_set():  # a second signal: stop now
        raise KeyboardInterrupt
    request_stop(signum)
    print(f"stopping ({signal.Signals(signum).name}): finishing the current step", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stoppable = getattr(args, "stoppable", False)  # jobs stop between steps on SIGTERM/SIGINT
    in_main_thread = threading.current_thread() is threading.main_thread()  # else: no signals
    signals = (signal.SIGTERM, signal.SIGINT) if stoppable and in_main_thread else ()
    previous = {s: signal.signal(s, _stop_on_signal) for s in signals}
    try:
        code: int = args.handler(args)
    except ScholarKGError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Interrupted:  # stopped before a job could take it over
        print("interrupted: stop requested", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

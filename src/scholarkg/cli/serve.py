"""``scholarkg serve``: the SPARQL endpoint, linked data and pages over HTTP."""

from __future__ import annotations

import argparse
from contextlib import closing

from scholarkg.cli.common import Commands, add_command, add_store_options, load


def register(commands: Commands) -> None:
    serve = add_command(
        commands,
        "serve",
        "serve a read-only SPARQL endpoint, linked data and entity pages",
        """
        Serve the store over HTTP until Ctrl-C: the SPARQL 1.1 endpoint (/sparql, every query
        in a worker process with the [serve] limits), a YASGUI query page, entity pages and
        search, dereferenceable IRIs (Turtle, JSON-LD, HTML), the VoID description and the
        dumps. Prints the URL it listens on first.
        """,
    )
    serve.add_argument(
        "--host", type=_host, help="the interface to listen on (default: [serve] host)"
    )
    serve.add_argument(
        "--port",
        type=_port,
        help="the port; 0 picks a free one (default: [serve] port)",
    )
    serve.add_argument(
        "--allow-updates",
        action="store_true",
        help=(
            "accept SPARQL Update on /update (no authentication); updates run one at a time in "
            "a worker process that holds the store read-write, under the query limits"
        ),
    )
    add_store_options(serve)
    serve.set_defaults(handler=serve_store)


def _host(value: str) -> str:
    """An argparse type: an interface, never empty (``--host "$HOST"`` of an unset variable:
    the server bound every interface, 0.0.0.0, where the default is loopback) — a usage error
    otherwise."""
    if not value.strip():
        raise argparse.ArgumentTypeError(
            "an empty host (leave --host out for [serve] host; 0.0.0.0 listens on every interface)"
        )
    return value.strip()


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535)")
    return port


def serve_store(args: argparse.Namespace) -> int:
    from scholarkg.errors import LoadError
    from scholarkg.load.manifest import store_state_dir
    from scholarkg.serve import run_server
    from scholarkg.serve.store_spec import StoreSpec
    from scholarkg.store.reading import require_store

    config = load(args)
    settings = config.serve
    host = args.host if args.host is not None else settings.host
    port = args.port if args.port is not None else settings.port

    def serve(store: object) -> None:
        run_server(
            store,
            host,
            port,
            config.iri_base,
            args.allow_updates,
            settings=settings,
            exports_dir=config.exports_dir,
            state_dir=store_state_dir(config),
            spec=StoreSpec.of_config(config.store),  # every [store] setting, in the workers too
        )

    if config.store.kind == "oxigraph":
        # Only its path is needed here: the query workers open what readers open (the last
        # run's checkpoint), the update worker the store itself; opening the store here would
        # read it beside a run that may be writing it.
        try:  # no store (yet) is said before a worker starts, as `query` says it
            require_store(config.store.path)
        except LoadError:
            if not args.allow_updates:
                raise
            # none yet, or not finished: made here, then left to the update worker. A store
            # that is there is not opened to write here: that would break its seal (see
            # scholarkg.serve.updates)
            config.store.open().close()
        serve(StoreSpec("oxigraph", str(config.store.path)))
        return 0
    with closing(config.store.open(read_only=not args.allow_updates)) as store:
        serve(store)
    return 0

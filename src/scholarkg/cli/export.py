"""``scholarkg export``: a dump of the store, with its SHA-256 (or streamed to stdout); the
publication's seal, mark and lock are in :mod:`.export_publication`, a dump into a pipe or
device in :mod:`.export_stream`."""

from __future__ import annotations

import argparse
import signal
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from scholarkg.cli.common import Commands, add_command, add_store_options, load
from scholarkg.formats import DUMP_FORMATS
from scholarkg.locations import home_expanded

if TYPE_CHECKING:
    from scholarkg.config import Config


def register(commands: Commands) -> None:
    dump = add_command(
        commands,
        "export",
        "write a dump of the store with its SHA-256",
        """
        Write the store as N-Quads or TriG (the named graphs kept) or as Turtle or JSON-LD
        (their union, or one graph with --graph), with <file>.sha256 beside it (sha256sum -c
        checks it), and print where, how many quads and the checksum. A format listed in
        [publish] dumps is written as a publication writes it, so the VoID description's
        checksum and size stay those of the file on disk: that dump leaves out the VoID graph
        (it is in data/void.ttl), and says so with its quads; --output PATH writes every graph.
        --output - streams the dump to
        stdout instead (no checksum file, nothing else printed). Other dumps read an embedded
        store as the last run left it (its checkpoint), never half written by a run in
        progress; the published dump is a publication, which opens the store to write (not
        while a run holds it: it waits as a second run does), checkpoints it for the server
        and, its graph names compared with the manifest, seals it for the next run. A dump
        written under [data] dir/exports waits for a run in progress too.
        """,
    )
    dump.add_argument("--format", choices=DUMP_FORMATS, default="nq", help="the dump's format")
    dump.add_argument(
        "--graph",
        metavar="IRI",
        type=graph_iri,
        help="only this named graph, bare or in angle brackets (default: every graph)",
    )
    dump.add_argument(
        "--output",
        metavar="PATH",
        type=output_path,
        help="the file to write (in a folder that exists), or - for stdout; never in the "
        "store's directory, its checkpoints or [data] dir/state (default: [data] "
        "dir/exports/scholarkg.<format>)",
    )
    add_store_options(dump)
    dump.set_defaults(handler=export_store, stoppable="quietly")  # it says what a stop left


def output_path(text: str) -> str:
    """An argparse type: where the dump goes, never empty (an unset variable: the dump went to
    [data] dir/exports outside a publication, taking the published dump's place)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "an empty path (leave --output out for [data] dir/exports, or give - for stdout)"
        )
    if text == "-":
        return text
    try:
        return home_expanded(text)  # ~: the home directory
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def graph_iri(text: str) -> str:
    """The graph's IRI as given bare or written ``<…>``, as N-Quads, SPARQL and the summary
    lines write it; an absolute IRI, or a usage error naming it escaped."""
    text = text.strip()
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    if not iri.strip():  # before: "graph <> is not in the store", as if one were named
        raise argparse.ArgumentTypeError("an empty graph IRI (leave --graph out for every graph)")
    import pyoxigraph as ox

    try:  # no store names a graph otherwise (before: its line break or ESC in the error line)
        ox.NamedNode(iri)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{iri!r} is not an absolute IRI") from None
    return iri


def export_store(args: argparse.Namespace) -> int:
    """``scholarkg export``; stopped (SIGTERM, SIGINT), one line on stderr says what was not
    written (before: the shared acknowledgement, then ``interrupted: stop requested``)."""
    from scholarkg.lifecycle import Interrupted, stopped_exit_code

    config = load(args)
    try:
        return _export_store(args, config)
    except (Interrupted, KeyboardInterrupt):  # KeyboardInterrupt: a second signal
        code = stopped_exit_code() or 128 + signal.SIGINT
        name = signal.Signals(code - 128).name
        print(f"interrupted ({name}): {_not_written(args, config)}", file=sys.stderr)
        return code


def _not_written(args: argparse.Namespace, config: Config) -> str:
    """What a stopped export did not write, for its one line."""
    from scholarkg.export import default_filename, not_regular

    if args.output == "-":
        return "the dump on stdout is cut short, not whole"
    if args.output and not_regular(Path(args.output)) in ("a pipe", "a device"):
        return f"{args.output} got part of the dump at most"
    if args.output is None and args.graph is None and args.format in config.publish.dumps:
        return (
            f"the publication in {config.exports_dir} not finished "
            "(the next run or export publishes it again)"
        )
    target = args.output or config.exports_dir / default_filename(args.format, args.graph)
    return f"{target} not written (a file there before is left as it was)"


def _due_again(config: Config, lost: list[str]) -> None:
    """The publication found ``lost`` gone from the store: their persons are due again in the
    store's identity registry (as a run's close does), and a warning line says so (before: an
    export dropped them from the manifest unsaid, and no later run wrote them again). A registry
    another process holds locked is one ExportError naming it (before: at its opening, sqlite3's
    bare error, a traceback)."""
    from scholarkg.iris import Minter
    from scholarkg.runs.lost_graphs import persons_due_again_at
    from scholarkg.runs.state_paths import registry_path

    warning = persons_due_again_at(registry_path(config), Minter(config.iri_base), lost)
    print(f"warning: {warning}")


def _default_target(args: argparse.Namespace, config: Config, publishing: bool) -> Path | None:
    """The dump an export without ``--output`` writes in ``[data] dir/exports`` through a
    symlink there, as ``--output``'s is: the one asked for, outside a publication (whose
    files replace a link at their places, never write through it)."""
    from scholarkg.export import default_filename

    if args.output is not None or publishing:
        return None
    return config.exports_dir / default_filename(args.format, args.graph)


def _export_store(args: argparse.Namespace, config: Config) -> int:
    from scholarkg.cli.export_publication import (
        check_folder,
        into_exports,
        marked_unpublished,
        sealed_again,
    )
    from scholarkg.cli.export_stream import stream_into
    from scholarkg.errors import LoadError
    from scholarkg.export import default_prefixes, not_regular, write_dump
    from scholarkg.export_places import refuse_among_kept_files
    from scholarkg.publish import export, publish
    from scholarkg.runs.lock import RunLock
    from scholarkg.store import served
    from scholarkg.store.embedded import EmbeddedStore
    from scholarkg.store.reading import NO_STORE, require_store

    # opening it to publish would make (or finish making) an empty store, whose empty dump and
    # description would replace the published ones of the data directory
    if config.store.kind == "oxigraph":
        require_store(config.store.path)
    elif config.store.kind == "files" and not config.store.path.exists():
        raise LoadError(f"{config.store.path}: {NO_STORE} (run `scholarkg run` first)")
    if args.output == "-":
        with closing(config.store.open_published()) as store:
            prefixes = default_prefixes(config.iri_base)
            write_dump(store, sys.stdout.buffer, args.format, args.graph, prefixes=prefixes)
        sys.stdout.buffer.flush()
        return 0
    if args.output and not_regular(Path(args.output)) in ("a pipe", "a device"):
        return stream_into(args, config, Path(args.output))
    described = config.data_dir / "void.ttl"
    publishing = args.output is None and args.graph is None and args.format in config.publish.dumps
    # a dump in [data] dir/exports that is a symlink is written through, as --output's is: one
    # into the store's directory or the state is refused as --output's (before: a link
    # scholarkg.ttl -> the store's CURRENT had the dump replace it, the store broken)
    target = _default_target(args, config, publishing)
    if target is not None:
        refuse_among_kept_files(target, config)
    if publishing:
        # the published dump: write it as a publication does, so the description's checksum
        # and size are those of the file now on disk
        # one writer of the data directory at a time, as runs are: none writes the store
        # between this one closing it and sealing it
        with (
            RunLock(config.data_dir, "export"),
            sealed_again(config),
            marked_unpublished(config),
            closing(config.store.open()) as store,
        ):
            # graphs gone from the store: their persons due again before the manifest forgets
            publication = publish(store, config, on_lost=lambda lost: _due_again(config, lost))
            if isinstance(store, EmbeddedStore):  # it rewrote the VoID graph: serve that
                served.take(store.native, store.path)
        [result] = [d for d in publication.dumps if d.fmt == args.format]
        print(f"described in {described}")  # void.ttl, written once publish returned
    else:
        if args.output:  # said before the store is opened
            refuse_among_kept_files(Path(args.output), config)  # the more telling reason
            check_folder(Path(args.output))
        with into_exports(args, config), closing(config.store.open_published()) as store:
            result = export(
                store,
                config,
                args.format,
                graph=args.graph,
                path=Path(args.output) if args.output else None,
            )
    unit = "quads" if args.format in ("nq", "trig") else "triples"
    print(f"wrote {result.path} ({result.triples_or_quads} {unit}, {result.byte_size} bytes)")
    for graph, quads in result.left_out:
        print(
            f"left out: graph <{graph}> ({quads} quads), the VoID description of this dump "
            f"(it gives the dump's checksum), in {described}; "
            "--output PATH writes every graph"
        )
    print(f"sha256 {result.sha256} in {result.sha256_path}")
    return 0

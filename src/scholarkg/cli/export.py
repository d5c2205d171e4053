"""``scholarkg export``: a dump of the store, with its SHA-256 (or streamed to stdout)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

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


def check_folder(path: Path) -> None:
    """Refuse (:class:`ExportError`, one line, nothing written) an ``--output`` whose folder is
    not there or is not a folder, as ``cp`` does: a mistyped folder is not made. Before, the
    dump's write made it, and its missing parents, without a word. Only ``[data] dir/exports``,
    the default, is made by scholarkg."""
    from scholarkg.errors import ExportError
    from scholarkg.output_file import folder_problem

    problem = folder_problem(path)
    if problem is not None:
        raise ExportError(f"{path}: not written: {problem}")


def graph_iri(text: str) -> str:
    """The graph's IRI as given bare or written ``<…>``, as N-Quads, SPARQL and the summary
    lines write it."""
    text = text.strip()
    return text[1:-1] if text.startswith("<") and text.endswith(">") else text


@contextlib.contextmanager
def sealed_again(config: Config) -> Iterator[None]:
    """Around a publication of an embedded store (which compares every graph name the store
    holds with its manifest): its seal is taken before the store is opened and, the store
    closed in line with the manifest, put back, so the next run need not compare them again
    (see :mod:`scholarkg.store.seal`). Before, the next run did, after every such export."""
    from scholarkg.load.manifest import store_state_dir
    from scholarkg.store.seal import seal, take_seal

    if config.store.kind != "oxigraph":
        yield
        return
    path, state = Path(config.store.path), store_state_dir(config)
    take_seal(path, state)
    yield
    seal(path, state)


@contextlib.contextmanager
def marked_unpublished(config: Config) -> Iterator[None]:
    """Around a publication by ``scholarkg export``: the mark of the last complete publication
    (``published.json``) is taken away until it ends, then put back as it was, as a run's own
    publication does. Killed in between (the new dump renamed into place, its ``.sha256`` or
    ``void.ttl`` not yet written), the next run finds no mark and publishes everything again;
    before, the mark stayed and a run with nothing new published nothing, leaving the
    checksum or the description of the previous dump beside the new one."""
    from scholarkg.files import write_atomic
    from scholarkg.runs.close import PUBLISHED_MARK, publication_key, published_complete

    mark = config.state_dir / PUBLISHED_MARK
    recorded = mark.read_bytes() if published_complete(mark, publication_key(config)) else None
    mark.unlink(missing_ok=True)
    yield
    if recorded is not None:
        write_atomic(mark, recorded)


def into_exports(
    args: argparse.Namespace, config: Config
) -> contextlib.AbstractContextManager[object]:
    """The run lock, taken as a publication takes it, for a dump written under ``[data]
    dir/exports`` (a format not published, one ``--graph``, an ``--output`` there): it waits
    while a run holds the data directory, then refuses in one line, as a second run does
    (before: it wrote beside a run's publication of that folder, unlocked). A dump written
    elsewhere reads the store's checkpoint and takes no lock."""
    from scholarkg.files import absolute
    from scholarkg.runs.lock import RunLock

    target = absolute(Path(args.output)) if args.output else config.exports_dir
    if target.is_relative_to(absolute(config.exports_dir)):
        return RunLock(config.data_dir, "export")
    return contextlib.nullcontext()


READER_WAIT = 60.0  # seconds a named pipe may stay without a reader before the export ends


def _opened(path: Path) -> BinaryIO:
    """``path`` opened to write; a named pipe once a reader has opened it too, waiting
    :data:`READER_WAIT` seconds at most (and no longer than a stop request): before, the open
    waited for ever, and SIGTERM did not end it."""
    from scholarkg.errors import ExportError
    from scholarkg.export import not_regular
    from scholarkg.lifecycle import pause

    if not_regular(path) != "a pipe":
        return path.open("wb")
    deadline = time.monotonic() + READER_WAIT
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO while no reader has it
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            if time.monotonic() >= deadline:
                # the caller names the path
                raise ExportError(
                    f"not written: no reader opened the pipe in {READER_WAIT:g} s"
                ) from None
            pause(0.05)
            continue
        os.set_blocking(fd, True)
        return os.fdopen(fd, "wb")


def _stream_into(args: argparse.Namespace, config: Config, path: Path) -> int:
    """``--output`` a device or a named pipe (``/dev/null``): the dump is written straight into
    it, as ``--output -`` writes to stdout, without a checksum file (nothing can stand beside
    it); a rename would replace it with a regular file."""
    from scholarkg.errors import ExportError
    from scholarkg.export import default_prefixes, write_dump
    from scholarkg.publish import refuse_among_kept_files

    refuse_among_kept_files(path, config)
    with closing(config.store.open_published()) as store:
        prefixes = default_prefixes(config.iri_base)
        try:
            with _opened(path) as out:
                count = write_dump(store, out, args.format, args.graph, prefixes=prefixes)
        except OSError as exc:  # opening or closing (the last bytes flushed)
            raise ExportError(f"{path}: export failed: {exc.strerror or exc}") from exc
        except ExportError as exc:
            raise ExportError(f"{path}: {exc}") from exc
    unit = "quads" if args.format in ("nq", "trig") else "triples"
    print(f"wrote {path} ({count} {unit}; not a regular file: no checksum file)")
    return 0


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


def _export_store(args: argparse.Namespace, config: Config) -> int:
    from scholarkg.errors import LoadError
    from scholarkg.export import default_prefixes, not_regular, write_dump
    from scholarkg.publish import export, publish, refuse_among_kept_files
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
        return _stream_into(args, config, Path(args.output))
    described = config.data_dir / "void.ttl"
    if args.output is None and args.graph is None and args.format in config.publish.dumps:
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
            publication = publish(store, config)
            if isinstance(store, EmbeddedStore):  # it rewrote the VoID graph: serve that
                served.take(store.native, store.path)
        [result] = [d for d in publication.dumps if d.fmt == args.format]
        described = publication.description
        print(f"described in {described}")
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

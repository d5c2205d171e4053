"""``scholarkg arxiv fetch|harvest|load-snapshot``: arXiv records through one door at a time.

Each loads through the library's job (``scholarkg.runs.arxiv_fetch``, ``.arxiv_harvest``,
``.arxiv_snapshot``) and prints its report; ``--json`` only shows the records a door reads.
``harvest`` is in :mod:`.arxiv_harvest`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from scholarkg.cli import arxiv_harvest as harvest
from scholarkg.cli.common import (
    Commands,
    add_command,
    add_store_options,
    arxiv_id,
    json_default,
    load,
    positive_count,
    print_report,
)
from scholarkg.extract.snapshot_time import FILE_NOW, FIRST_READ
from scholarkg.locations import home_expanded
from scholarkg.shown_text import shown_word

if TYPE_CHECKING:
    from scholarkg.extract.snapshot import SnapshotReader
    from scholarkg.models import ArxivRecord

JSON_HELP = "print the records as JSON instead of loading them (nothing is written)"
SNAPSHOT_JSON_HELP = (
    f"{JSON_HELP}; each chunk judged as the store's first load of it was, by the file's time "
    "that load read it with, cut by that load's --batch-size whatever this one's (a file no "
    "load read: by its modification time now); each record's judged_by tells the time and "
    f'which: "{FIRST_READ}" or "{FILE_NOW}"'
)


def register(commands: Commands) -> None:
    arxiv = add_command(
        commands,
        "arxiv",
        "load arXiv records through one door at a time (API, OAI-PMH, snapshot)",
        """
        Load arXiv records without a profile: by id through the arXiv API, by date through
        OAI-PMH, or from the bulk metadata snapshot. Each command validates and loads what it
        reads and prints a run summary (exit 1 when something failed or was left out); with
        --json it only prints the records.
        """,
    )
    doors = arxiv.add_subparsers(
        title="commands", dest="arxiv_command", required=True, metavar="COMMAND"
    )
    _fetch(doors)
    harvest.register(doors)
    _snapshot(doors)


def _fetch(doors: Commands) -> None:
    fetch = add_command(
        doors,
        "fetch",
        "fetch records by arXiv id (API) and load them",
        """
        Fetch e-prints by id through the arXiv API (batched id_list requests of [arxiv]
        batch_size ids, one request every [arxiv] min_interval seconds), validate and load
        them. Versioned and old-style ids work. Ids arXiv does not know are listed and make
        the exit code 1.
        """,
    )
    fetch.add_argument(
        "ids", nargs="+", metavar="ID", type=arxiv_id, help="arXiv ids: 2104.12255 hep-th/0101001"
    )
    fetch.add_argument("--json", action="store_true", help=JSON_HELP)
    add_store_options(fetch)
    fetch.set_defaults(handler=fetch_ids, stoppable=True)


def _snapshot(doors: Commands) -> None:
    snapshot = add_command(
        doors,
        "load-snapshot",
        "stream the arXiv metadata snapshot (JSON lines) into the store",
        """
        Stream arXiv's metadata snapshot (JSON lines, .gz too) through the pipeline in chunks.
        Bad lines are quarantined with their line number and reason while the rest load;
        chunks loaded before are skipped, so an interrupted load resumes where it stopped.
        """,
    )
    snapshot.add_argument(
        "file",
        metavar="FILE",
        type=_snapshot_path,
        help="the snapshot, e.g. arxiv-metadata-oai-snapshot.json[.gz]",
    )
    snapshot.add_argument(
        "--batch-size",
        type=positive_count,
        default=1000,
        metavar="N",
        help="records per chunk, fewer where lines are large (four of [limits] line_bytes at most)",
    )
    snapshot.add_argument(
        "--loader",
        choices=("bulk", "transactional"),
        default="bulk",
        help="bulk: many graphs per store operation; transactional: one atomic step per graph",
    )
    snapshot.add_argument(
        "--force",
        action="store_true",
        help="read every chunk again, even those loaded before (unchanged graphs are still "
        "not rewritten)",
    )
    snapshot.add_argument("--json", action="store_true", help=SNAPSHOT_JSON_HELP)
    add_store_options(snapshot)
    snapshot.set_defaults(handler=load_snapshot, stoppable=True)


def _snapshot_path(text: str) -> str:
    """An argparse type: the snapshot's path, never empty (an unset variable named the working
    directory: 'error: .: cannot open snapshot: Is a directory', after the store was opened)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path (give the snapshot file)")
    try:
        return home_expanded(text)  # ~: the home directory
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def print_records(
    records: Iterable[ArxivRecord], told: Callable[[], dict[str, object]] | None = None
) -> None:
    """``records`` as one JSON array (indented by one), each written as it comes: what is kept
    does not grow with their number (a snapshot of millions of lines). ``told``: fields added
    to each record as it is written."""
    opened = False
    for record in records:
        fields = dataclasses.asdict(record) | (told() if told is not None else {})
        row = json.dumps(fields, default=json_default, ensure_ascii=False, indent=1)
        sys.stdout.write(("," if opened else "[") + "\n " + row.replace("\n", "\n "))
        opened = True
    sys.stdout.write("\n]\n" if opened else "[]\n")


def _told(reader: SnapshotReader) -> int:
    """Tell the lines ``reader`` quarantined since last asked, on stderr, and let them go;
    returns how many."""
    for bad in reader.quarantined:
        print(f"quarantined: {bad.describe()}", file=sys.stderr)
    told = len(reader.quarantined)
    reader.quarantined.clear()
    return told


def _read_told(reader: SnapshotReader, told: list[int]) -> Iterator[ArxivRecord]:
    """The records of ``reader``, each line it quarantines told as it comes (counted in
    ``told``), none kept."""
    for record in reader:
        told[0] += _told(reader)
        yield record
    told[0] += _told(reader)


def _judged_by(reader: SnapshotReader) -> dict[str, object]:
    """The record's ``judged_by``: the time its chunk was judged by (null: none, not judged)
    and which (before: not told, so a file no load read was judged by its time now unsaid)."""
    return {"judged_by": {"time": reader.dated.time, "by": reader.dated.by}}


@contextmanager
def progress(label: str) -> Iterator[Callable[[int], None]]:
    """Records read so far on stderr (a bar on a terminal, a line now and then on a pipe)."""
    from scholarkg.progress import Progress

    shown = Progress(label, unit="records")
    try:
        yield shown.update
    finally:
        if shown.done:
            shown.close()


def fetch_ids(args: argparse.Namespace) -> int:
    config = load(args)
    if args.json:
        from scholarkg.clients import arxiv_api_client
        from scholarkg.extract.arxiv_ids import not_an_id

        client = arxiv_api_client(config)
        try:
            result = client.fetch_by_ids(args.ids, batch_size=config.arxiv.batch_size)
        finally:
            client.http.close()
        print_records(result.records)
        for arxiv_id in result.missing:
            print(f"missing: {arxiv_id}", file=sys.stderr)
        for text in result.invalid:  # never sent: arXiv was not asked
            print(f"{not_an_id(text)} (not asked): {shown_word(text)}", file=sys.stderr)
        return 1 if result.missing or result.invalid else 0
    from scholarkg.runs.arxiv_fetch import fetch_ids as fetch_job

    return print_report(fetch_job(config, list(args.ids)).report, "scholarkg arxiv fetch")


def load_snapshot(args: argparse.Namespace) -> int:
    config = load(args)
    if args.json:
        from scholarkg.extract.snapshot import SnapshotReader
        from scholarkg.runs.first_written import FirstWritten, first_written_path

        told = [0]
        # each chunk judged as the store's load took it, by the time the store first read its
        # bytes with (before: the file's time now, so a touch changed what printed), cut as
        # that load cut it (before: by --batch-size, so another size found no time kept)
        with closing(FirstWritten(first_written_path(config), keep=False)) as first:
            lines = first.listing_lines(args.batch_size)
            reader = SnapshotReader(Path(args.file), config.limits, first.judge_chunk, lines)
            print_records(_read_told(reader, told), lambda: _judged_by(reader))
        return 1 if told[0] else 0
    from scholarkg.runs.arxiv_snapshot import load_snapshot as snapshot_job

    with progress("load-snapshot") as shown:
        ctx = snapshot_job(
            config,
            Path(args.file),
            chunk_records=args.batch_size,
            bulk=args.loader == "bulk",
            force=args.force,
            progress=shown,
        )
    return print_report(ctx.report, "scholarkg arxiv load-snapshot")

"""``scholarkg quarantine list|prune``: what the quarantine keeps, run by run, and pruning it."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scholarkg.cli.common import Commands, add_command, add_config_option, load, positive_count

if TYPE_CHECKING:
    from scholarkg.config import Config

SHOWN = 10  # of the files not written by us, named in the listing (--json names every one)


def register(commands: Commands) -> None:
    quarantine = add_command(
        commands,
        "quarantine",
        "list the quarantined records and rejected graphs by run, or prune older runs'",
        """
        Records that could not be used and graphs the SHACL gate rejected are kept in [data]
        dir/quarantine, one file per run and source (records) and one per run (graphs); an
        entry an earlier run keeps alike is kept once and referred to.
        """,
    )
    quarantine_cmds = quarantine.add_subparsers(
        title="commands", dest="quarantine_command", required=True, metavar="COMMAND"
    )
    listing = add_command(
        quarantine_cmds,
        "list",
        "list each run's quarantined records and rejected graphs",
        "Print a line per run, oldest first: its records, its rejected graphs, how many of "
        "them an earlier run keeps (referred to, not copied) and the bytes its files take; "
        "then what the layout before runs had folders keeps. Lines that are no whole record "
        "or graph (a write cut short by a kill) are not counted as one: they are counted "
        "apart on their run's line and named on stderr.",
    )
    listing.add_argument("--json", action="store_true", help="print the listing as JSON")
    prune = add_command(
        quarantine_cmds,
        "prune",
        "remove older runs' quarantined records and rejected graphs",
        "Remove the entries of the runs before a run or a date (--before), or of all but the "
        "newest N runs (--keep), never the latest run's. An entry a kept run refers to is "
        "copied into it first. The layout before runs had folders counts as older than every "
        "run (by a date: when all of it was written before). It waits for a run in progress to "
        "end; with nothing to prune it writes nothing.",
    )
    which = prune.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--before",
        metavar="RUN_OR_DATE",
        type=_run_or_date,
        help="a run id (as `scholarkg quarantine list` shows it): the runs before it; or a "
        "YYYY-MM-DD date: the runs started before that day (UTC) (default: none; this or "
        "--keep is required)",
    )
    which.add_argument(
        "--keep",
        metavar="N",
        type=positive_count,
        help="keep the newest N runs' entries (default: none; this or --before is required)",
    )
    for sub, handler in ((listing, list_quarantine), (prune, prune_quarantine)):
        add_config_option(sub)
        sub.set_defaults(handler=handler)


def _run_or_date(value: str) -> str:
    """An argparse type: a run id or a calendar date; one written as a date (YYYY-MM-DD) that
    is no date (2024-13-01) is a usage error (before: exit 1, after the config was read)."""
    from scholarkg.quarantine_runs import looks_like_date

    if looks_like_date(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{value}: no such date ({exc})") from None
    return value


def _quarantine_dir(config: Config) -> Path:
    """``[data] dir``'s quarantine folder, or a :class:`ConfigError` naming the data directory
    (or the quarantine folder) when it is there but no directory: a file, a symlink loop
    (before: ``0 runs``, as if nothing were quarantined)."""
    from scholarkg.errors import ConfigError

    for path, what in (
        (config.data_dir, "[data] dir"),
        (config.quarantine_dir, "the quarantine folder"),
    ):
        if path.is_symlink() and not path.exists():
            raise ConfigError(
                f"{what} {path}: a symbolic link to nothing (a loop, or its "
                "target is not there), not a directory"
            )
        if path.exists() and not path.is_dir():
            raise ConfigError(f"{what} {path}: a file, not a directory")
        if not path.exists():
            break
    return config.quarantine_dir


def list_quarantine(args: argparse.Namespace) -> int:
    from scholarkg.quarantine import read_quarantined
    from scholarkg.quarantine_graphs import read_rejected
    from scholarkg.quarantine_runs import entries, not_records, old_layout

    root = _quarantine_dir(load(args, read_only=True))
    listed = entries(root)
    old, junk = old_layout(root), not_records(root)
    records, graphs = read_quarantined(root), read_rejected(root)
    said = tuple(f"{path}:" for path in junk)  # said once, on the line of files not ours
    for note in [*records.notes, *graphs.notes]:
        if not note.startswith(said):
            print(f"note: {note}", file=sys.stderr)
    if args.json:
        runs = [run.__dict__ for run in listed]
        totals = {"records": len(records.records), "graphs": len(graphs.graphs)}
        before = {"records": len(old.records), "graphs": len(old.graphs)}
        data = {"folder": str(root), "runs": runs, "old_layout": before, "distinct": totals}
        data["not_records"] = [str(path.relative_to(root)) for path in junk]
        print(json.dumps(data, indent=1))
        return 0
    if old:
        print(
            f"before runs had folders: {len(old.records)} records, {len(old.graphs)} graphs "
            "(older than every run: pruned with them)"
        )
    for run in listed:
        unread = f"; {run.unreadable} lines no whole entry (noted on stderr)"
        print(
            f"{run.run}: {run.records} records, {run.graphs} graphs "
            f"({run.referred} kept by an earlier run), {run.size} bytes"
            f"{unread if run.unreadable else ''}"
        )
    if junk:
        named = ", ".join(str(path.relative_to(root)) for path in junk[:SHOWN])
        more = f", and {len(junk) - SHOWN} more" if len(junk) > SHOWN else ""
        many = len(junk) > 1
        print(
            f"{len(junk)} file{'s here are' if many else ' here is'} not quarantine records"
            f" (not written by scholarkg; left as they are): {named}{more}"
        )
    print(
        f"{root}: {len(listed)} runs; {len(records.records)} distinct records, "
        f"{len(graphs.graphs)} distinct graphs"
    )
    return 0


def prune_quarantine(args: argparse.Namespace) -> int:
    from scholarkg.quarantine_runs import chosen, old_chosen, old_layout, prune
    from scholarkg.runs.lock import RunLock

    config = load(args)
    root = _quarantine_dir(config)
    which = {"keep": args.keep, "before": args.before}
    removed, old = chosen(root, **which), old_chosen(root, **which)
    if removed or old:  # else no lock file either: nothing is written
        with RunLock(config.data_dir, "quarantine prune"):
            removed, gone = chosen(root, **which), old_layout(root)
            if old_chosen(root, **which):
                gone.remove()
                print(
                    f"pruned the layout before runs had folders ({len(gone.records)} records, "
                    f"{len(gone.graphs)} graphs)"
                )
            prune(root, removed)
    for run in removed:
        print(f"pruned {run}")
    print(f"{root}: {len(removed)} runs pruned")
    return 0

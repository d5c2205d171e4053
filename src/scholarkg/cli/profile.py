"""``scholarkg profile parse``: read one researcher profile page and show what was understood."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from scholarkg.cli.common import Commands, add_command, add_config_option, json_default, load


def register(commands: Commands) -> None:
    profile = add_command(
        commands,
        "profile",
        "work with researcher profile pages",
        "Read researcher profile pages on their own, to see what scholarkg understands of "
        "a page before building anything from it.",
    )
    profile_cmds = profile.add_subparsers(
        title="commands", dest="profile_command", required=True, metavar="COMMAND"
    )
    parse = add_command(
        profile_cmds,
        "parse",
        "parse a profile page (file path or http(s) URL) and print it",
        """
        Fetch (or read) one profile page, archive its bytes under the data folder, parse it
        and print the researcher, the metrics and every listed paper, or the whole record as
        JSON. Nothing is loaded into the store.

        A page that is not a profile is a one-line error naming the source and line; a paper
        block that cannot be read is quarantined (listed on stderr) and makes the exit code 1.
        """,
    )
    parse.add_argument(
        "location",
        metavar="PATH_OR_URL",
        type=_location,
        help="a profile page: a file (a path or a file: URL) or an http(s) URL",
    )
    parse.add_argument(
        "--json", action="store_true", help="print the parsed record as JSON instead of text"
    )
    add_config_option(parse)
    parse.set_defaults(handler=parse_profile)


def _location(value: str) -> str:
    """An argparse type: a profile page's location, never empty (an unset variable would name
    the working directory, read as 'Is a directory')."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty location (give a profile page's path or URL)")
    return value


def parse_profile(args: argparse.Namespace) -> int:
    from scholarkg.clients import archive_for, http_client
    from scholarkg.errors import ExtractError
    from scholarkg.extract.profiles import fetch_profile, parse_archived_profile

    config = load(args)
    with http_client(config) as http:
        archived = fetch_profile(args.location, archive_for(config), http, limits=config.limits)
    if archived is None:  # only possible for a conditional request, which this is not
        raise ExtractError(args.location, "server answered 304 to an unconditional request")
    profile = parse_archived_profile(archived, config.subject_codes, config.limits)
    for warning in profile.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for record in profile.quarantined:
        print(f"quarantined: {record.describe()}", file=sys.stderr)
    if args.json:
        data = dataclasses.asdict(profile)
        print(json.dumps(data, default=json_default, ensure_ascii=False, indent=1))
        return 1 if profile.quarantined else 0
    m = profile.metrics
    subject = (
        f"{profile.subject_code} → {profile.category or 'unknown'}"
        if profile.subject_code
        else "no subject code"
    )
    print(f"{profile.name} ({subject})")
    stated = [
        f"{label} {value}{unit}"
        for label, value, unit in (
            ("h-index", m.h_index, ""),
            ("citations", m.citations, ""),
            ("papers", m.papers, ""),
            ("novelty", m.novelty_percent, "%"),
            ("AI score", m.ai_score, ""),
        )
        if value is not None
    ]
    print(", ".join(stated) if stated else "no metrics stated")
    print(f"{len(profile.papers)} papers read, {len(profile.quarantined)} quarantined")
    for paper in profile.papers:
        flag = " [code]" if paper.has_code else ""
        print(f"  {paper.date}  {paper.category or paper.subject_code:8} {paper.title}{flag}")
    return 1 if profile.quarantined else 0

"""``scholarkg arxiv harvest``: OAI-PMH ListRecords of each set, from its watermark."""

from __future__ import annotations

import argparse

from scholarkg.cli.common import (
    Commands,
    add_command,
    add_store_options,
    iso_date,
    load,
    print_report,
    set_name,
)

PREFIXES = ("arXiv", "oai_dc", "arXivRaw")


def register(doors: Commands) -> None:
    harvest = add_command(
        doors,
        "harvest",
        "harvest OAI-PMH ListRecords since the last harvest and load them",
        """
        Harvest new and changed records with OAI-PMH ListRecords, from the stored watermark
        (or --from on the first harvest), following resumption tokens to the end; each page is
        loaded before the checkpoint moves past it, so an interrupted harvest resumes. The
        watermark advances only after a complete harvest; a list that ends short of the
        server's completeListSize holds it once per from-date (the next harvest asks again).
        Sets are harvested one after the other, each with its own summary. To ask again for
        days already harvested, give --from DATE --again.
        """,
    )
    harvest.add_argument(
        "--set",
        dest="sets",
        action="append",
        type=set_name,
        metavar="SET",
        help="an OAI set, e.g. cs or physics:hep-ex; repeatable (default: [arxiv] harvest_sets)",
    )
    harvest.add_argument(
        "--from",
        dest="from_date",
        type=iso_date,
        metavar="DATE",
        help="start date (YYYY-MM-DD) of the first harvest of a set, needed while no "
        "watermark is stored; ignored after unless --again (default: the stored watermark)",
    )
    harvest.add_argument(
        "--again",
        action="store_true",
        help="harvest again from --from, an earlier date than the watermark (e.g. the server "
        "lost records): the watermark moves back to it and a checkpoint is dropped; a date "
        "after the watermark is refused",
    )
    harvest.add_argument(
        "--prefix",
        choices=PREFIXES,
        help="metadata format (default: [arxiv] oai_metadata_prefix)",
    )
    harvest.add_argument(
        "--json",
        action="store_true",
        help="print the records of one harvest as JSON instead of loading them (no checkpoint, "
        "no watermark)",
    )
    add_store_options(harvest, overrides=False)  # its --set is an OAI set
    harvest.set_defaults(handler=harvest_sets, stoppable=True, check=_again_without_from)


def _again_without_from(args: argparse.Namespace) -> str | None:
    """What is wrong with the options together: ``--again`` needs ``--from`` (before: refused
    with exit 1 after the config was read)."""
    if args.again and args.from_date is None:
        return "--again needs --from DATE, the date to harvest again from"
    return None


def harvest_sets(args: argparse.Namespace) -> int:
    from scholarkg.cli.arxiv import print_records, progress

    config = load(args)
    prefix = args.prefix or config.arxiv.oai_metadata_prefix
    sets = args.sets or list(config.arxiv.harvest_sets)
    if args.json:  # a look only: no checkpoint, no watermark
        from scholarkg.clients import oai_client

        client = oai_client(config)
        try:
            records = [
                record
                for spec in sets
                for page in client.list_records(
                    metadata_prefix=prefix, set_spec=spec, from_date=args.from_date
                )
                for record in page.arxiv_records
            ]
        finally:
            client.http.close()
        print_records(records)
        return 0
    from scholarkg.runs.arxiv_harvest import check_again, harvest

    if args.again:  # every set's watermark checked before the first set is harvested
        check_again(config, sets, prefix, args.from_date)
    worst = 0
    for spec in sets:
        with progress(f"harvest {spec}") as shown:
            ctx = harvest(config, spec, prefix, args.from_date, progress=shown, again=args.again)
        title = "scholarkg arxiv harvest" + (f" ({spec})" if len(sets) > 1 else "")
        worst = max(worst, print_report(ctx.report, title))
    return worst

"""``scholarkg schedule list|serve``: the Prefect deployments ``[schedules.*]`` declares."""

from __future__ import annotations

import argparse
import os

from scholarkg.cli.common import Commands, add_command, add_config_option, load


def register(commands: Commands) -> None:
    schedule = add_command(
        commands,
        "schedule",
        "list or serve the scheduled runs [schedules.*] declares",
        """
        The [schedules.*] tables of the config (a flow, a cron line, a timezone, parameters)
        are Prefect deployments: list them, or register and serve them from this process.
        """,
    )
    schedule_cmds = schedule.add_subparsers(
        title="commands", dest="schedule_command", required=True, metavar="COMMAND"
    )
    serve = add_command(
        schedule_cmds,
        "serve",
        "register and serve every configured schedule (needs a Prefect API)",
        """
        Register one deployment per configured schedule with the Prefect API named by
        PREFECT_API_URL and run their flows when they are due, until Ctrl-C (which pauses the
        schedules). Prefect's own log lines are shown. Each run reads the config file again,
        with the --set values given here (they are its "settings" parameter).
        """,
    )
    listing = add_command(
        schedule_cmds,
        "list",
        "list the configured schedules",
        "Print each configured schedule (flow/name, cron line, timezone); nothing is "
        "registered. A schedule naming an unknown flow is an error.",
    )
    for sub, handler in ((serve, serve_schedules), (listing, list_schedules)):
        add_config_option(sub)
        sub.set_defaults(handler=handler)


def serve_schedules(args: argparse.Namespace) -> int:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    config = load(args)  # once (before: again to serve); a bad one fails before Prefect loads
    from scholarkg_flows.deployments import serve_config

    # the --set values as parsed, so an error names the option typed; blocks until Ctrl-C,
    # pausing the schedules on exit
    serve_config(config, getattr(args, "overrides", None) or ())
    return 0


def list_schedules(args: argparse.Namespace) -> int:
    from scholarkg_flows.deployments import list_schedules as listed

    print("\n".join(listed(load(args), getattr(args, "overrides", None) or ())))
    return 0

"""Schedules in one place: ``[schedules.*]`` of the config become Prefect deployments.

``serve_config`` (behind ``scholarkg schedule serve``) serves them from one long-running
process; ``prefect.yaml`` at the repository root declares the same deployments for work pools
(``prefect deploy --all``), and a test keeps the two in step with ``config/default.toml``.
Both have their parameters checked against the flow's signature and schema
(:func:`parameter_problems`): Prefect allows any other name, which failed only when a worker
called the flow.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from prefect import Flow, serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from scholarkg.config import Config, ScheduleConfig, load_config
from scholarkg.config.environment import line_of, set_by
from scholarkg.config.messages import Loc
from scholarkg.config.origins import origin
from scholarkg.config.overrides import Override, parse_override
from scholarkg.errors import ConfigError
from scholarkg.resources import default_config_path

logger = logging.getLogger(__name__)
TAGS = ["scholarkg"]


def schedulable_flows() -> dict[str, Flow[..., Any]]:
    """The Prefect flows a schedule can name, by flow name."""
    from scholarkg_flows.build_kg import build_kg
    from scholarkg_flows.harvest_arxiv import harvest_arxiv
    from scholarkg_flows.load_snapshot import load_snapshot

    return {f.name: f for f in (build_kg, harvest_arxiv, load_snapshot)}


def deployment_name(schedule: ScheduleConfig) -> str:
    """What ``run_deployment`` and ``prefect deployment run`` call it: ``<flow>/<schedule>``."""
    return f"{schedule.flow}/{schedule.name}"


def schedule_parameters(
    schedule: ScheduleConfig, config: Config, settings: Sequence[str] = ()
) -> dict[str, Any]:
    """The schedule's parameters with ``config_path`` (the config it came from) filled in, and
    ``settings`` (``schedule serve --set``'s ``SECTION.KEY=VALUE``) after the schedule's own,
    so each run reads the config as the command that serves it did (before: ``--set`` was
    not taken, and a run read the file alone)."""
    source = str(config.source.resolve()) if config.source is not None else None
    parameters = {"config_path": source, **schedule.parameters}
    if settings:
        parameters["settings"] = [*(parameters.get("settings") or ()), *settings]
    return parameters


def parameter_problems(flow: Flow[..., Any], parameters: Mapping[str, Any]) -> list[str]:
    """What a run of ``flow`` given ``parameters`` would refuse, one line each naming the
    parameter: a name its signature lacks (or a required one missing), a value its schema
    refuses, a ``settings`` entry the configuration does not take."""
    return [problem for _, problem in _placed_problems(flow, parameters)]


def _placed_problems(flow: Flow[..., Any], parameters: Mapping[str, Any]) -> list[tuple[Loc, str]]:
    """:func:`parameter_problems`, each with where in ``parameters`` it is: the parameter (and
    the place in its value), or ``()`` for the whole (a required parameter missing)."""
    from prefect.utilities.schema_tools import validate

    signature = inspect.signature(flow.fn)
    try:
        signature.bind(**parameters)
    except TypeError as exc:
        unknown = [name for name in parameters if name not in signature.parameters]
        return [((unknown[0],) if unknown else (), str(exc))]
    schema = flow.parameters.model_dump_for_openapi()
    problems: list[tuple[Loc, str]] = [
        (tuple(e.path), f"{'.'.join(map(str, e.path)) or 'parameters'}: {e.message}")
        for e in validate(dict(parameters), schema)
    ]
    if problems:  # settings, if any, are a list of text
        return problems
    for at, given in enumerate(parameters.get("settings") or ()):
        try:
            parse_override(given)
        except ConfigError as exc:
            problems.append((("settings", at), f"settings: {exc}"))
    return problems


def check_parameters(config: Config, settings: Sequence[str | Override] = ()) -> None:
    """A :class:`ConfigError` for the first schedule whose flow would refuse its parameters:
    one line naming what gave them (a ``--set`` of ``settings``, in the spelling typed when
    given as the CLI parsed it, the variable, else the config file and the line of the bad
    parameter, or of ``parameters`` when one is missing; before: the line of ``parameters``
    or its table's header, and before that the file alone), the schedule's key and the
    problem (before: found only when a worker ran the deployment)."""
    flows = schedulable_flows()
    for schedule in config.schedules:
        flow = flows.get(schedule.flow)
        if flow is None:
            continue  # skipped, with its own line (deployments_for, list_schedules)
        problems = _placed_problems(flow, schedule_parameters(schedule, config))
        if problems:
            at, problem = problems[0]
            key = ("schedules", schedule.name, "parameters")
            source = config.source or default_config_path()
            where = set_by(_parsed(settings), key) or origin(key, source)
            if where == str(source):
                where += line_of(source, (*key, *at)) or line_of(source, key)
            raise ConfigError(
                f"{where}: [schedules.{schedule.name}] parameters (flow {schedule.flow}): {problem}"
            )


def _parsed(settings: Sequence[str | Override]) -> list[Override]:
    """``settings`` as overrides (as the CLI parsed them, or parsed here); one the config
    refused when it was loaded is left out."""
    parsed = []
    for given in settings:
        try:
            parsed.append(given if isinstance(given, Override) else parse_override(given))
        except ConfigError:
            continue
    return parsed


def unknown_schedules(config: Config) -> list[ScheduleConfig]:
    """Schedules naming a flow that ``scholarkg_flows`` does not have (yet)."""
    known = schedulable_flows()
    return [s for s in config.schedules if s.flow not in known]


def deployments_for(
    config: Config, settings: Sequence[str | Override] = ()
) -> list[RunnerDeployment]:
    """One deployment per ``[schedules.*]`` entry: its flow on a cron schedule in its timezone,
    each run given ``settings`` as typed (:func:`schedule_parameters`; as the CLI parsed them,
    an error names the option typed).

    A schedule naming a flow that does not exist is skipped with an error in the log (the
    others are still returned); :func:`list_schedules` shows it too. Parameters the flow
    would refuse are a :class:`ConfigError` (:func:`check_parameters`).
    """
    check_parameters(config, settings)
    typed = [s.given if isinstance(s, Override) else s for s in settings]
    flows = schedulable_flows()
    deployments = []
    for schedule in config.schedules:
        flow = flows.get(schedule.flow)
        if flow is None:
            logger.error(
                "schedule %r skipped: no Prefect flow %r in scholarkg_flows (known: %s)",
                schedule.name,
                schedule.flow,
                ", ".join(sorted(flows)),
            )
            continue
        deployment = flow.to_deployment(
            name=schedule.name,
            schedules=[Cron(schedule.cron, timezone=schedule.timezone)],
            parameters=schedule_parameters(schedule, config, typed),
            tags=TAGS,
            concurrency_limit=1,  # a run due while the last one still runs waits its turn
            description=f"scholarkg schedule {schedule.name!r} ({config.source})",
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        if not isinstance(deployment, RunnerDeployment):  # a coroutine in async code
            raise RuntimeError("deployments_for() must be called from synchronous code")
        deployments.append(deployment)
    return deployments


def list_schedules(config: Config, settings: Sequence[str | Override] = ()) -> list[str]:
    """One line per schedule, for ``scholarkg schedule list`` (parameters the flow would
    refuse: a :class:`ConfigError`, :func:`check_parameters`)."""
    if not config.schedules:
        return [f"no [schedules.*] in {config.source}"]
    check_parameters(config, settings)
    known = schedulable_flows()
    lines = []
    for schedule in config.schedules:
        parameters = ", ".join(f"{k}={v!r}" for k, v in sorted(schedule.parameters.items()))
        line = (
            f"{deployment_name(schedule)}: cron '{schedule.cron}' ({schedule.timezone})"
            f"{f', {parameters}' if parameters else ''}"
        )
        if schedule.flow not in known:
            line += f"  [skipped: no flow {schedule.flow!r}]"
        lines.append(line)
    return lines


def serve_schedules(
    config_path: str | None = None, settings: Sequence[str | Override] = ()
) -> None:
    """Load the config ``config_path`` names with ``settings`` and serve its schedules
    (:func:`serve_config`)."""
    serve_config(load_config(Path(config_path) if config_path else None, settings), settings)


def serve_config(config: Config, settings: Sequence[str | Override] = ()) -> None:
    """Register every schedule of ``config`` (loaded with ``settings``) as a deployment and
    serve them until interrupted (blocks).

    Runs start in subprocesses of this one, each reading the config again with ``settings``
    (``--set``; as the CLI parsed them, an error here names the option typed, as ``schedule
    list`` does); on shutdown their schedules are paused. ``scholarkg schedule serve`` hands
    the config it loaded (before: it was loaded again here, from ``--config`` as typed).
    """
    deployments = deployments_for(config, settings)
    if not deployments:
        found = "; ".join(list_schedules(config))
        raise ConfigError(f"{config.source}: no schedule to serve ({found})")
    serve(*deployments)

"""What a run does: ``[iris]``, ``[profiles]``, ``[report]``, ``[people]``, ``[publish]``,
``[runner]``, ``[shacl]`` and ``[schedules.*]`` (``[data]`` and ``[store]``:
:mod:`~scholarkg.config.store_section`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ValidationInfo, field_validator

from scholarkg.config.fields import (
    WORKERS_MAX,
    Cron,
    HttpUrlText,
    NonEmptyText,
    OptionalText,
    Section,
    TimeZone,
    key_problem,
    seconds,
    setting,
)

DumpFormatName = Literal["nq", "trig", "ttl", "jsonld"]
RunnerKind = Literal["threads", "dask"]
ShaclFallback = Literal["error", "pyshacl"]
FlowName = Literal["build_kg", "harvest_arxiv", "load_snapshot"]


class IrisConfig(Section):
    """``[iris]``: the IRIs scholarkg mints."""

    base: HttpUrlText = setting(
        "https://w3id.org/scholarkg/id/",
        "base of every minted IRI (a store holds one base: another base needs a new store)",
    )

    @field_validator("base")
    @classmethod
    def _ends_with_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"


class ProfilesConfig(Section):
    """``[profiles]``: the researcher profile pages ``scholarkg run`` builds."""

    sources: tuple[NonEmptyText, ...] = setting(
        ("examples/profiles/leonard-hussenot.txt",),
        "paths, file: or http(s) URLs of the profile pages `scholarkg run` builds",
        relative=True,
    )


class ReportConfig(Section):
    """``[report]``: what a run prints at its end."""

    summary_query: NonEmptyText = setting(
        "papers-per-year",
        "the saved query (queries/<name>.rq, needing no parameter) whose result `scholarkg run` "
        "prints; checked before the run",
    )


class PeopleConfig(Section):
    """``[people.merge]`` and ``[people.split]``: identity decisions made by hand."""

    merge: dict[str, str] = setting(
        {}, 'name keys that are one person: "l-hussenot" = "leonard-hussenot"'
    )
    split: dict[str, str] = setting(
        {}, 'namesakes on one paper: "<arXiv id or title>|<name>" = "<person key>"'
    )

    @field_validator("merge", "split")
    @classmethod
    def _references_read(cls, entries: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        """Each reference is one (:func:`~scholarkg.identity.overrides.parse_ref`), checked
        as the file is read: a malformed one was found only once the run was under way. Told
        as ``[people] split: '<entry>': …``, the table named once (before: ``[people]:
        [people.split] '<entry>': …``)."""
        from scholarkg.errors import ConfigError
        from scholarkg.identity.overrides import Overrides, refused_entry

        table = info.field_name
        tables: dict[str, dict[str, str]] = {"merge": {}, "split": {}, str(table): entries}
        try:
            Overrides.parse(**tables)
        except ConfigError as exc:  # named at its entry: the loader names who gave it
            at = refused_entry(**tables)[1:]
            raise key_problem(at, str(exc).removeprefix(f"[people.{table}] ")) from exc
        return entries


class PublishConfig(Section):
    """``[publish]``: what a run that changed something publishes for integrators."""

    dumps: tuple[DumpFormatName, ...] = setting(
        ("nq",), "dumps written under <data>/exports/ with a .sha256 each; [] for none"
    )
    license: NonEmptyText = setting(
        "https://creativecommons.org/publicdomain/zero/1.0/", "the dataset's license IRI"
    )
    endpoint_url: OptionalText = setting(
        None, "public SPARQL endpoint the VoID/DCAT description advertises"
    )
    download_base: OptionalText = setting(
        None, "public URL the dumps are served from; none: file: IRIs"
    )

    @field_validator("dumps")
    @classmethod
    def _each_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Each format once (before: ``["nq", "nq"]`` wrote the dump twice a publication, and
        the description listed it twice)."""
        if twice := sorted({f for f in value if value.count(f) > 1}):
            raise ValueError(f"lists {', '.join(twice)} more than once")
        return value


class RunnerConfig(Section):
    """``[runner]``: a snapshot load's worker processes (how many, how long each is waited
    on) and the Prefect task runner of the flows."""

    kind: RunnerKind = setting(
        "threads",
        "the flows' Prefect task runner: threads, or dask (pip install 'scholarkg[dask]')",
    )
    max_workers: int = setting(
        2,
        "a snapshot load's worker processes (parsing, mapping, SHACL), and the flows' threads or "
        "the workers of their local Dask cluster",
        ge=1,
        le=WORKERS_MAX,
    )
    sources_per_task: int = setting(
        25,
        "profile sources one Prefect task of build_kg fetches, or prepares (fewer when there "
        "are few sources, so that every worker has some)",
        ge=1,
        le=10_000,
    )
    dask_address: OptionalText = setting(
        None, "a running Dask scheduler (tcp://host:8786); none: a local cluster"
    )
    take_deadline: float = seconds(
        600.0, "seconds a run's worker process is given to take in a chunk sent to it", gt=0
    )
    answer_deadline: float = seconds(
        3600.0, "seconds a run's worker process is given to answer a chunk it took in", gt=0
    )
    dask_event_deadline: float = seconds(
        2.0,
        "seconds a call to the Dask scheduler about a run's stop (its event set, read before "
        "each source of a task, cleared) waits for the answer before it counts as failed",
        gt=0,
    )


class ShaclConfig(Section):
    """``[shacl]``: the SHACL gate."""

    fallback: ShaclFallback = setting(
        "error",
        "shapes the SHACL engine does not implement: error (at start-up) or pyshacl "
        "(those graphs go to pySHACL, counted)",
    )


class ScheduleConfig(Section):
    """One ``[schedules.<name>]`` table: a flow on a cron schedule with its parameters."""

    name: NonEmptyText = setting(..., "the table's name (`[schedules.<name>]`)")
    flow: FlowName = setting(..., "the flow the deployment runs")
    cron: Cron = setting(..., "when, as a 5-field cron string")
    timezone: TimeZone = setting("UTC", "the cron's time zone (IANA name)")
    parameters: dict[str, Any] = setting({}, "the flow's parameters (config_path is filled in)")

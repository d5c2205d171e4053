"""Schedules: config → deployments, prefect.yaml in step with the defaults, and a served
deployment run end to end against a real Prefect API (the session's test harness server)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import write_config
from samples import ROOT, SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.query import resolve_query
from scholarkg.query_results import run_select
from scholarkg.store.embedded import EmbeddedStore
from served_deployments import BOUND_SECONDS, serving

SCHEDULES = """
[schedules.test-nightly-profiles]
flow = "build_kg"
cron = "15 2 * * 1-5"
timezone = "Europe/Paris"
parameters = {}

[schedules.test-harvest]
flow = "harvest_arxiv"
cron = "30 4 * * *"
parameters = { set_spec = "math", metadata_prefix = "oai_dc" }
"""
SNAPSHOT = """
[schedules.test-snapshot]
flow = "load_snapshot"
cron = "0 5 * * 0"
parameters = { path = "/data/arxiv-metadata-oai-snapshot.json" }
"""


def schedules_config(directory: Path, extra: str = "") -> Path:
    path = write_config(directory, [SAMPLE_PROFILE])
    with path.open("a", encoding="utf-8") as handle:
        handle.write(SCHEDULES + extra)
    return path


def test_each_schedule_becomes_a_cron_deployment(tmp_path: Path) -> None:
    from scholarkg_flows.deployments import deployments_for, list_schedules

    config = load_config(schedules_config(tmp_path, SNAPSHOT))
    nightly, harvest, snapshot = deployments_for(config)
    assert (nightly.flow_name, nightly.name) == ("build_kg", "test-nightly-profiles")
    assert nightly.entrypoint == "scholarkg_flows.build_kg.build_kg"
    [schedule] = nightly.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("15 2 * * 1-5", "Europe/Paris")
    assert nightly.parameters == {"config_path": str(config.source)}
    assert all(d.concurrency_limit == 1 for d in (nightly, harvest, snapshot))
    assert harvest.flow_name == "harvest_arxiv" and harvest.schedules[0].schedule.timezone == "UTC"
    assert harvest.parameters == {
        "config_path": str(config.source),
        "set_spec": "math",
        "metadata_prefix": "oai_dc",
    }
    lines = list_schedules(config)
    assert lines[0] == "build_kg/test-nightly-profiles: cron '15 2 * * 1-5' (Europe/Paris)"
    assert "metadata_prefix='oai_dc', set_spec='math'" in lines[1]
    assert snapshot.entrypoint == "scholarkg_flows.load_snapshot.load_snapshot"
    assert snapshot.parameters["path"] == "/data/arxiv-metadata-oai-snapshot.json"
    assert lines[2].startswith("load_snapshot/test-snapshot: cron '0 5 * * 0' (UTC)")


CRONS = [
    ("0 3 * * *", True),
    ("*/15 * * * *", True),
    ("0 9 * * mon-fri", True),
    ("0 0 1,15 jan-jun *", True),
    ("5-50/5 0-23 1-31 1-12 0-7", True),
    ("a b c d e", False),
    ("60 * * * *", False),
    ("* 24 * * *", False),
    ("* * 0 * *", False),
    ("* * * 13 *", False),
    ("*/0 * * * *", False),
    ("* * * * 8", False),
]


@pytest.mark.parametrize(("cron", "valid"), CRONS)
def test_a_schedule_prefect_would_refuse_stops_the_config(
    tmp_path: Path, cron: str, valid: bool
) -> None:
    """A cron line or time zone that Prefect refuses used to pass the config (schedule list
    printed it) and end `scholarkg schedule serve` in a pydantic/ValueError traceback."""
    from prefect.client.schemas.schedules import CronSchedule

    from scholarkg.errors import ConfigError

    def load(cron: str, timezone: str) -> object:
        text = f'[schedules.x]\nflow = "build_kg"\ncron = "{cron}"\ntimezone = "{timezone}"\n'
        path = write_config(tmp_path, [])
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
        return load_config(path)

    if valid:
        [schedule] = load(cron, "Europe/Paris").schedules  # type: ignore[attr-defined]
        CronSchedule(cron=schedule.cron, timezone=schedule.timezone)  # Prefect takes it
    else:
        with pytest.raises(ValueError):
            CronSchedule(cron=cron)  # Prefect refuses it, and so does the config
        with pytest.raises(ConfigError, match=r"\[schedules.x\] cron: .* is not a cron value"):
            load(cron, "UTC")
    with pytest.raises(ValueError):
        CronSchedule(cron="0 3 * * *", timezone="Mars/Olympus")
    with pytest.raises(ConfigError, match=r"\[schedules.x\] timezone must be an IANA time zone"):
        load("0 3 * * *", "Mars/Olympus")


def test_prefect_yaml_matches_the_default_schedules() -> None:
    from prefect.flows import load_flow_from_entrypoint

    defaults = load_config().schedules
    document = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    deployments = {d["name"]: d for d in document["deployments"]}
    assert sorted(deployments) == sorted(s.name for s in defaults)
    for schedule in defaults:
        deployment = deployments[schedule.name]
        assert load_flow_from_entrypoint(deployment["entrypoint"]).name == schedule.flow
        assert deployment["schedules"] == [{"cron": schedule.cron, "timezone": schedule.timezone}]
        assert deployment["parameters"] == dict(schedule.parameters)
        assert deployment["work_pool"]["name"] == "scholarkg-pool"
        assert deployment["concurrency_limit"] == 1


@pytest.mark.flow
@pytest.mark.server
@pytest.mark.usefixtures("prefect_harness")
def test_served_schedule_runs_on_demand_and_loads_the_store(tmp_path: Path) -> None:
    from prefect.deployments import run_deployment

    config = schedules_config(tmp_path)
    with serving(config, tmp_path, "build_kg/test-nightly-profiles") as (_, log):
        flow_run = run_deployment(
            "build_kg/test-nightly-profiles", timeout=BOUND_SECONDS, poll_interval=1
        )
        assert flow_run.state is not None
        assert flow_run.state.is_completed(), log.read_text(errors="replace")[-4000:]
    with EmbeddedStore(tmp_path / "store", read_only=True) as store:
        years = run_select(store, resolve_query("papers-per-year").text).rows
    assert sum(int(count or 0) for _, count in years) == 25
    assert list((tmp_path / "data" / "reports").glob("build-*.json"))


@pytest.mark.parametrize(
    ("cron", "days", "months"),
    [
        ("0 0 30 2 *", "30", "2"),
        ("0 4 31 4,6,9,11 *", "31", "4,6,9,11"),
        ("0 0 30-31 feb 1", "30-31", "2"),
    ],
)
def test_a_schedule_that_would_never_run_is_refused(
    cron: str, days: str, months: str, tmp_path: Path
) -> None:
    """Prefect takes ``0 0 30 2 *`` (February 30th), then never schedules it: before, the
    config accepted it, ``schedule list`` printed it and the deployment never ran."""
    from prefect.client.schemas.schedules import CronSchedule

    from scholarkg.errors import ConfigError

    CronSchedule(cron=cron)  # Prefect takes it
    path = write_config(tmp_path, [])
    text = f'[schedules.x]\nflow = "build_kg"\ncron = "{cron}"\n'
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value) == (
        f"{path}:{_line(path, cron)}: [schedules.x] cron: day of month {days!r} falls in no "
        f"month it names ({months}): the schedule would never run, got {cron!r}"
    )
    for runs in ("0 0 29 2 *", "0 0 31 */2 *", "0 0 1,30 2 *"):  # leap years; Jan; the 1st
        CronSchedule(cron=runs)
        path.write_text(path.read_text(encoding="utf-8").replace(cron, runs), encoding="utf-8")
        assert [s.cron for s in load_config(path).schedules] == [runs]
        cron = runs


def _line(path: Path, cron: str) -> int:
    """The line of ``path`` that writes ``cron``, as an error about it names it."""
    return path.read_text(encoding="utf-8").splitlines().index(f'cron = "{cron}"') + 1


def _fires(cron: str, count: int = 48) -> list[str]:
    """The next ``count`` times Prefect's croniter schedules ``cron`` from 2026-01-01."""
    import datetime as dt

    from prefect._vendor.croniter import croniter

    runs = croniter(cron, dt.datetime(2026, 1, 1))
    return [runs.get_next(dt.datetime).strftime("%a %H:%M") for _ in range(count)]


def _runs_in_a_week(cron: str) -> int:
    """How many times Prefect's croniter runs ``cron`` in the week from 2026-01-01."""
    import datetime as dt

    from prefect._vendor.croniter import croniter

    start = dt.datetime(2026, 1, 1)
    runs = croniter(cron, start)
    return sum(1 for _ in iter(lambda: runs.get_next(dt.datetime) < start + dt.timedelta(7), False))


# Runs in the week from Thursday 2026-01-01 00:00 (not counted): as Prefect reads the range
# of one value, and as the value alone (hourly, not daily at 03:00; daily, not on Sundays).
RAN = {
    "0 3-3 * * *": (7 * 24 - 1, 7),
    "1-1/5 * * * *": (7 * 24 * 12 - 1, 7 * 24),
    "0 0 * * sun-sun": (6, 1),
    "0 0 * * 7-0": (6, 1),
}
ONE_VALUE = "a range of one value, which Prefect reads as the whole field"
BACKWARDS = (
    "a range written backwards, which Prefect wraps round and other cron programs refuse: "
    "write the values meant as a list"
)


@pytest.mark.parametrize(
    ("cron", "told", "instead"),
    [
        ("0 3-3 * * *", f"hour '3-3' is {ONE_VALUE}, 0-23: write 3", "0 3 * * *"),
        ("1-1/5 * * * *", f"minute '1-1/5' is {ONE_VALUE}, 0-59: write 1", "1 * * * *"),
        ("0 0 * * sun-sun", f"day of week 'sun-sun' is {ONE_VALUE}, 0-7: write 0", "0 0 * * 0"),
        ("0 0 * * 7-0", f"day of week '7-0' is {ONE_VALUE}, 0-7: write 0", "0 0 * * 0"),
        ("5-2 * * * *", f"minute '5-2' is {BACKWARDS}, 0-2,5-59", "0-2,5-59 * * * *"),
        ("0 22-2 * * *", f"hour '22-2' is {BACKWARDS}, 0-2,22-23", "0 0-2,22-23 * * *"),
        ("0 0 * * fri-mon", f"day of week 'fri-mon' is {BACKWARDS}, 0-1,5-6", "0 0 * * 0-1,5-6"),
        ("0 0 * * 7-1", f"day of week '7-1' is {BACKWARDS}, 0-1", "0 0 * * 0-1"),
        ("0 0 1 nov-feb *", f"month 'nov-feb' is {BACKWARDS}, 1-2,11-12", "0 0 1 1-2,11-12 *"),
        ("0 0 * * 5-1/2", f"day of week '5-1/2' is {BACKWARDS}", None),
    ],
)
def test_a_range_that_does_not_run_forwards_is_refused(
    cron: str, told: str, instead: str | None, tmp_path: Path
) -> None:
    """REPRODUCED: Prefect takes ``0 3-3 * * *`` and runs it every hour (its croniter reads a
    range of one value as the whole field), and wraps ``5-2`` round, which other cron
    programs (cronsim, as Debian's cron) refuse. Before, the config accepted both and
    ``schedule list`` printed them as written. The list the message offers runs when Prefect
    ran the wrapped range (a stepped one it steps its own way: no list is offered)."""
    from prefect.client.schemas.schedules import CronSchedule

    from scholarkg.errors import ConfigError

    CronSchedule(cron=cron)  # Prefect takes it
    path = write_config(tmp_path, [])
    text = f'[schedules.x]\nflow = "build_kg"\ncron = "{cron}"\n'
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert (
        str(refused.value)
        == f"{path}:{_line(path, cron)}: [schedules.x] cron: {told}, got {cron!r}"
    )
    if instead is None:
        return
    path.write_text(path.read_text(encoding="utf-8").replace(cron, instead), encoding="utf-8")
    assert [s.cron for s in load_config(path).schedules] == [instead]
    if ONE_VALUE in told:  # Prefect ran it on every value of the field, not the one written
        assert (_runs_in_a_week(cron), _runs_in_a_week(instead)) == RAN[cron]
    else:
        assert _fires(instead) == _fires(cron)


@pytest.mark.parametrize(
    ("cron", "item", "values", "ran"),
    [
        ("*/90 * * * *", "minute '*/90'", 60, 7 * 24 - 1),  # hourly, not every 90 minutes
        ("0 */36 * * *", "hour '*/36'", 24, 6),  # daily at midnight, not every 36 hours
        ("0 0 * * */8", "day of week '*/8'", 7, 1),  # Sundays, not every 8 days
    ],
)
def test_a_step_longer_than_its_field_is_refused(
    cron: str, item: str, values: int, ran: int, tmp_path: Path
) -> None:
    """REPRODUCED: ``*/90 * * * *`` was accepted and Prefect ran it every hour at :00 (a step
    past the field's values picks its first value alone, as every cron program reads it),
    never every 90 minutes. A step of the field's length (``*/60``, ``*/24``, ``*/7`` of the
    days) is each hour, day or week, as written, and stays accepted."""
    from prefect.client.schemas.schedules import CronSchedule

    from scholarkg.errors import ConfigError

    CronSchedule(cron=cron)  # Prefect takes it
    assert _runs_in_a_week(cron) == ran
    path = write_config(tmp_path, [])
    text = f'[schedules.x]\nflow = "build_kg"\ncron = "{cron}"\n'
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    step = item.split("/")[1].rstrip("'")
    assert str(refused.value) == (
        f"{path}:{_line(path, cron)}: [schedules.x] cron: {item}: a step of {step} is longer "
        f"than the field's {values} values, so it picks the range's first value alone (cron has no "
        f"'every {step}'), got {cron!r}"
    )
    for fine in ("*/60 * * * *", "0 */24 * * *", "0 0 * * */7"):
        path.write_text(path.read_text(encoding="utf-8").replace(cron, fine), encoding="utf-8")
        assert [s.cron for s in load_config(path).schedules] == [fine]
        cron = fine

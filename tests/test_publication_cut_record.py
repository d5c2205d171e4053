"""A run cut in its publication wrote its record before (outcome ``ok``): the record is made
truthful. SIGKILLed there, the next run makes its record ``failed`` with no end, writes its
report and says that it publishes everything again; stopped there (SIGTERM), the run writes
its record again with its report's outcome (before: both left the store's record at ``ok``,
and the next run said nothing of the cut publication)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from published import dumped, store_quads_but_void
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg import lifecycle
from scholarkg.config import Config, load_config
from scholarkg.iris import SKG
from scholarkg.runs import close
from scholarkg.runs.build import build

OUTCOMES = (
    "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT ?run ?outcome (COUNT(?end) AS ?ends) WHERE { GRAPH ?g { ?run skg:outcome ?outcome "
    "OPTIONAL { ?run prov:endedAtTime ?end } } } GROUP BY ?run ?outcome ORDER BY ?run"
)
# the run's end where its publication starts (SIGKILL): its record is written, no dump
KILLED_IN_PUBLICATION = """
import os, signal, sys
from scholarkg.config import load_config
from scholarkg.runs import close
from scholarkg.runs.build import build
close.publish = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
build(load_config(sys.argv[1]))
"""


def outcomes(config: Config) -> dict[str, tuple[str, int]]:
    rows = ox.Store.read_only(str(config.store.path)).query(OUTCOMES)
    assert isinstance(rows, ox.QuerySolutions)
    return {r["run"].value: (r["outcome"].value, int(r["ends"].value)) for r in rows}  # type: ignore[union-attr]


def grown(tmp_path: Path) -> Config:
    """A store built from one page, its configuration then listing a second one."""
    path = write_config(tmp_path, [SAMPLE_PROFILE])
    assert build(load_config(path)).report.outcome == "ok"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            f'"{SAMPLE_PROFILE}"', f'"{SAMPLE_PROFILE}", "{SECOND_PROFILE}"'
        ),
        encoding="utf-8",
    )
    return load_config(path)


def recorded(config: Config, run: str, count: str) -> int:
    """The count ``skg:<count>`` run ``run``'s record states."""
    query = f"SELECT ?n WHERE {{ GRAPH ?g {{ <{run}> <{SKG}{count}> ?n }} }}"
    rows = ox.Store.read_only(str(config.store.path)).query(query)
    assert isinstance(rows, ox.QuerySolutions)
    [row] = list(rows)
    value = row["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def test_a_run_killed_in_its_publication_is_recorded_as_failed_by_the_next(
    tmp_path: Path,
) -> None:
    config = grown(tmp_path)
    [first] = outcomes(config)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_IN_PUBLICATION, str(tmp_path / "scholarkg.toml")],
        capture_output=True,
        timeout=600,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [cut] = [run for run in outcomes(config) if run != first]
    assert outcomes(config)[cut] == ("ok", 1)  # what it wrote before its publication
    reports = sorted(config.reports_dir.glob("*.json"))
    assert len(reports) == 1  # the first run's only

    after = build(config).report
    assert after.outcome == "ok", after.summary_lines()
    assert after.notes == [
        f"run <{cut}> was killed in its publication, after its record (outcome ok): its record "
        "now says failed, its report is written, and this run publishes everything again"
    ]
    records = outcomes(config)
    assert records[first] == ("ok", 1) and records[cut] == ("failed", 0)  # no end: unknown
    [written] = [p for p in config.reports_dir.glob("*.json") if cut.rsplit("-", 1)[1] in p.name]
    report = json.loads(written.read_text(encoding="utf-8"))
    assert report["run_iri"] == cut and report["graphs_written"] > 0
    # its counts as its record states them (before: 0 triples added whatever it had loaded)
    assert report["triples_added"] == recorded(config, cut, "triplesAdded") > 0, report
    assert report["interrupted"].startswith("killed in its publication, after its record")
    assert dumped(config.exports_dir / "scholarkg.nq") == store_quads_but_void(config.store.path)
    again = build(config).report  # said once
    assert again.notes == [] and outcomes(config)[cut] == ("failed", 0)


def test_a_run_stopped_in_its_publication_records_its_failed_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = grown(tmp_path)

    def stopped(*args: object, **kwargs: object) -> None:
        lifecycle.request_stop()  # what SIGTERM's handler does
        try:
            lifecycle.check_stop()
        finally:
            lifecycle.STOP.clear()

    monkeypatch.setattr(close, "publish", stopped)
    report = build(config).report
    assert report.interrupted and report.outcome == "failed"
    assert outcomes(config)[report.run_iri] == ("failed", 1)  # before: ("ok", 1)
    monkeypatch.undo()
    after = build(config).report
    assert after.outcome == "ok" and after.notes == [], after.summary_lines()
    assert outcomes(config)[report.run_iri] == ("failed", 1)
    assert dumped(config.exports_dir / "scholarkg.nq") == store_quads_but_void(config.store.path)

"""A stopped run's summary says what the store holds, as a finished run's does, at whatever
stage the stop came (before: ``store: holds …`` only after a finished run or a full disk)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from building import build_store
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg import lifecycle
from scholarkg.config import load_config
from scholarkg.runs import gating
from scholarkg.runs.build import build
from scholarkg.runs.report import RunReport
from stopped_runs import sparql_count


@pytest.fixture(autouse=True)
def no_stop_left() -> Iterator[None]:
    yield
    lifecycle.STOP.clear()


def says_what_it_holds(report: RunReport, store: Path) -> None:
    assert report.interrupted == "stop requested (SIGTERM/SIGINT)"
    assert report.store_quads == sparql_count(ox.Store.read_only(str(store))) > 0
    assert f"store: holds {report.store_quads} quads" in report.summary_lines()


def test_a_stop_while_extracting_says_what_the_store_holds(tmp_path: Path) -> None:
    """Stopped before its first source is read, the store still holds the last run's graphs
    (it is opened read-only to count them)."""
    config, first = build_store(tmp_path, [SAMPLE_PROFILE])
    assert first.outcome in ("ok", "degraded")
    lifecycle.request_stop()
    says_what_it_holds(build(config).report, config.store.path)


def test_a_stop_in_the_gate_says_what_the_store_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked for while the profile's graphs are checked, the stop is taken at the next check
    (the publication, the graphs written): the summary counts them."""
    gate_graph = gating.gate_graph  # the profile's graphs, once its authorships are decided

    def stop_then_gate(*args: Any, **kwargs: Any) -> Any:
        lifecycle.request_stop()
        return gate_graph(*args, **kwargs)

    monkeypatch.setattr(gating, "gate_graph", stop_then_gate)
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    report = build(config).report
    assert report.graphs_written > 0  # the profile's graphs were written before the stop
    says_what_it_holds(report, config.store.path)


def test_a_first_run_stopped_before_any_store_exists_says_nothing_of_one(tmp_path: Path) -> None:
    """No store yet: no count, and none is made to count it."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    lifecycle.request_stop()
    report = build(config).report
    assert report.interrupted and report.store_quads is None
    assert not [line for line in report.summary_lines() if line.startswith("store: holds")]
    assert not config.store.path.exists()


def test_a_stopped_run_on_a_sparql_store_says_it_did_not_count_it(tmp_path: Path) -> None:
    """A request after a stop is cut off at once, so the store is not asked; the summary says
    so instead of leaving the line out (the address below is never asked)."""
    urls = {"query_url": "http://127.0.0.1:9/query", "update_url": "http://127.0.0.1:9/update"}
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], store={"kind": "sparql", **urls}))
    lifecycle.request_stop()
    report = build(config).report
    assert report.interrupted and report.store_quads is None
    assert [line for line in report.summary_lines() if line.startswith("store:")] == [
        "store: not counted (a SPARQL store is not asked after a stop)"
    ]

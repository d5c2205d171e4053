"""A SPARQL server that crashes under a run's write and starts again (its data kept): the run
ends ``failed`` with one line, its report counts what the store holds, every graph it could
not write waits in the outbox, and the next run loads them: nothing is lost. Before, in a
profile run, the graph whose request the crash left unanswered went to the dead-letter folder
(the server answered again when the loader asked whether it was up, so the graph looked
refused on its own), the run ended ``partial``, and no later run wrote that person's graph.

A real ``oxigraph serve`` of its own (killed with SIGKILL, started again on its data) behind a
loopback proxy that counts writes and crashes the server at the one given."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from building import build_store, rebuild, sparql_store
from conftest import write_config
from hostile_store import SNAPSHOT
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport
from store_proxy import StoreProxy, running_proxy

pytest_plugins = ("oxigraph_server",)  # imported as the plugin, never as a module first
pytestmark = pytest.mark.server


class Restarting:
    """An ``oxigraph serve`` on a directory of its own that :meth:`crash` kills and starts."""

    def __init__(self, directory: Path) -> None:
        from oxigraph_server import oxigraph_binary, start_oxigraph

        binary = oxigraph_binary()
        if binary is None:
            pytest.skip("the `oxigraph` CLI is not installed")
        self.binary, self.directory = binary, directory
        directory.mkdir()
        self.start = start_oxigraph
        self.server = start_oxigraph(binary, directory)
        self.crashes = 0

    def crash(self) -> str:
        self.server.process.send_signal(signal.SIGKILL)
        self.server.process.wait()
        self.crashes += 1
        self.server = self.start(self.binary, self.directory)
        return self.server.url


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[StoreProxy]:
    server = Restarting(tmp_path / "server")
    try:
        with running_proxy(server.server.url) as running:
            running.restart = server.crash
            yield running
    finally:
        server.server.stop()


def _held(config: Config) -> tuple[int, set[str]]:
    with config.store.open() as server:
        return server.quad_count(), server.graph_names()


def _crashed(report: RunReport, config: Config) -> None:
    """The crashed run: failed in one line, nothing dead-lettered, counted as held."""
    assert report.outcome == "failed", report.summary_lines()
    assert report.store_error is not None and "\n" not in report.store_error
    assert "no answer: the server closed the connection after the request" in report.store_error
    assert report.dead == []
    quads, _ = _held(config)
    assert quads == report.store_quads


@pytest.mark.parametrize("replace_via", ["put", "update"])
def test_a_profile_run_whose_server_crashes_loses_nothing(
    tmp_path: Path, proxy: StoreProxy, replace_via: str
) -> None:
    (tmp_path / "run").mkdir()
    proxy.crash_at = 10  # a person graph's write
    config, first = build_store(
        tmp_path / "run",
        [str(SAMPLE_PROFILE)],
        store=sparql_store(proxy.url, replace_via=replace_via),
    )
    assert proxy.writes >= 10  # the crash came
    _crashed(first, config)
    assert first.kept > 0

    second = rebuild(config)
    assert second.outcome == "ok", second.summary_lines()
    quads, graphs = _held(config)
    assert quads == second.store_quads
    assert len([g for g in graphs if "/graph/person/" in g]) == 44  # every person's graph
    assert second.papers == 25
    assert not list((tmp_path / "run" / "data").glob("dead-letter/*/*"))

    third = rebuild(config)
    assert (third.outcome, third.graphs_written) == ("ok", 0)
    assert _held(config)[0] == quads == third.store_quads


def test_a_snapshot_load_whose_server_crashes_loads_the_rest_next(
    tmp_path: Path, proxy: StoreProxy
) -> None:
    (tmp_path / "run").mkdir()
    store = sparql_store(proxy.url, replace_via="update", segment_quads=1000)
    config = load_config(write_config(tmp_path / "run", [], store=store))
    proxy.crash_at = 2  # the segment's data
    _crashed(load_snapshot(config, SNAPSHOT, workers=0).report, config)
    second = load_snapshot(config, SNAPSHOT, workers=0).report
    assert second.outcome == "ok", second.summary_lines()
    quads, graphs = _held(config)
    assert quads == second.store_quads
    assert len([g for g in graphs if "/graph/arxiv/" in g]) == 100
    third = load_snapshot(config, SNAPSHOT, workers=0).report
    assert (third.outcome, third.graphs_written) == ("ok", 0)
    assert _held(config)[0] == quads


@pytest.mark.parametrize("replace_via", ["put", "update"])
def test_a_server_failing_every_write_keeps_the_graphs_for_the_next_run(
    tmp_path: Path, proxy: StoreProxy, replace_via: str
) -> None:
    """HTTP 500 to every write (a server whose disk is full, a backend down behind its proxy)
    fails the run and keeps every graph in the outbox. Before, each graph went to the
    dead-letter folder (the server answered queries), and the next run wrote only the two it
    built again: the 44 person graphs were never written."""
    (tmp_path / "run").mkdir()
    proxy.refuse_writes = True
    store = sparql_store(proxy.url, replace_via=replace_via)
    config, first = build_store(tmp_path / "run", [str(SAMPLE_PROFILE)], store=store)
    assert first.outcome == "failed", first.summary_lines()
    assert first.store_error is not None and "HTTP 500" in first.store_error
    assert (first.dead, first.kept, first.graphs_written) == ([], 46, 0)
    # the run's probe (a 5xx may be over in a moment: the run goes on) and its first write:
    # nothing more is sent to a failing server
    assert proxy.refused == 2
    assert _held(config)[0] == first.store_quads == 0

    proxy.refuse_writes = False
    second = rebuild(config)
    assert second.outcome == "ok", second.summary_lines()
    quads, graphs = _held(config)
    assert quads == second.store_quads
    assert len([g for g in graphs if "/graph/person/" in g]) == 44


def test_refused_person_graphs_do_not_make_the_record_count_negative(
    tmp_path: Path, proxy: StoreProxy
) -> None:
    """A server refusing (400) every person graph: those graphs go to the dead-letter folder
    and the records, whose own graphs landed, are all counted as loaded. Before, each dead
    person graph was taken off the batch's records: ``records_loaded`` came out at -43."""
    (tmp_path / "clean").mkdir()
    (tmp_path / "run").mkdir()
    _, clean = build_store(tmp_path / "clean", [str(SAMPLE_PROFILE)])
    proxy.refuse_matching = b"/graph/person/"
    config, report = build_store(
        tmp_path / "run", [str(SAMPLE_PROFILE)], store=sparql_store(proxy.url, replace_via="put")
    )
    assert proxy.refused == len(report.dead) == 44
    assert all("/graph/person/" in iri for iri, _ in report.dead)
    assert report.records_loaded == clean.records_loaded >= 0
    assert _held(config)[0] == report.store_quads

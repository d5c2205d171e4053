"""A SPARQL server that answers writes with success without applying them (here a proxy before
a real ``oxigraph serve`` that drops them) fails the run with one line naming the endpoint and
a graph it does not hold, publishes nothing, keeps what it could not write, and the next run
into the server as it should be leaves it as a clean run does. Each graph write is checked
(:mod:`scholarkg.store.remote_writes`): before, only the run record's was, so a server that
dropped one write had the run say ``ok``, count the graph written and publish without it, and
one that dropped a snapshot load's writes lost the person graphs until a second run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from building import build_store, rebuild, sparql_store
from conftest import write_config
from hostile_store import SNAPSHOT
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.errors import LoadError
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport
from scholarkg.store.remote import SparqlStore
from store_contents import beside_run_records, served_quads
from store_proxy import StoreProxy, running_proxy

if TYPE_CHECKING:
    from oxigraph_server import OxigraphServer

pytest_plugins = ("oxigraph_server",)  # imported as the plugin, never as a module first

NOT_APPLIED = (
    "it does not apply the writes it acknowledges (a read-only replica, or a proxy before the "
    "server?)"
)


def _failed_line(report: RunReport, proxy: StoreProxy) -> str:
    """The run's one failure line: the store's, naming the endpoint and a graph not held."""
    [line] = [x for x in report.summary_lines() if x.startswith("failed:")]
    assert line.startswith(f"failed: store: {proxy.url}/") or line.startswith(
        f"failed: store: loading stopped: {proxy.url}/"
    ), line
    assert ": answered with success, but the server holds 0 quads in graph <" in line
    assert line.endswith(NOT_APPLIED)
    return line


def _held(config: Config) -> int:
    with config.store.open() as server:
        return server.quad_count()


@pytest.mark.parametrize("replace_via", ["put", "update"])
def test_a_store_that_acknowledges_writes_it_does_not_apply_fails_the_run(
    tmp_path: Path, oxigraph_url: str, replace_via: str
) -> None:
    with running_proxy(oxigraph_url) as proxy:
        store = sparql_store(proxy.url, replace_via=replace_via)
        proxy.ignore_writes = True
        config, lied_to = build_store(tmp_path, [str(SAMPLE_PROFILE)], store=store)
        assert proxy.ignored > 0
        assert lied_to.store_quads == 0
        assert lied_to.outcome == "failed"
        _failed_line(lied_to, proxy)
        assert lied_to.dead == [] and lied_to.kept == 46  # from the first graph's write on
        assert lied_to.published == []
        assert not list((tmp_path / "data" / "exports").glob("*.nq"))

        proxy.ignore_writes = False
        honest = rebuild(config)
        with config.store.open() as server:
            held = server.quad_count()
            persons = {g for g in server.iter_graph_names() if "/graph/person/" in g}
    assert honest.outcome == "ok", honest.summary_lines()
    assert honest.papers == 25
    assert held == honest.store_quads
    assert len(persons) == 44
    written = honest.triples_added + honest.provenance_triples + honest.report_triples
    assert honest.store_quads == written + sum(honest.run_graphs.values())


def _clean(tmp_path: Path, server: OxigraphServer, snapshot: bool = False) -> list[str]:
    """What a clean run (a build, then the snapshot's load) leaves in the server, emptied
    after it."""
    (tmp_path / "clean").mkdir()
    config, report = build_store(
        tmp_path / "clean", [str(SAMPLE_PROFILE)], store=sparql_store(server.url)
    )
    assert report.outcome == "ok", report.summary_lines()
    if snapshot:
        loaded = load_snapshot(config, SNAPSHOT, workers=0).report
        assert loaded.outcome == "ok", loaded.summary_lines()
    found = beside_run_records(served_quads(server.url, tmp_path / "clean"))
    server.clear()
    return found


@pytest.mark.parametrize("replace_via", ["put", "update"])
def test_one_write_acknowledged_but_not_applied_fails_the_run_and_the_next_writes_it(
    tmp_path: Path, oxigraph_server: OxigraphServer, replace_via: str
) -> None:
    """Before: the run said ``ok``, ``46 data graphs written``, published a dump without that
    person's graph and warned it was removed outside scholarkg."""
    oxigraph_server.clear()
    clean = _clean(tmp_path, oxigraph_server)
    (tmp_path / "run").mkdir()
    with running_proxy(oxigraph_server.url) as proxy:
        proxy.ignore_at = 12  # a person graph's write, past the run's probe
        store = sparql_store(proxy.url, replace_via=replace_via)
        config, lied_to = build_store(tmp_path / "run", [str(SAMPLE_PROFILE)], store=store)
        assert proxy.ignored == 1
        assert lied_to.outcome == "failed", lied_to.summary_lines()
        assert "/graph/person/" in _failed_line(lied_to, proxy)
        assert lied_to.dead == [] and lied_to.kept > 0 and lied_to.published == []
        assert lied_to.store_quads == _held(config)

        again = rebuild(config)
    assert again.outcome == "ok", again.summary_lines()
    assert not any(x.startswith("warning:") for x in again.summary_lines())
    assert beside_run_records(served_quads(oxigraph_server.url, tmp_path / "run")) == clean


def test_a_snapshot_load_into_a_server_dropping_writes_loses_no_person_graph(
    tmp_path: Path, oxigraph_server: OxigraphServer
) -> None:
    """Before: the load failed only at its run record, every graph counted written; the next
    load wrote the record graphs again (the store is their judge) but none of the 207 person
    graphs (the registry had them written), said ``ok`` and published without them."""
    oxigraph_server.clear()
    clean = _clean(tmp_path, oxigraph_server, snapshot=True)
    (tmp_path / "run").mkdir()
    with running_proxy(oxigraph_server.url) as proxy:
        store = sparql_store(proxy.url, replace_via="put")
        config = load_config(write_config(tmp_path / "run", [str(SAMPLE_PROFILE)], store=store))
        built = rebuild(config)
        assert built.outcome == "ok", built.summary_lines()
        proxy.ignore_writes = True
        lied_to = load_snapshot(config, SNAPSHOT, workers=0).report
        assert proxy.ignored > 0
        assert lied_to.outcome == "failed", lied_to.summary_lines()
        _failed_line(lied_to, proxy)
        assert lied_to.store_quads == _held(config) == built.store_quads

        proxy.ignore_writes = False
        again = load_snapshot(config, SNAPSHOT, workers=0).report
    assert again.outcome == "ok", again.summary_lines()
    assert not any(x.startswith("warning:") for x in again.summary_lines())
    assert beside_run_records(served_quads(oxigraph_server.url, tmp_path / "run")) == clean


@pytest.mark.parametrize("check_writes", [True, False])
def test_check_writes_false_reads_no_write_back(
    tmp_path: Path, oxigraph_url: str, check_writes: bool
) -> None:
    """``[store] check_writes = false`` (a query endpoint lagging behind the writes, as a read
    replica does) sends no query after a write, so an acknowledged write is taken as made; the
    default reads it back and fails the write the server did not apply."""
    settings = sparql_store(oxigraph_url, check_writes=check_writes)
    config = load_config(write_config(tmp_path, [], store=settings))
    with running_proxy(oxigraph_url) as proxy:
        store = SparqlStore.for_oxigraph(proxy.url, check_writes=config.store.check_writes)
        proxy.ignore_writes = True
        with store:
            if check_writes:
                with pytest.raises(LoadError, match="holds 0 quads in graph <urn:g> instead of"):
                    store.replace_graph_ntriples("urn:g", "<urn:a> <urn:b> <urn:c> .\n")
            else:
                store.replace_graph_ntriples("urn:g", "<urn:a> <urn:b> <urn:c> .\n")
    assert proxy.ignored == 1 and proxy.queries == (1 if check_writes else 0)


def test_check_writes_false_reads_no_run_record_back_either(
    tmp_path: Path, oxigraph_url: str
) -> None:
    """The run record's read-back is a write check too: off with ``check_writes = false`` (a
    replica lagging behind would otherwise fail every run at its record; on by default, the
    tests above)."""
    with running_proxy(oxigraph_url) as proxy:
        proxy.ignore_writes = True
        store = sparql_store(proxy.url, check_writes=False)
        _, lagging = build_store(tmp_path, [str(SAMPLE_PROFILE)], store=store)
    assert proxy.ignored > 0
    assert [x for x in lagging.summary_lines() if x.startswith("failed:")] == []

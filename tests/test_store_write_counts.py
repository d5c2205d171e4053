"""Each acknowledged graph write is read back as the quads the graph holds, not only whether it
is there (:mod:`scholarkg.store.remote_writes`): a server (here a proxy before a real
``oxigraph serve``) that answers with success a write of a graph it already holds, without
applying it, fails the write with one line naming the graph, the quads it holds and those it
was sent. Before, the check asked only whether each graph was present: the old content passed,
and the run counted quads the store did not hold. The count expected is what the store holds of
the payload: its distinct triples (a line repeated, or written another way, is one; a blank
node label is one node)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from building import build_store, rebuild, sparql_store
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.errors import LoadError
from scholarkg.runs.report import RunReport
from scholarkg.store.endpoint_failures import not_applied
from scholarkg.store.remote import SparqlStore
from store_contents import beside_run_records, served_quads
from store_proxy import running_proxy

if TYPE_CHECKING:
    from oxigraph_server import OxigraphServer

pytest_plugins = ("oxigraph_server",)  # imported as the plugin, never as a module first

ONE = "<urn:a> <urn:b> <urn:c> .\n"
TWO = ONE + "<urn:a> <urn:b> <urn:d> .\n"
# 4 distinct triples in 7 lines: a line repeated, a blank node named twice, "x" as xsd:string,
# "A" escaped
SAME_TWICE = (
    "_:a <urn:p> <urn:o> .\n_:a <urn:p> <urn:o> .\n_:b <urn:p> <urn:o> .\n"
    '<urn:s> <urn:p> "x" .\n<urn:s> <urn:p> "x"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
    '<urn:s> <urn:p> "\\u0041" .\n<urn:s> <urn:p> "A" .\n'
)


@pytest.mark.parametrize("replace_via", ["put", "update"])
def test_a_second_write_of_a_graph_acknowledged_but_not_applied_fails_naming_its_count(
    oxigraph_url: str, replace_via: str
) -> None:
    with (
        running_proxy(oxigraph_url) as proxy,
        SparqlStore.for_oxigraph(proxy.url, replace_via=replace_via) as store,
    ):
        store.replace_graph_ntriples("urn:g", ONE)
        proxy.ignore_at = proxy.writes + 1
        with pytest.raises(LoadError) as caught:
            store.replace_graph_ntriples("urn:g", TWO)
        held = store.graph_sizes(["urn:g"])
    assert proxy.ignored == 1
    assert held == {"urn:g": 1}
    said = str(caught.value)
    assert said.startswith(f"{proxy.url}/"), said
    assert "holds 1 quad in graph <urn:g> instead of the 2 it was sent" in said, said
    assert "\n" not in said
    assert not_applied(caught.value)


def test_the_graphs_of_one_update_are_checked_with_one_query(oxigraph_url: str) -> None:
    """One update of 250 graphs, one of them not applied (the proxy drops the request and the
    graphs' content changed only in that one): one query reads the 250 back (before: one per
    200 graphs)."""
    graphs = [(f"urn:g{i}", ONE) for i in range(250)]
    with (
        running_proxy(oxigraph_url) as proxy,
        SparqlStore.for_oxigraph(proxy.url, replace_via="update") as store,
    ):
        store.replace_graphs(graphs)
        before = proxy.queries
        proxy.ignore_at = proxy.writes + 1
        graphs[7] = ("urn:g7", TWO)
        with pytest.raises(LoadError, match="holds 1 quad in graph <urn:g7> instead of the 2"):
            store.replace_graphs(graphs)
    assert proxy.queries - before == 1


@pytest.mark.parametrize("replace_via", ["put", "update"])
def test_repeated_lines_and_blank_nodes_are_counted_as_the_store_holds_them(
    oxigraph_url: str, replace_via: str
) -> None:
    with (
        running_proxy(oxigraph_url) as proxy,
        SparqlStore.for_oxigraph(proxy.url, replace_via=replace_via) as store,
    ):
        store.replace_graph_ntriples("urn:g", SAME_TWICE)
        assert store.graph_sizes(["urn:g"]) == {"urn:g": 4}
        store.replace_graphs([("urn:g", ""), ("urn:h", SAME_TWICE + ONE)])
        assert store.graph_sizes(["urn:g", "urn:h"]) == {"urn:h": 5}
    assert proxy.ignored == 0


def test_a_graph_holding_more_than_it_was_sent_fails_the_write(oxigraph_url: str) -> None:
    """A write added to what the graph held (a server merging where it was told to replace: a
    Graph Store POST for a PUT) leaves the graph present: only its count tells."""
    with (
        running_proxy(oxigraph_url) as proxy,
        SparqlStore.for_oxigraph(proxy.url) as store,
    ):
        store.replace_graph_ntriples("urn:g", "<urn:a> <urn:b> <urn:x> .\n")
        proxy.merge_puts = True
        with pytest.raises(LoadError, match="holds 3 quads in graph <urn:g> instead of the 2"):
            store.replace_graph_ntriples("urn:g", TWO)


def _two_runs(directory: Path, url: str) -> tuple[RunReport, RunReport]:
    """A build of one profile, then one that adds a second (rewriting graphs the first wrote:
    as their difference, with updates), into the server at ``url``."""
    store = sparql_store(url, replace_via="update")
    config, first = build_store(directory, [str(SAMPLE_PROFILE)], store=store)
    return first, rebuild(config, [str(SECOND_PROFILE)])


def test_writes_a_proxy_applies_twice_leave_the_store_and_counts_as_a_clean_run(
    tmp_path: Path, oxigraph_server: OxigraphServer
) -> None:
    """Every write is one the server may apply twice (a proxy that sent it again after its
    upstream timed out): a graph replaced, dropped or patched twice holds what it held after
    the first. The runs say ``ok``, count what the store holds, and leave it as clean runs do
    (no change was needed for this: a guard on the writes staying idempotent)."""
    oxigraph_server.clear()
    (tmp_path / "clean").mkdir()
    _two_runs(tmp_path / "clean", oxigraph_server.url)
    clean = beside_run_records(served_quads(oxigraph_server.url, tmp_path / "clean"))
    oxigraph_server.clear()
    (tmp_path / "run").mkdir()
    with running_proxy(oxigraph_server.url) as proxy:
        proxy.replay_writes = True
        reports = _two_runs(tmp_path / "run", proxy.url)
        with SparqlStore.for_oxigraph(proxy.url) as store:
            held = store.quad_count()
    assert proxy.replayed > 0
    assert any("DELETE DATA" in update for update in proxy.updates)  # patched, too
    for report in reports:
        assert report.outcome == "ok", report.summary_lines()
    assert reports[1].store_quads == held
    assert beside_run_records(served_quads(oxigraph_server.url, tmp_path / "run")) == clean


def test_a_run_whose_rewrite_of_held_graphs_is_not_applied_fails_and_the_next_mends_it(
    tmp_path: Path, oxigraph_server: OxigraphServer
) -> None:
    """The second run's update that rewrites graphs the first wrote (their difference:
    ``DELETE DATA`` …) is acknowledged by a proxy and never applied. Before: the graphs were
    there, so the run said ``ok`` and counted what it had sent; now it fails in one line naming
    a graph and its count, counts what the store holds, and the next run mends it."""
    oxigraph_server.clear()
    (tmp_path / "clean").mkdir()
    _two_runs(tmp_path / "clean", oxigraph_server.url)
    clean = beside_run_records(served_quads(oxigraph_server.url, tmp_path / "clean"))
    oxigraph_server.clear()
    with running_proxy(oxigraph_server.url) as proxy:
        store = sparql_store(proxy.url, replace_via="update")
        config, first = build_store(tmp_path, [str(SAMPLE_PROFILE)], store=store)
        assert first.outcome == "ok", first.summary_lines()
        proxy.ignore_matching = b"DELETE DATA"
        lied_to = rebuild(config, [str(SECOND_PROFILE)])
        assert proxy.ignored > 0
        with SparqlStore.for_oxigraph(proxy.url) as server:
            held = server.quad_count()
        proxy.ignore_matching = None
        again = rebuild(config, [str(SECOND_PROFILE)])
    assert lied_to.outcome == "failed", lied_to.summary_lines()
    [line] = [x for x in lied_to.summary_lines() if x.startswith("failed:")]
    assert (
        f"{proxy.url}/update: SPARQL update: answered with success, but the server holds " in line
    )
    assert re.search(r"holds \d+ quads? in graph <[^>]+> instead of the \d+ it was sent", line)
    assert lied_to.store_quads == held
    assert again.outcome == "ok", again.summary_lines()
    assert beside_run_records(served_quads(oxigraph_server.url, tmp_path)) == clean


@pytest.mark.parametrize("count", ["abc", "-1"])
def test_a_run_told_counts_that_are_none_fails_in_one_line_and_counts_nothing_false(
    tmp_path: Path, oxigraph_url: str, count: str
) -> None:
    """Every count the server answers is ``abc`` (before: a ValueError traceback out of the
    run) or ``-1`` (before: the write failed as not applied, and the report said the store held
    -2 quads): the run fails in one line naming the server and the count, and says nothing of
    what the store holds rather than a false number."""
    with running_proxy(oxigraph_url) as proxy:
        proxy.counts_as = count
        store = sparql_store(proxy.url, replace_via="update")
        _, told = build_store(tmp_path, [str(SAMPLE_PROFILE)], store=store)
    assert told.outcome == "failed", told.summary_lines()
    [line] = [x for x in told.summary_lines() if x.startswith("failed:")]
    assert f"{proxy.url}/query: the quads of graph <" in line, line
    assert f": '{count}' is no count (a whole number from 0 to 2^63 - 1)" in line, line
    assert told.store_quads is None
    assert not [x for x in told.summary_lines() if x.startswith("store: holds")]

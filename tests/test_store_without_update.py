"""A SPARQL server given as a query endpoint and a Graph Store endpoint only (no update_url)."""

from __future__ import annotations

from pathlib import Path

import pytest

from building import build_store, sparql_store
from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.store.remote import SparqlStore
from snapshot_sample import SNAPSHOT

pytest_plugins = ("oxigraph_server",)
pytestmark = pytest.mark.server


def test_a_store_without_an_update_endpoint_builds_and_rebuilds(
    tmp_path: Path, oxigraph_url: str
) -> None:
    store = sparql_store(oxigraph_url, replace_via="put")
    del store["update_url"]
    config, first = build_store(tmp_path, [str(SAMPLE_PROFILE)], store=store)
    assert first.outcome == "ok", "\n".join(first.summary_lines())
    with config.store.open() as server:
        assert server.quad_count() == first.store_quads
    second = build_store(tmp_path, [str(SAMPLE_PROFILE), str(SECOND_PROFILE)], store=store)[1]
    assert second.outcome == "ok", second.summary_lines()
    with config.store.open() as server:
        assert server.quad_count() == second.store_quads


def test_graphs_are_dropped_through_the_graph_store_endpoint(oxigraph_url: str) -> None:
    """An empty replacement drops the graph with a Graph Store ``DELETE``; one the server
    does not hold (404) is already gone, as ``DROP SILENT`` would have it."""
    store = SparqlStore(f"{oxigraph_url}/query", store_url=f"{oxigraph_url}/store")
    kept, gone = "urn:x:kept", "urn:x:gone"
    line = "<urn:x:s> <urn:x:p> <urn:x:o> .\n"
    store.replace_graphs([(kept, line), (gone, line)])
    assert store.graph_names() == {kept, gone}
    store.replace_graphs([(gone, ""), ("urn:x:never-written", "")])
    assert store.graph_names() == {kept}
    assert store.triples_in(kept) == {("<urn:x:s>", "<urn:x:p>", "<urn:x:o>")}


@pytest.mark.parametrize("bulk", [False, True])
def test_a_store_without_a_graph_store_endpoint_loads_through_updates(
    tmp_path: Path, oxigraph_url: str, bulk: bool
) -> None:
    """``replace_via = "put"`` (the default) with only an Update endpoint: graphs are replaced
    with updates, by either loader; nothing goes to dead-letter."""
    store = sparql_store(oxigraph_url)
    del store["store_url"]
    config = load_config(write_config(tmp_path, [], store=store))
    report = load_snapshot(config, SNAPSHOT, workers=0, bulk=bulk).report
    assert report.outcome == "ok", "\n".join(report.summary_lines())
    assert not report.dead
    with config.store.open() as server:
        assert server.quad_count() == report.store_quads > 0

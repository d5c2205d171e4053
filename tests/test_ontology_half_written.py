"""A store that takes the ontology graph and refuses the category scheme's: the run fails in
one line and its report counts the ontology graph the store holds (before: the graphs the
ontology step wrote were counted only once both were, so the report left out the 482 triples
of the ontology the store held).

A real ``oxigraph serve`` behind a loopback proxy refusing (400) the category graph's write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from building import build_store, sparql_store
from samples import SAMPLE_PROFILE
from scholarkg.iris import Minter
from store_proxy import StoreProxy, running_proxy

pytest_plugins = ("oxigraph_server",)
pytestmark = pytest.mark.server


@pytest.fixture
def proxy(oxigraph_url: str) -> Iterator[StoreProxy]:
    with running_proxy(oxigraph_url) as running:
        yield running


def test_an_ontology_graph_written_before_the_store_refuses_the_next_is_counted(
    tmp_path: Path, proxy: StoreProxy
) -> None:
    proxy.refuse_matching = b"/graph/categories"
    config, report = build_store(
        tmp_path, [str(SAMPLE_PROFILE)], store=sparql_store(proxy.url, replace_via="put")
    )
    assert proxy.refused
    assert report.outcome == "failed", report.summary_lines()
    assert report.store_error is not None and "\n" not in report.store_error
    assert "/graph/categories" in report.store_error
    ontology = str(Minter(config.iri_base).ontology_graph())
    with config.store.open() as server:
        held = server.quad_count()
        sizes = server.graph_sizes([ontology])
    assert report.store_quads == held
    assert report.run_graphs.get("ontology") == report.ontology_triples > 0
    assert sizes == {ontology: report.ontology_triples}
    wrote = report.triples_added or 0
    assert (
        wrote + report.provenance_triples + report.report_triples + report.ontology_triples == held
    )

"""A SPARQL server (or a proxy before it: nginx takes 1 MiB by default) that refuses requests
over a body limit with HTTP 413 applies none of such a request: the updates of many graphs it
refuses are sent again in halves, down to one graph a request, and no later update as large is
sent whole. Before, the bulk loader's first update of a segment (the 100-record sample
snapshot: one of 1 072 106 characters) was refused, and the load failed at it on every run for
as long as the limit stood.

The store is a real ``oxigraph serve`` behind a loopback proxy with a body limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_config
from hostile_store import SNAPSHOT
from scholarkg.config import load_config
from scholarkg.errors import LoadError
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.store.remote import SparqlStore
from store_proxy import StoreProxy, running_proxy

pytest_plugins = ("oxigraph_server",)
pytestmark = pytest.mark.server

LIMIT = 200_000  # bytes: under the bulk loader's requests, over the largest graph's update


@pytest.fixture
def proxy(oxigraph_url: str) -> Iterator[StoreProxy]:
    with running_proxy(oxigraph_url) as running:
        yield running


def _refused(proxy: StoreProxy) -> list[int]:
    """The sizes of the updates the proxy refused, in the order they came."""
    sizes = [len(update.encode("utf-8")) for update in proxy.updates]
    return [size for size in sizes if size > LIMIT]


def test_a_snapshot_loads_through_a_body_limit_and_again_adds_nothing(
    tmp_path: Path, proxy: StoreProxy
) -> None:
    base = proxy.url
    store = {
        "kind": "sparql",
        "query_url": f"{base}/query",
        "update_url": f"{base}/update",
        "replace_via": "update",
    }
    config = load_config(write_config(tmp_path, [], store=store))
    proxy.max_body = LIMIT
    first = load_snapshot(config, SNAPSHOT, workers=0).report
    assert first.outcome == "ok", first.summary_lines()
    refused = _refused(proxy)
    assert refused[0] > 1_000_000  # the segment's first update, whole
    assert refused == sorted(refused, reverse=True)  # none sent again as large as one refused
    assert len(refused) == proxy.too_large == 4  # 1 MB, then halves down to 250 KB
    assert (first.records_loaded, first.graphs_written) == (100, 307)
    with config.store.open() as server:
        held = server.quad_count()
    written = first.triples_added + first.provenance_triples + first.report_triples
    assert held == first.store_quads == written + sum(first.run_graphs.values())

    again = load_snapshot(config, SNAPSHOT, workers=0, force=True).report  # every chunk redone
    assert again.outcome == "ok", again.summary_lines()
    assert (again.graphs_written, again.graphs_unchanged) == (0, 100)  # persons: unchanged
    with config.store.open() as server:
        assert server.quad_count() == again.store_quads == held  # nothing twice


def test_one_graph_over_the_limit_is_one_line_and_nothing_is_written(proxy: StoreProxy) -> None:
    base = proxy.url
    big = "".join(f'<urn:x:s> <urn:x:p> "{n:08d}" .\n' for n in range(8000))  # ~280 KB
    small = '<urn:x:s> <urn:x:p> "small" .\n'
    proxy.max_body = LIMIT
    with SparqlStore(f"{base}/query", f"{base}/update", replace_via="update") as store:
        with pytest.raises(LoadError) as refused:
            store.replace_graphs([("urn:x:small", small), ("urn:x:big", big)])
        assert store.graph_names() == {"urn:x:small"}  # sent in a half of its own
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{base}/update: SPARQL update: HTTP 413 Payload Too Large: ")
    assert message.endswith(
        "(one graph's update of 264069 bytes: raise the server's limit on the size of a request)"
    )
    assert proxy.too_large == 2  # both graphs in one request, then the big one alone

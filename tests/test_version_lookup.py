"""The store's look-up of the record versions it holds (one query a chunk, which keeps a run
from rolling a paper back) met by a server that fails for a moment: asked again, a bounded
number of times, and past them one clear line naming the look-up and the store's answer
(before: the first failed query stopped the run, whatever the failure). A real Oxigraph
server behind a loopback proxy answering 503."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from building import sparql_store
from conftest import write_config
from scholarkg.config import load_config
from scholarkg.errors import QueryError
from scholarkg.iris import SKG, Minter
from scholarkg.runs import held_versions
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.held_versions import StoreVersions, versions_in_store
from scholarkg.store.remote import SparqlStore
from store_proxy import StoreProxy, running_proxy

pytest_plugins = ("oxigraph_server",)
pytestmark = pytest.mark.server

HELD = "2101.00001"
SNAPSHOT = Path(__file__).parent / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"


@pytest.fixture
def proxy(oxigraph_url: str) -> Iterator[StoreProxy]:
    graph = Minter().arxiv_graph(HELD)
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <{graph}#v3> <{SKG.versionNumber}> 3 }} }}"
    requests.post(f"{oxigraph_url}/update", data={"update": update}, timeout=30)
    with running_proxy(oxigraph_url) as running:
        yield running


def versions(tmp_path: Path, proxy: StoreProxy) -> StoreVersions:
    store = SparqlStore(f"{proxy.url}/query")
    minter = Minter()
    return StoreVersions(
        tmp_path / "versions.sqlite", lambda ids: versions_in_store(store, minter, ids)
    )


def test_a_version_look_up_the_server_fails_for_a_moment_is_asked_again(
    tmp_path: Path, proxy: StoreProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(held_versions, "RETRY_PAUSE", 0.01)
    proxy.failing, proxy.fail_queries = b"versionNumber", held_versions.TRIES - 1
    table = versions(tmp_path, proxy)
    assert table.older({HELD: 2, "2101.00002": 1}) == {HELD: (2, 3)}
    assert proxy.queries == held_versions.TRIES and proxy.fail_queries == 0
    table.close()


def test_a_version_look_up_that_keeps_failing_stops_with_one_line(
    tmp_path: Path, proxy: StoreProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(held_versions, "RETRY_PAUSE", 0.01)
    proxy.failing, proxy.fail_queries = b"versionNumber", 100
    table = versions(tmp_path, proxy)
    with pytest.raises(QueryError) as failed:
        table.older({HELD: 2})
    assert proxy.queries == held_versions.TRIES  # bounded
    said = str(failed.value)
    assert "\n" not in said
    assert said.startswith(
        f"record versions: the store did not say which versions it holds (asked "
        f"{held_versions.TRIES} times; a record older than the store's would replace it): "
        f"{proxy.url}/query: SPARQL query: "
    )
    assert "503" in said
    table.close()


def test_a_version_look_up_the_server_refuses_is_not_asked_again(
    tmp_path: Path, proxy: StoreProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refusal that asking again cannot change (a 4xx) is said at once."""
    monkeypatch.setattr(held_versions, "RETRY_PAUSE", 0.01)
    proxy.expected = "Basic nobody"  # every request answered 401
    table = versions(tmp_path, proxy)
    with pytest.raises(QueryError, match=r"asked 1 time;.*401"):
        table.older({HELD: 2})
    table.close()


def test_a_snapshot_load_goes_on_past_a_moment_s_failure_of_the_version_look_up(
    tmp_path: Path, proxy: StoreProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole run (the snapshot job, 100 records in two chunks, over the proxy): the look-up
    failing once is asked again and the run loads every record; failing on, the run stops
    with the one line."""
    monkeypatch.setattr(held_versions, "RETRY_PAUSE", 0.01)
    proxy.failing, proxy.fail_queries = b"versionNumber", 1
    (tmp_path / "once").mkdir()
    (tmp_path / "on").mkdir()
    config = load_config(write_config(tmp_path / "once", [], store=sparql_store(proxy.url)))
    report = load_snapshot(config, SNAPSHOT, chunk_records=50, workers=0).report
    assert (report.records_read, report.store_error) == (100, None)
    assert proxy.fail_queries == 0 and proxy.queries == 3  # one chunk's asked twice
    proxy.fail_queries = 100
    again = load_config(write_config(tmp_path / "on", [], store=sparql_store(proxy.url)))
    with pytest.raises(QueryError, match=r"^record versions: .* \(asked 3 times; .*: HTTP 503"):
        load_snapshot(again, SNAPSHOT, chunk_records=50, workers=0)

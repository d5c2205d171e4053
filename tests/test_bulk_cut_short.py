"""A bulk segment cut short counts, and lists in the change set, what the store took of it.

The store is a real ``oxigraph serve`` behind a loopback proxy that refuses writes on demand.
A run (a second load over graphs an earlier one wrote) gives two graphs changed and two new in
one segment. Stopped once the loader has taken the chunk, the new graphs are written and the
changed ones are not: before, the loader counted the new ones while their requests were never
sent. Failing because the store refuses the segment's writes, none is written: before, the
tally and the change set counted the two new graphs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from polls import within
from scholarkg.errors import LoadError
from scholarkg.load.bulk import BulkLoader
from scholarkg.load.changes import ChangeSet
from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import GraphPayload, make_payload
from scholarkg.load.transactional import LoadTally
from scholarkg.store.remote import SparqlStore
from store_proxy import StoreProxy, running_proxy

pytest_plugins = ("oxigraph_server",)
pytestmark = pytest.mark.server

EX = "https://example.org/"
WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
BOUND = 60.0  # only catches a hang


def graph(number: int, value: str) -> GraphPayload:
    iri = f"{EX}graph/{number}"
    triples = [(f"<{iri}/s>", f"<{EX}p>", f'"{value}"'), (f"<{iri}/s>", f"<{EX}q>", '"same"')]
    return make_payload(iri, "arxiv", triples)


@pytest.fixture
def proxy(oxigraph_url: str) -> Iterator[StoreProxy]:
    with running_proxy(oxigraph_url) as running:
        yield running


def loader(tmp_path: Path, proxy: StoreProxy, run: str) -> BulkLoader:
    base = proxy.url
    store = SparqlStore(f"{base}/query", f"{base}/update", f"{base}/store", replace_via="update")
    return BulkLoader(
        store,
        lambda: Manifest(tmp_path / "state", "fingerprint"),
        run_iri=f"urn:x-test:{run}",
        when=WHEN,
        changes=ChangeSet(tmp_path / "changes" / run),
    )


def held(proxy: StoreProxy) -> dict[str, set[tuple[str, str, str]]]:
    """The data graphs the store holds, each with its triples but its provenance."""
    store = SparqlStore(f"{proxy.url}/query")
    found = {}
    for iri in sorted(store.graph_names()):
        if iri.startswith(f"{EX}graph/"):
            found[iri] = {t for t in store.triples_in(iri) if t[0] != f"<{iri}>"}
    return found


def listed(tmp_path: Path, run: str) -> list[str]:
    """The graphs the run's change set lists."""
    tsv = tmp_path / "changes" / run / "graphs.tsv"
    if not tsv.exists():
        return []
    return sorted(line.split("\t")[0] for line in tsv.read_text().splitlines())


def second_run(tmp_path: Path, proxy: StoreProxy) -> tuple[BulkLoader, dict[str, set]]:
    first = loader(tmp_path, proxy, "first")
    first.add([graph(0, "a"), graph(1, "a")])
    first.close()
    before = held(proxy)
    second = loader(tmp_path, proxy, "second")
    second.add([graph(0, "b"), graph(1, "b"), graph(2, "b"), graph(3, "b")])
    return second, before


def changed(before: dict[str, set], after: dict[str, set]) -> list[str]:
    return sorted(iri for iri in after.keys() | before.keys() if after.get(iri) != before.get(iri))


def agree(tally: LoadTally, before: dict[str, set], after: dict[str, set]) -> None:
    """The tally counts what the store took: the graphs whose content changed, their triples."""
    moved = changed(before, after)
    assert tally.written == len(moved), (tally, moved)
    added = sum(len(after.get(i, set()) - before.get(i, set())) for i in moved)
    removed = sum(len(before.get(i, set()) - after.get(i, set())) for i in moved)
    assert (tally.changes.added, tally.changes.removed) == (added, removed)


def test_a_stopped_segment_counts_the_new_graphs_it_wrote_and_not_the_changed_ones(
    tmp_path: Path, proxy: StoreProxy
) -> None:
    second, before = second_run(tmp_path, proxy)
    asked = len(proxy.seen)
    within(lambda: len(proxy.seen) >= asked + 1, BOUND)  # the chunk is taken
    second.abort()
    second.tally.changes.close()
    after = held(proxy)
    assert changed(before, after) == [f"{EX}graph/2", f"{EX}graph/3"]  # new: written
    agree(second.tally, before, after)
    assert listed(tmp_path, "second") == changed(before, after)


def test_a_segment_the_store_refuses_counts_and_lists_nothing(
    tmp_path: Path, proxy: StoreProxy
) -> None:
    second, before = second_run(tmp_path, proxy)
    proxy.refuse_writes = True  # the segment is sent when it ends, at close
    with pytest.raises(LoadError):
        second.close()
    second.tally.changes.close()
    proxy.refuse_writes = False
    after = held(proxy)
    assert proxy.refused and after == before
    agree(second.tally, before, after)
    assert second.tally.written == 0 and listed(tmp_path, "second") == []

"""One graph given twice within one bulk segment holds its later state, as loaded one by one.

Before, the second state was patched against what the graph held before the segment (read
when the segment ended, for both), or, new to the store, streamed beside the first: the store
held the union of the two states. A snapshot load quarantines a later line of an id, so no
run is known to send this; the loader takes any chunks, though.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from scholarkg.load import bulk
from scholarkg.load.bulk import BulkLoader
from scholarkg.load.changes import ChangeSet
from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import GraphPayload, make_payload
from scholarkg.store.embedded import EmbeddedStore

EX = "https://example.org/"
G = f"{EX}graph/0"
WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def state(value: str) -> GraphPayload:
    return make_payload(G, "arxiv", [(f"<{G}/s>", f"<{EX}p>", f'"{value}"')])


def load(path: Path, chunks: list[list[str]], name: str) -> None:
    with EmbeddedStore(path / "store") as store:
        loader = BulkLoader(
            store,
            lambda: Manifest(path / "state", "fingerprint"),
            run_iri="urn:x-test:run",
            when=WHEN,
            changes=ChangeSet(path / f"changes-{name}"),
        )
        for chunk in chunks:
            loader.add([state(value) for value in chunk])
        loader.close()


def held(path: Path) -> tuple[list[str], dict[str, int]]:
    with EmbeddedStore(path / "store", read_only=True) as store:
        values = sorted(o for _, p, o in store.triples_in(G) if p == f"<{EX}p>")
    manifest = Manifest(path / "state", "fingerprint")
    try:
        return values, manifest.contents.predicate_totals()
    finally:
        manifest.close()


@pytest.mark.parametrize("before", [[], ["old"]])
@pytest.mark.parametrize("chunks", [[["a"], ["b"]], [["a", "b"]]])
def test_the_later_state_is_held(
    tmp_path: Path, before: list[str], chunks: list[list[str]]
) -> None:
    if before:
        load(tmp_path, [before], "before")
    load(tmp_path, chunks, "twice")
    values, totals = held(tmp_path)
    assert values == ['"b"']
    assert totals[f"{EX}p"] == 1


def test_two_graphs_each_given_twice_in_one_chunk_hold_their_later_states(
    tmp_path: Path,
) -> None:
    """The second graph's repeat came after the segment was finished for the first one's: the
    loader no longer knew the second was written and streamed its later state beside the
    earlier one (the store held both)."""
    other = f"{EX}graph/1"
    states = [
        make_payload(iri, "arxiv", [(f"<{iri}/s>", f"<{EX}p>", f'"{value}"')])
        for iri, value in ((G, "a"), (other, "a"), (G, "b"), (other, "b"))
    ]
    with EmbeddedStore(tmp_path / "store") as store:
        loader = BulkLoader(
            store,
            lambda: Manifest(tmp_path / "state", "fingerprint"),
            run_iri="urn:x-test:run",
            when=WHEN,
            changes=ChangeSet(tmp_path / "changes"),
        )
        loader.add(states)
        tally = loader.close()
        values = {
            iri: sorted(o for _, p, o in store.triples_in(iri) if p == f"<{EX}p>")
            for iri in (G, other)
        }
    assert values == {G: ['"b"'], other: ['"b"']}
    assert tally.written == 4 and tally.quads_written == 4 * 4  # each: a triple, 3 of provenance


@pytest.mark.parametrize("chunks", [[["a", "b"]], [["a", "b", "c"]], [["a"], ["b", "c"]]])
def test_write_changed_is_given_each_graph_once_and_the_manifest_holds_the_later_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunks: list[list[str]]
) -> None:
    """``write_changed`` patches every graph it is given against what it held before the call,
    so a graph given twice in one call would be patched twice against its old state (the store
    holding the union of its states, the manifest only the later one). The loader keeps that
    from happening: a graph given again finishes the segment first (``BulkLoader._take``).
    Pinned here through the loader, on a graph the store held before: each call gets distinct
    graphs, and the manifest's row for the graph is the store's (its quads, the later state)."""
    load(tmp_path, [["old"]], "before")
    given: list[list[str]] = []
    original = bulk.write_changed

    def spied(*args: Any, **kwargs: Any) -> None:  # a spy on the real write: graphs per call
        given.append([payload.iri for payload, _ in args[3]])
        original(*args, **kwargs)

    monkeypatch.setattr(bulk, "write_changed", spied)
    load(tmp_path, chunks, "twice")
    assert given and all(len(set(call)) == len(call) for call in given)
    with EmbeddedStore(tmp_path / "store", read_only=True) as store:
        size, triples = store.graph_sizes([G])[G], store.triples_in(G)
    manifest = Manifest(tmp_path / "state", "fingerprint")
    try:
        noted = manifest.known([G])[G]
        row = manifest.contents.nquads_of([G])[G]
    finally:
        manifest.close()
    later = chunks[-1][-1]
    assert noted == (state(later).digest, size)
    quads = ox.parse(row, format=ox.RdfFormat.N_QUADS)
    assert {(str(q.subject), str(q.predicate), str(q.object)) for q in quads} == triples
    assert sorted(o for _, p, o in triples if p == f"<{EX}p>") == [f'"{later}"']

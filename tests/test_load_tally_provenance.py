"""The loaders count the provenance and SHACL report triples the graphs written hold at the end
of the run: a graph written twice in one run counts its later write only, and a graph written
then dropped in the same run counts nothing. Both loaders, graph payloads made in the test (no
job is known to send a graph twice; the loaders take any chunks, though)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest

from scholarkg.load.bulk import BulkLoader
from scholarkg.load.changes import ChangeSet
from scholarkg.load.manifest import Manifest
from scholarkg.load.outbox import DeadLetters
from scholarkg.load.payload import GraphPayload, make_payload
from scholarkg.load.transactional import LoadTally, TransactionalLoader
from scholarkg.shacl.report import Finding
from scholarkg.store.embedded import EmbeddedStore

EX = "https://example.org/"
RUN = "urn:x-test:run"
WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
INFO = Finding("Info", f"{EX}s", f"{EX}p", "an info", f"{EX}shape")


def state(graph: str, value: str, *, finding: bool = False) -> GraphPayload:
    triples = [(f"<{EX}s>", f"<{EX}p>", f'"{graph}{value}"')]
    return make_payload(f"{EX}graph/{graph}", "arxiv", triples, [INFO] if finding else [])


def load(path: Path, steps: list[list[GraphPayload] | str], bulk: bool) -> LoadTally:
    """Load the steps into the store in ``path``: a list of graphs, or a graph to drop."""
    with EmbeddedStore(path / "store") as store:
        changes = ChangeSet(path / "changes")
        manifest = lambda: Manifest(path / "state", "fingerprint")  # noqa: E731
        loader: BulkLoader | TransactionalLoader
        if bulk:
            loader = BulkLoader(store, manifest, run_iri=RUN, when=WHEN, changes=changes)
        else:
            dead = DeadLetters(path, "run")
            loader = TransactionalLoader(
                store, manifest(), run_iri=RUN, when=WHEN, changes=changes, dead=dead
            )
        for step in steps:
            if isinstance(step, str):
                loader.drop([f"{EX}graph/{step}"])
            elif isinstance(loader, BulkLoader):
                loader.add(step)
            else:
                loader.load(step)
        if isinstance(loader, BulkLoader):
            return loader.close()
        loader.manifest.close()
        return loader.tally


def held(path: Path) -> tuple[int, int]:
    """(triples the data graphs state about themselves, triples in SHACL report graphs)."""
    store = ox.Store.read_only(str(path / "store"))
    provenance = reports = 0
    for graph in store.named_graphs():
        if graph.value.endswith("/shacl-report"):
            reports += len(list(store.quads_for_pattern(None, None, None, graph)))
        else:
            provenance += len(list(store.quads_for_pattern(graph, None, None, graph)))
    return provenance, reports


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "transactional"])
@pytest.mark.parametrize("one_chunk", [True, False], ids=["one chunk", "two chunks"])
def test_what_a_run_rewrote_or_dropped_is_counted_once(
    tmp_path: Path, bulk: bool, one_chunk: bool
) -> None:
    first = [state("a", "1", finding=True), state("b", "1", finding=True), state("c", "1")]
    second = [state("a", "2"), state("c", "2", finding=True)]
    steps: list[list[GraphPayload] | str] = (
        [first + second, "b"] if one_chunk else [first, second, "b"]
    )
    tally = load(tmp_path, steps, bulk)
    provenance, reports = held(tmp_path)
    assert reports > 0 and provenance == 2 * 3 + 1  # each: run, time, digest; c: its report
    assert (tally.provenance, tally.reports) == (provenance, reports)
    assert tally.removed == 1


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "transactional"])
def test_a_triple_listed_twice_counts_once_as_the_store_holds_it(
    tmp_path: Path, bulk: bool
) -> None:
    """A new graph whose triple list repeats a triple holds it once: its payload is the graph's
    (data, digest, count, statistics), and the change counts say what the store holds."""
    s, p = f"<{EX}s>", f"<{EX}p>"
    listed = [(s, p, '"one"'), (s, p, '"two"'), (s, p, '"one"')]
    payload = make_payload(f"{EX}graph/r", "arxiv", listed)
    tally = load(tmp_path, [[payload]], bulk)
    store = ox.Store.read_only(str(tmp_path / "store"))
    graph = ox.NamedNode(f"{EX}graph/r")
    data = [q for q in store.quads_for_pattern(None, None, None, graph) if q.subject != graph]
    assert len(data) == 2
    changes = tally.changes
    assert (changes.graphs, changes.added, changes.removed) == (1, len(data), 0)
    assert payload == make_payload(f"{EX}graph/r", "arxiv", listed[:2])

"""The transactional loader notes the graphs it wrote in the manifest a batch at a time.

Before, it noted each graph as it wrote it (its digest, a drop and a put of its contents, each
a few statements), so the SQLite statements of a load grew with its graphs, ~12 a graph. The
calls are counted on the real manifest's real SQLite connection (its ``execute`` and
``executemany`` counted and called through), through the real loader and the real embedded
store; what the manifest holds is compared with a load of the graphs alone. A store that fails
part-way leaves the manifest noting exactly the graphs it took.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from pathlib import Path

import pytest

from manifest_graphs import EX, FEW, MANY, CountedStatements, graph_rows, payload, transactional
from scholarkg.errors import LoadError
from scholarkg.load.transactional import StoreUnavailable
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.patch import GraphPatch


def changed_load(tmp_path: Path, graphs: int) -> int:
    """The statements a transactional load of ``graphs`` changed graphs made, its commit's too."""
    with EmbeddedStore(tmp_path / "store") as store:
        opener = CountedStatements(tmp_path / "state")
        transactional(store, opener, "old").load([payload(n, "old") for n in range(graphs)])
        loader = transactional(store, opener, "new")
        opener.calls = 0
        loader.load([payload(n, "new") for n in range(graphs)])
        loader.manifest.close()
    return opener.calls


def test_transactional_notes_in_statements_that_do_not_grow_with_the_graphs(
    tmp_path: Path,
) -> None:
    few, many = changed_load(tmp_path / "few", FEW), changed_load(tmp_path / "many", MANY)
    assert many == few  # before: 40 graphs, 474 statements (3 graphs: 37); now 14 each


def test_transactional_notes_hold_what_a_load_of_the_new_graphs_alone_holds(
    tmp_path: Path,
) -> None:
    changed_load(tmp_path / "changed", 30)
    with EmbeddedStore(tmp_path / "fresh" / "store") as store:
        loader = transactional(store, CountedStatements(tmp_path / "fresh" / "state"), "new")
        loader.load([payload(n, "new") for n in range(30)])
        loader.manifest.close()
    assert graph_rows(tmp_path / "changed" / "state") == graph_rows(tmp_path / "fresh" / "state")


class FullAfter(EmbeddedStore):
    """The embedded store whose disk fills after ``room`` graphs' writes."""

    room = 0

    def patch_graphs(self, patches: Sequence[GraphPatch]) -> None:
        if self.room == 0:
            full = OSError(errno.ENOSPC, "No space left on device")
            raise LoadError(f"{self.path}: cannot replace {len(patches)} graphs") from full
        self.room -= 1
        super().patch_graphs(patches)


def test_a_store_full_part_way_leaves_noted_exactly_the_graphs_it_took(tmp_path: Path) -> None:
    with FullAfter(tmp_path / "store") as store:
        store.room = 4
        opener = CountedStatements(tmp_path / "state")
        loader = transactional(store, opener, "new")
        with pytest.raises(StoreUnavailable) as raised:
            loader.load([payload(n, "new") for n in range(10)])
        loader.manifest.close()  # anything noted but not committed is dropped
        assert [p.iri for p in raised.value.remaining] == [f"{EX}graph/{n}" for n in range(4, 10)]
        held = {g for g in store.iter_graph_names() if not g.endswith("/shacl-report")}
    graphs, _ = graph_rows(tmp_path / "state")
    assert [iri for iri, _, _ in graphs] == sorted(held) == [f"{EX}graph/{n}" for n in range(4)]
    with EmbeddedStore(tmp_path / "alone" / "store") as store:
        loader = transactional(store, CountedStatements(tmp_path / "alone" / "state"), "new")
        loader.load([payload(n, "new") for n in range(4)])
        loader.manifest.close()
    assert graph_rows(tmp_path / "state") == graph_rows(tmp_path / "alone" / "state")


@pytest.mark.parametrize("limit", [1, None], ids=["noted-each", "noted-at-commit"])
def test_a_graph_written_twice_before_its_note_is_noted_as_last_written(
    tmp_path: Path, limit: int | None
) -> None:
    """Graph 3 has a report graph in its old version, none in its new one: written old, then
    new, in one call, the manifest holds the new one and no report row (as noting each write in
    turn left it), whether the notes wait for the commit or are taken at each graph."""
    with EmbeddedStore(tmp_path / "twice" / "store") as store:
        loader = transactional(store, CountedStatements(tmp_path / "twice" / "state"), "new")
        loader._notes.limit = limit or loader._notes.limit
        loader.load([payload(3, "old"), payload(4, "new"), payload(3, "new")])
        loader.manifest.close()
    with EmbeddedStore(tmp_path / "once" / "store") as store:
        loader = transactional(store, CountedStatements(tmp_path / "once" / "state"), "new")
        loader.load([payload(4, "new"), payload(3, "new")])
        loader.manifest.close()
    assert graph_rows(tmp_path / "twice" / "state") == graph_rows(tmp_path / "once" / "state")

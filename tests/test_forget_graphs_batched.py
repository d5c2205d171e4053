"""Both loaders forget the graphs they drop in a few statements for all of them.

Before, a dropped graph was forgotten with a delete of its manifest row and two drops of its
contents (its report graph's too), a few statements each, so the statements grew with the
graphs dropped. Counted and compared as in test_transactional_notes_batched.py: the real
manifest's real SQLite connection, the real loaders, the real embedded store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from manifest_graphs import (
    EX,
    FEW,
    MANY,
    RUN,
    WHEN,
    CountedStatements,
    graph_rows,
    payload,
    transactional,
)
from scholarkg.load.bulk import BulkLoader
from scholarkg.load.changes import ChangeSet
from scholarkg.store.embedded import EmbeddedStore


def transactional_drop(tmp_path: Path, graphs: int, dropped: int) -> int:
    with EmbeddedStore(tmp_path / "store") as store:
        opener = CountedStatements(tmp_path / "state")
        loader = transactional(store, opener, "new")
        loader.load([payload(n, "new") for n in range(graphs)])
        opener.calls = 0
        loader.drop([f"{EX}graph/{n}" for n in range(dropped)])
        loader.manifest.close()
    return opener.calls


def bulk_drop(tmp_path: Path, graphs: int, dropped: int) -> int:
    with EmbeddedStore(tmp_path / "store") as store:
        opener = CountedStatements(tmp_path / "state")
        changes = ChangeSet(tmp_path / "changes")
        loader = BulkLoader(store, opener, run_iri=RUN, when=WHEN, changes=changes)
        loader.add([payload(n, "new") for n in range(graphs)])
        loader.close()
        opener.calls = 0
        loader = BulkLoader(store, opener, run_iri=RUN, when=WHEN, changes=changes)
        loader.drop([f"{EX}graph/{n}" for n in range(dropped)])
        loader.close()
    return opener.calls


@pytest.mark.parametrize("drop", [transactional_drop, bulk_drop], ids=["transactional", "bulk"])
def test_dropped_graphs_are_forgotten_in_statements_that_do_not_grow_with_them(
    tmp_path: Path, drop: Callable[[Path, int, int], int]
) -> None:
    few, many = drop(tmp_path / "few", MANY, FEW), drop(tmp_path / "many", MANY, MANY - 2)
    assert many == few  # before: 38 graphs, 343 and 310 statements (3: 28 and 30)


@pytest.mark.parametrize("drop", [transactional_drop, bulk_drop], ids=["transactional", "bulk"])
def test_forgotten_graphs_leave_what_a_load_of_the_rest_alone_holds(
    tmp_path: Path, drop: Callable[[Path, int, int], int]
) -> None:
    drop(tmp_path / "dropped", 30, 20)
    with EmbeddedStore(tmp_path / "rest" / "store") as store:
        loader = transactional(store, CountedStatements(tmp_path / "rest" / "state"), "new")
        loader.load([payload(n, "new") for n in range(20, 30)])
        loader.manifest.close()
    assert graph_rows(tmp_path / "dropped" / "state") == graph_rows(tmp_path / "rest" / "state")

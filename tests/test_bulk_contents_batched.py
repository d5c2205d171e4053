"""The bulk loader notes its changed graphs in the manifest's contents a batch at a time.

Before, every changed graph was noted alone: a drop of its report graph's row and a put of its
rows, each a few statements (a SELECT of the old rows, DELETEs, INSERTs, the totals), so a load
that revised every record paid them per graph, ~2.5 times what a batch pays a graph. The calls
are counted on the real manifest's contents (a spy that calls through), through the real loader
and the real embedded store; what the rows hold is compared with a load of the new graphs alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from manifest_graphs import EX, RUN, WHEN, payload, rows
from scholarkg.load.bulk import BulkLoader
from scholarkg.load.changes import ChangeSet
from scholarkg.load.contents import Contents
from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import report_graph_iri
from scholarkg.store.embedded import EmbeddedStore


class Counted:
    """The manifest as the loader opens it, its contents' puts and drops counted."""

    def __init__(self, directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.directory = directory
        self.calls = {"put_many": 0, "drop_many": 0}
        for name in self.calls:
            original = getattr(Contents, name)

            def spied(contents: Contents, rows: object, _o=original, _n=name) -> None:
                self.calls[_n] += 1
                _o(contents, rows)

            monkeypatch.setattr(Contents, name, spied)

    def __call__(self) -> Manifest:
        return Manifest(self.directory, "fingerprint")


def load(store: EmbeddedStore, opener: Counted, graphs: int, version: str) -> None:
    changes = ChangeSet(opener.directory.parent / f"changes-{version}")
    loader = BulkLoader(store, opener, run_iri=RUN, when=WHEN, changes=changes)
    loader.add([payload(n, version) for n in range(graphs)])
    loader.close()


def changed_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, graphs: int) -> Counted:
    """The calls a load of ``graphs`` changed graphs made on the contents."""
    with monkeypatch.context() as patch, EmbeddedStore(tmp_path / "store") as store:
        opener = Counted(tmp_path / "state", patch)
        load(store, opener, graphs, "old")
        opener.calls = dict.fromkeys(opener.calls, 0)
        load(store, opener, graphs, "new")
    return opener


def test_changed_graphs_are_noted_in_calls_that_do_not_grow_with_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = changed_load(tmp_path / "few", monkeypatch, 3).calls
    many = changed_load(tmp_path / "many", monkeypatch, 60).calls
    assert many == few  # before: 60 graphs, 61 puts and 109 drops (3 graphs: 4 and 6)
    assert many["put_many"] <= 2


def test_batched_notes_hold_what_a_load_of_the_new_graphs_alone_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed_load(tmp_path / "changed", monkeypatch, 30)
    fresh = Counted(tmp_path / "fresh" / "state", monkeypatch)
    with EmbeddedStore(tmp_path / "fresh" / "store") as store:
        load(store, fresh, 30, "new")
    held, alone = rows(tmp_path / "changed" / "state"), rows(tmp_path / "fresh" / "state")
    assert held == alone
    _, predicates, classes = held
    sh = "http://www.w3.org/ns/shacl#"
    assert classes == {f"{EX}newClass": 30, f"{sh}ValidationReport": 6, f"{sh}ValidationResult": 6}
    assert f"{EX}gone" not in predicates
    manifest = Manifest(tmp_path / "changed" / "state", "fingerprint")
    try:  # the old report graphs the new versions lack are gone, the new ones noted
        noted = manifest.contents.nquads_of([report_graph_iri(f"{EX}graph/{n}") for n in range(30)])
    finally:
        manifest.close()
    assert sorted(noted) == sorted(report_graph_iri(f"{EX}graph/{n}") for n in range(0, 30, 5))

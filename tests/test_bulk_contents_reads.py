"""The bulk loader reads a replaced or dropped graph's contents row once.

Before, a graph the store held with other content had its manifest contents row read twice in
one segment: its N-Quads (for the change set and the patch), then again its statistics, when
the new row replaced it (to take the old counts from the VoID totals). The statements are
counted on the manifest's own SQLite connection (its trace hook), through the real loader, the
real embedded store and the real manifest.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scholarkg.load.bulk import BulkLoader
from scholarkg.load.changes import ChangeSet
from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import GraphPayload, make_payload
from scholarkg.store.embedded import EmbeddedStore

EX = "https://example.org/"
GRAPHS = [f"{EX}graph/{n}" for n in range(3)]
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def payload(iri: str, version: str) -> GraphPayload:
    subject = f"<{iri}/s>"
    triples = [(subject, TYPE, f"<{EX}{version}Class>"), (subject, f"<{EX}p>", f'"{version}"')]
    if version == "old":
        triples.append((subject, f"<{EX}gone>", '"only before"'))
    return make_payload(iri, "arxiv", triples)


class Traced:
    """The manifest as the loader opens it, with every SELECT it runs on ``contents`` kept."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.selects: list[str] = []

    def __call__(self) -> Manifest:
        manifest = Manifest(self.directory, "fingerprint")
        manifest.db.set_trace_callback(self._keep)
        return manifest

    def _keep(self, statement: str) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM contents" in statement:
            self.selects.append(statement)

    def reads_of(self, iri: str) -> int:
        """Statements that read graph ``iri``'s row."""
        return sum(f"'{iri}'" in statement for statement in self.selects)


def load(store: EmbeddedStore, opener: Traced, version: str, *, drop: bool = False) -> None:
    """The graphs in ``version``; with ``drop``, the first is dropped instead."""
    changes = ChangeSet(opener.directory.parent / f"changes-{version}")
    loader = BulkLoader(store, opener, run_iri="urn:x-test:run", when=WHEN, changes=changes)
    loader.add([payload(iri, version) for iri in GRAPHS[drop:]])
    if drop:
        loader.drop(GRAPHS[:1])
    loader.close()


def totals(directory: Path) -> tuple[dict[str, int], dict[str, int]]:
    manifest = Manifest(directory, "fingerprint")
    try:
        return manifest.contents.predicate_totals(), manifest.contents.class_entities()
    finally:
        manifest.close()


@pytest.mark.parametrize("drop", [False, True])
def test_a_replaced_graph_s_row_is_read_once(tmp_path: Path, drop: bool) -> None:
    opener = Traced(tmp_path / "state")
    with EmbeddedStore(tmp_path / "store") as store:
        load(store, opener, "old")
        opener.selects.clear()
        load(store, opener, "new", drop=drop)
    assert [opener.reads_of(iri) for iri in GRAPHS] == [1, 1, 1]

    # what the old rows' statistics are for came out as from a store given the new graphs alone
    fresh = Traced(tmp_path / "fresh-state")
    with EmbeddedStore(tmp_path / "fresh") as store:
        load(store, fresh, "new", drop=drop)
    assert totals(tmp_path / "state") == totals(tmp_path / "fresh-state")
    predicates, classes = totals(tmp_path / "state")
    assert classes == {f"{EX}newClass": len(GRAPHS) - drop}
    assert f"{EX}gone" not in predicates

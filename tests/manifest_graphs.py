"""Graphs in two versions as the manifest tests load them through the real loaders, and what
the manifest then holds: shared by test_bulk_contents_batched.py,
test_transactional_notes_batched.py and the tests beside them. The graphs are CONSTRUCTED
(:func:`payload`); :class:`CountedStatements` counts the calls into the manifest's real SQLite
connection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scholarkg.load.changes import ChangeSet
from scholarkg.load.contents import BUCKETS
from scholarkg.load.manifest import Manifest
from scholarkg.load.outbox import DeadLetters
from scholarkg.load.payload import GraphPayload, make_payload
from scholarkg.load.transactional import TransactionalLoader
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.validate import Finding

EX = "https://example.org/"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
RUN = "urn:x-test:run"


def payload(n: int, version: str) -> GraphPayload:
    """Graph ``n`` in ``version``; every third graph has a finding (a report graph) in the old
    version only, every fifth in the new one only, so report rows are dropped and added."""
    iri = f"{EX}graph/{n}"
    subject = f"<{iri}/s>"
    triples = [(subject, TYPE, f"<{EX}{version}Class>"), (subject, f"<{EX}p>", f'"{version}"')]
    if version == "old":
        triples.append((subject, f"<{EX}gone>", '"only before"'))
    reported = n % 3 == 0 if version == "old" else n % 5 == 0
    finding = Finding("Warning", f"{iri}/s", f"{EX}p", f"{version} {n}", f"{EX}Shape")
    return make_payload(iri, "arxiv", triples, [finding] if reported else [])


def rows(directory: Path) -> tuple[object, ...]:
    """What the manifest's contents hold: every row's N-Quads, the totals, the classes."""
    manifest = Manifest(directory, "fingerprint")
    try:
        contents = manifest.contents
        dump = [list(contents.bucket(b)) for b in range(BUCKETS)]
        return dump, contents.predicate_totals(), contents.class_entities()
    finally:
        manifest.close()


FEW, MANY = 3, 40


class CountedStatements:
    """Opens the manifest with its connection's statements counted (calls into SQLite: an
    ``executemany`` is one call however many rows it carries)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.calls = 0

    def __call__(self) -> Manifest:
        manifest = Manifest(self.directory, "fingerprint")
        db = manifest.db
        execute, executemany = db.execute, db.executemany

        def counted_execute(sql: str, parameters: object = ()) -> object:
            self.calls += 1
            return execute(sql, parameters)

        def counted_executemany(sql: str, parameters: object) -> object:
            self.calls += 1
            return executemany(sql, parameters)

        db.execute = counted_execute  # type: ignore[method-assign,assignment]
        db.executemany = counted_executemany  # type: ignore[method-assign,assignment]
        return manifest


def graph_rows(directory: Path) -> tuple[object, ...]:
    """The manifest's graphs (IRI, digest, quads) and its contents (:func:`rows`)."""
    manifest = Manifest(directory, "fingerprint")
    try:
        graphs = sorted(manifest.db.execute("SELECT iri, digest, quads FROM graphs"))
    finally:
        manifest.close()
    return graphs, rows(directory)


def transactional(
    store: EmbeddedStore, opener: CountedStatements, version: str
) -> TransactionalLoader:
    """A transactional loader of ``version`` on ``store``, its manifest opened by ``opener``."""
    changes = ChangeSet(opener.directory.parent / f"changes-{version}")
    dead = DeadLetters(opener.directory.parent / "data", version)
    return TransactionalLoader(store, opener(), run_iri=RUN, when=WHEN, changes=changes, dead=dead)

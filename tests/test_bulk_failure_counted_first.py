"""A bulk loader whose segment's commit fails after the store took the segment: once the
caller sees the failure, the tally already counts what the store holds of the segment.

The store is a real embedded Oxigraph; the manifest's commit fails as a full disk fails it
(``cannot write the store's manifest: disk I/O error``) once the segment is in the store. When
the thread asks the store what it took, the caller is let read the tally first if it can
already see the failure — the interleaving of a loaded machine. Before, the thread made its
failure seen and only then counted: the run's report (``scholarkg arxiv load-snapshot`` under a
full disk) said it wrote 1831 triples of the 6194 the store held, or none.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from scholarkg.errors import LoadError
from scholarkg.load.bulk import BulkLoader
from scholarkg.load.changes import ChangeSet
from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import GraphPayload, make_payload
from scholarkg.store.embedded import EmbeddedStore

EX = "https://example.org/"
WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
BOUND = 60.0  # only catches a hang
GRAPHS = 20


def graph(number: int) -> GraphPayload:
    iri = f"{EX}graph/{number}"
    triples = [(f"<{iri}/s>", f"<{EX}p>", f'"{number}"'), (f"<{iri}/s>", f"<{EX}q>", '"v"')]
    return make_payload(iri, "arxiv", triples)


class FullManifest(Manifest):
    """A manifest whose commits after the first (the loader's own at its start) fail."""

    commits = 0

    def commit(self) -> None:
        self.commits += 1
        if self.commits > 1:
            raise LoadError(f"{self.path}: cannot write the store's manifest: disk I/O error")
        super().commit()


class AskedAfterFailure(EmbeddedStore):
    """An embedded store that, asked for graph sizes once the loader's failure can be seen,
    answers only after the caller has read the tally (``read``)."""

    loader: BulkLoader | None = None
    read = threading.Event()

    def graph_sizes(self, iris: Sequence[str]) -> dict[str, int]:
        loop = None if self.loader is None else self.loader._loop
        if loop is not None and loop.error is not None:  # the caller can see the failure
            self.read.wait(BOUND)
        return super().graph_sizes(iris)


def test_the_tally_counts_what_the_store_took_before_the_failure_is_seen(
    tmp_path: Path,
) -> None:
    with AskedAfterFailure(tmp_path / "store") as store:
        loader = BulkLoader(
            store,
            lambda: FullManifest(tmp_path / "state", "fingerprint"),
            run_iri="urn:x-test:run",
            when=WHEN,
            changes=ChangeSet(tmp_path / "changes"),
        )
        store.loader = loader
        loader.add([graph(number) for number in range(GRAPHS)])
        with pytest.raises(LoadError, match="cannot write the store's manifest"):
            loader.close()
        tally = loader.tally
        seen = (tally.written, tally.changes.added, tally.provenance, tally.reports)
        store.read.set()
        loader.abort()  # the thread ended
        held = len(store.native)
    assert seen[0] == GRAPHS, seen  # the store holds every graph of the failed segment
    assert seen[1] == 2 * GRAPHS, seen
    assert sum(seen[1:]) == held, (seen, held)  # as the run's report adds them up

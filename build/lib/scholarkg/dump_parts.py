"""The N-Quads dump, kept as parts so that a small change rewrites a small part.

Each named graph belongs to one of :data:`BUCKETS` parts (a hash of its IRI); the parts live in
``data/exports/parts/`` with an SQLite index of which graph is in which part and how many quads
each part holds. A run rewrites only the parts of the graphs it touched, then the published file
is assembled from the parts in one streaming pass that also computes its SHA-256. A missing or
foreign index, or a run whose changes are not known graph by graph, rebuilds every part from one
dump of the store. The description graph (``…/graph/void``) is never in the dump (it holds the
dump's checksum).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from scholarkg.errors import ExportError
from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref

BUCKETS = 64
SCHEMA = "1"


def bucket_of(graph: str) -> int:
    return hashlib.blake2b(graph.encode("utf-8"), digest_size=4).digest()[0] % BUCKETS


@dataclass(frozen=True)
class Assembled:
    """The assembled dump: where, how many quads, its SHA-256 and size."""

    path: Path
    quads: int
    sha256: str
    byte_size: int


def _native(store: GraphStore) -> ox.Store | None:
    inner = getattr(store, "native", None)
    return inner if isinstance(inner, ox.Store) else None


class DumpParts:
    """The parts of one data directory's N-Quads dump, for one store."""

    def __init__(self, folder: Path, store_key: str, excluded: Sequence[str]) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.excluded = set(excluded)
        self.db = sqlite3.connect(self.folder / "index.sqlite", timeout=30.0)
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS graphs (graph TEXT PRIMARY KEY, bucket INT NOT NULL)"
            " WITHOUT ROWID;"
            "CREATE TABLE IF NOT EXISTS parts (bucket INT PRIMARY KEY, quads INT NOT NULL);"
        )
        key = f"{SCHEMA}|{store_key}|{BUCKETS}"
        row = self.db.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
        self.valid = row is not None and row[0] == key and self._complete()
        if not self.valid:
            self.db.executescript("DELETE FROM graphs; DELETE FROM parts; DELETE FROM meta;")
            self.db.execute("INSERT INTO meta VALUES ('key', ?)", (key,))
            self.db.commit()

    def close(self) -> None:
        self.db.close()

    def _complete(self) -> bool:
        count = self.db.execute("SELECT COUNT(*) FROM parts").fetchone()[0]
        return bool(count == BUCKETS) and all(self._path(b).exists() for b in range(BUCKETS))

    def _path(self, bucket: int) -> Path:
        return self.folder / f"part-{bucket:02d}.nq"

    # -- building -------------------------------------------------------------------------

    def rebuild_all(self, store: GraphStore) -> None:
        """Every part again, from one dump of the store."""
        handles = {b: self._path(b).with_suffix(".tmp").open("wb") for b in range(BUCKETS)}
        counts = dict.fromkeys(range(BUCKETS), 0)
        graphs: dict[str, int] = {}
        try:
            for line in self._all_lines(store):
                graph = line[line.rindex(b" <") + 2 : line.rindex(b">")].decode("utf-8")
                if graph in self.excluded:
                    continue
                bucket = graphs.get(graph)
                if bucket is None:
                    bucket = graphs[graph] = bucket_of(graph)
                handles[bucket].write(line)
                counts[bucket] += 1
        finally:
            for handle in handles.values():
                handle.close()
        for bucket in range(BUCKETS):
            os.replace(self._path(bucket).with_suffix(".tmp"), self._path(bucket))
        with self.db:
            self.db.execute("DELETE FROM graphs")
            self.db.executemany("INSERT INTO graphs VALUES (?, ?)", graphs.items())
            self.db.execute("DELETE FROM parts")
            self.db.executemany("INSERT INTO parts VALUES (?, ?)", counts.items())
        self.valid = True

    def _all_lines(self, store: GraphStore) -> Iterable[bytes]:
        native = _native(store)
        with tempfile.TemporaryFile() as spool:
            if native is not None:
                native.dump(spool, ox.RdfFormat.N_QUADS)
            else:
                rows = store.query(
                    "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False
                )
                if not isinstance(rows, ox.QuerySolutions):
                    raise ExportError("the store did not answer a SELECT with solutions")
                quads = (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)
                ox.serialize(quads, spool, ox.RdfFormat.N_QUADS)
            spool.seek(0)
            yield from spool

    def refresh(self, store: GraphStore, touched: Iterable[str]) -> int:
        """Rewrite the parts of these graphs (added, changed or dropped); returns how many."""
        buckets: dict[int, None] = {}
        with self.db:
            for graph in touched:
                if graph in self.excluded:
                    continue
                bucket = bucket_of(graph)
                buckets[bucket] = None
                self.db.execute("INSERT OR IGNORE INTO graphs VALUES (?, ?)", (graph, bucket))
        for bucket in buckets:
            self._rebuild(store, bucket)
        return len(buckets)

    def _rebuild(self, store: GraphStore, bucket: int) -> None:
        members = [
            str(g)
            for (g,) in self.db.execute(
                "SELECT graph FROM graphs WHERE bucket = ? ORDER BY graph", (bucket,)
            )
        ]
        target = self._path(bucket)
        tmp = target.with_suffix(".tmp")
        count, present = 0, []
        native = _native(store)
        with tmp.open("wb") as out:
            for start in range(0, len(members), 200):
                part = members[start : start + 200]
                if native is not None:
                    quads: list[ox.Quad] = []
                    for graph in part:
                        found = list(
                            native.quads_for_pattern(None, None, None, ox.NamedNode(graph))
                        )
                        if found:
                            present.append(graph)
                        quads += found
                else:
                    quads = self._remote_quads(store, part)
                    present += sorted({q.graph_name.value for q in quads})  # type: ignore[union-attr]
                ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
                count += len(quads)
        os.replace(tmp, target)
        gone = set(members) - set(present)
        with self.db:
            self.db.executemany("DELETE FROM graphs WHERE graph = ?", ((g,) for g in gone))
            self.db.execute("INSERT OR REPLACE INTO parts VALUES (?, ?)", (bucket, count))

    @staticmethod
    def _remote_quads(store: GraphStore, graphs: Sequence[str]) -> list[ox.Quad]:
        values = " ".join(iri_ref(g) for g in graphs)
        rows = store.query(
            f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}",
            union=False,
        )
        if not isinstance(rows, ox.QuerySolutions):
            raise ExportError("the store did not answer a SELECT with solutions")
        return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]

    # -- assembling -----------------------------------------------------------------------

    def assemble(self, target: Path) -> Assembled:
        """Concatenate the parts into ``target`` (atomically) and write ``<target>.sha256``."""
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                for bucket in range(BUCKETS):
                    with self._path(bucket).open("rb") as part:
                        while block := part.read(1 << 20):
                            digest.update(block)
                            out.write(block)
                            size += len(block)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        sha = digest.hexdigest()
        sums = target.with_name(target.name + ".sha256")
        sums.write_text(f"{sha}  {target.name}\n", encoding="utf-8")
        quads = int(self.db.execute("SELECT COALESCE(SUM(quads), 0) FROM parts").fetchone()[0])
        return Assembled(target, quads, sha, size)

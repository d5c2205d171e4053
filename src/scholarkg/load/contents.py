"""Every graph as the store holds it, kept beside the store: its N-Quads and its statistics.

The loaders note each graph they write (compressed N-Quads, statement counts per predicate, the
typed subjects), in the same SQLite transaction as the manifest, so publishing assembles the
dump and sums the VoID statistics from here and never reads the whole store back. N-Quads are
kept as Zstandard frames (rows written before 2026-12 hold zlib streams; both are read).
:func:`reconcile` brings the table in line with the store when something was written around it
(an older manifest, a graph dropped by hand).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
import zstandard

from scholarkg.sqlite_in import select_in
from scholarkg.store.base import GraphStore
from scholarkg.transform import Triple

BUCKETS = 64
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS contents (
    iri TEXT PRIMARY KEY, bucket INT NOT NULL, counted INT NOT NULL, quads INT NOT NULL,
    data BLOB NOT NULL, predicates TEXT NOT NULL, typed TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS contents_bucket ON contents (bucket, iri);
CREATE TABLE IF NOT EXISTS typed (
    class TEXT NOT NULL, subject TEXT NOT NULL, iri TEXT NOT NULL,
    PRIMARY KEY (class, subject, iri)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS totals (predicate TEXT PRIMARY KEY, n INT NOT NULL) WITHOUT ROWID;
"""


_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"  # how every Zstandard frame begins (a zlib stream: 0x78)


def bucket_of(graph: str) -> int:
    """The dump part a graph belongs to."""
    return hashlib.blake2b(graph.encode("utf-8"), digest_size=4).digest()[0] % BUCKETS


def _bare(term: str) -> str:
    return term[1:-1] if term.startswith("<") else term


@dataclass
class GraphStats:
    """Statements per predicate and the typed subjects ``(subject, class)`` of one graph."""

    # a plain dict, not a Counter: one comes back from a worker with every graph, and a
    # Counter unpickles through Python code in the process that collects the results
    predicates: dict[str, int] = field(default_factory=dict)
    typed: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, triples: Iterable[Triple]) -> GraphStats:
        """From N-Triples term strings (``<iri>``, ``"literal"``, ``_:b``)."""
        stats = cls()
        counts: dict[str, int] = {}  # by the predicate as written, bared once at the end
        for s, p, o in triples:
            counts[p] = counts.get(p, 0) + 1
            if p == RDF_TYPE and o.startswith("<"):
                stats.typed.append((_bare(s), _bare(o)))
        stats.predicates = {_bare(p): n for p, n in counts.items()}  # first-seen order kept
        return stats

    @classmethod
    def of_quads(cls, quads: Iterable[ox.Quad]) -> GraphStats:
        stats = cls()
        counts = stats.predicates
        for quad in quads:
            key = quad.predicate.value
            counts[key] = counts.get(key, 0) + 1
            subject = quad.subject
            if (
                quad.predicate.value == RDF_TYPE[1:-1]
                and isinstance(quad.object, ox.NamedNode)
                and isinstance(subject, ox.NamedNode | ox.BlankNode)
            ):
                stats.typed.append((subject.value, quad.object.value))
        return stats

    def __add__(self, other: GraphStats) -> GraphStats:
        counts = dict(self.predicates)
        for key, n in other.predicates.items():
            counts[key] = counts.get(key, 0) + n
        return GraphStats(counts, [*self.typed, *other.typed])


class Contents:
    """The ``contents`` tables of a store's manifest (the manifest's connection and commits)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        db.executescript(_SCHEMA)
        # one (de)compression context per connection, so per thread: contexts are not
        # thread-safe, and a reused one costs nothing to start (zlib's set-up per graph was
        # most of its time on graphs of a few KB)
        self._compress = zstandard.ZstdCompressor(level=1).compress
        self._decompress = zstandard.ZstdDecompressor().decompress
        # rows read by :meth:`nquads_to_replace` (counted, predicates, typed), each taken by
        # the write that replaces or drops its row: every write of a row passes drop_many
        self._to_replace: dict[str, tuple[int, str, str]] = {}

    def put(self, iri: str, nquads: bytes, stats: GraphStats, *, counted: bool = True) -> None:
        """Note graph ``iri`` as written with these N-Quads; ``counted``: an instance graph
        (in the VoID statistics), not the ontology or the category scheme."""
        self.put_many([(iri, nquads, stats, counted)])

    def put_many(self, graphs: Sequence[tuple[str, bytes, GraphStats, bool]]) -> None:
        """:meth:`put` for many graphs at once (the last of an IRI wins). Each graph's stats
        are of its N-Quads (its quad count is their sum)."""
        latest = {iri: (iri, data, stats, counted) for iri, data, stats, counted in graphs}
        self.drop_many(list(latest))
        rows, typed_rows, totals = [], [], dict[str, int]()
        for iri, data, stats, counted in latest.values():
            typed = sorted(set(stats.typed))
            rows.append(
                (
                    iri,
                    bucket_of(iri),
                    int(counted),
                    sum(stats.predicates.values()),
                    self._compress(data),
                    json.dumps(stats.predicates),
                    json.dumps(typed),
                )
            )
            if counted:
                typed_rows += [(c, s, iri) for s, c in typed]
                for key, n in stats.predicates.items():  # a dict: Counter.update costs twice
                    totals[key] = totals.get(key, 0) + n
        self.db.executemany("INSERT INTO contents VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany("INSERT OR IGNORE INTO typed VALUES (?, ?, ?)", typed_rows)
        self._add_totals(totals, 1)

    def drop(self, iri: str) -> None:
        self.drop_many([iri])

    def drop_many(self, iris: Sequence[str]) -> None:
        totals, typed_rows, gone = Counter[str](), [], []
        read: list[tuple[str, int, str, str]] = []  # rows nquads_to_replace read already
        rest: list[str] = []
        for iri in dict.fromkeys(iris):
            kept = self._to_replace.pop(iri, None)
            if kept is None:
                rest.append(iri)
            else:
                read.append((iri, *kept))
        query = "SELECT iri, counted, predicates, typed FROM contents WHERE iri IN (?)"
        for iri, counted, predicates, typed in [*read, *select_in(self.db, query, rest)]:
            gone.append((iri,))
            if counted:
                totals.update(json.loads(predicates))
                typed_rows += [(c, s, iri) for s, c in json.loads(typed)]
        self.db.executemany("DELETE FROM contents WHERE iri = ?", gone)
        self.db.executemany(
            "DELETE FROM typed WHERE class = ? AND subject = ? AND iri = ?", typed_rows
        )
        self._add_totals(totals, -1)

    def _add_totals(self, predicates: Mapping[str, int], sign: int) -> None:
        self.db.executemany(
            "INSERT INTO totals VALUES (?, ?) ON CONFLICT (predicate) DO UPDATE SET n = n + ?",
            ((p, sign * n, sign * n) for p, n in predicates.items() if n),
        )

    # -- reading ------------------------------------------------------------------------------

    def compare(self, held: Iterable[str]) -> tuple[list[str], list[str]]:
        """``(noted here but not in held, in held but not noted here)``, both in IRI order.
        ``held`` (a store's graph names) is streamed against the noted IRIs, each marked as the
        store names it: no second collection of every graph in memory."""
        named = dict.fromkeys(
            (str(iri) for (iri,) in self.db.execute("SELECT iri FROM contents")), False
        )
        new: set[str] = set()
        for iri in held:
            if iri in named:
                named[iri] = True
            else:
                new.add(iri)
        return sorted(iri for iri, seen in named.items() if not seen), sorted(new)

    def bucket(self, bucket: int) -> Iterator[tuple[bytes, int]]:
        """(N-Quads, quads) of the bucket's graphs, in IRI order."""
        rows = self.db.execute(
            "SELECT data, quads FROM contents WHERE bucket = ? ORDER BY iri", (bucket,)
        )
        for data, quads in rows:
            yield self._nquads(data), int(quads)

    def nquads_of(self, iris: Sequence[str]) -> dict[str, bytes]:
        """The N-Quads noted for these graphs (those with a row), 500 graphs a query."""
        query = "SELECT iri, data FROM contents WHERE iri IN (?)"
        return {str(iri): self._nquads(data) for iri, data in select_in(self.db, query, iris)}

    def nquads_to_replace(self, iris: Sequence[str]) -> dict[str, bytes]:
        """:meth:`nquads_of` for graphs about to be replaced or dropped: what their write needs
        of the old row (its statistics, to take from the totals) is read in the same query and
        kept for it, so the row is read once."""
        query = "SELECT iri, data, counted, predicates, typed FROM contents WHERE iri IN (?)"
        found: dict[str, bytes] = {}
        for iri, data, counted, predicates, typed in select_in(self.db, query, iris):
            found[str(iri)] = self._nquads(data)
            self._to_replace[str(iri)] = (counted, predicates, typed)
        return found

    def _nquads(self, data: bytes) -> bytes:
        """A row's N-Quads (Zstandard, or zlib as rows written before 2026-12)."""
        return self._decompress(data) if data.startswith(_ZSTD_MAGIC) else zlib.decompress(data)

    def predicate_totals(self) -> dict[str, int]:
        rows = self.db.execute("SELECT predicate, n FROM totals WHERE n > 0")
        return {str(p): int(n) for p, n in rows}

    def class_entities(self) -> dict[str, int]:
        rows = self.db.execute("SELECT class, COUNT(DISTINCT subject) FROM typed GROUP BY class")
        return {str(c): int(n) for c, n in rows}

    def entities(self, base: str) -> int:
        """Distinct typed subjects minted under ``base``."""
        row = self.db.execute(
            "SELECT COUNT(DISTINCT subject) FROM typed WHERE subject >= ? AND subject < ?",
            (base, base + "\uffff"),
        ).fetchone()
        return int(row[0])


def nquads(iri: str, ntriples: bytes) -> bytes:
    """N-Triples lines (each ending ``" .\\n"``) as N-Quads in graph ``iri``."""
    return ntriples.replace(b" .\n", f" <{iri}> .\n".encode())


def ntriples_of(iri: str, quads: bytes) -> str:
    """Graph ``iri``'s N-Quads (as :func:`nquads` wrote them) as N-Triples text."""
    return quads.decode("utf-8").replace(f" <{iri}> .\n", " .\n")


def reconcile(
    contents: Contents, store: GraphStore, *, excluded: set[str], side: set[str]
) -> tuple[set[int], list[str]]:
    """Make ``contents`` hold exactly the store's named graphs (but ``excluded``): graphs it
    lacks are read from the store once (``side`` ones not counted), graphs the store no longer
    holds are dropped. Returns the buckets that changed and the graphs dropped."""
    gone, new = contents.compare(i for i in store.iter_graph_names() if i not in excluded)
    changed: set[int] = set()
    for iri in gone:
        contents.drop(iri)
        changed.add(bucket_of(iri))
    for iri in new:
        take_from_store(contents, store, iri, counted=iri not in side)
        changed.add(bucket_of(iri))
    return changed, gone


def take_from_store(contents: Contents, store: GraphStore, iri: str, *, counted: bool) -> None:
    """Note graph ``iri`` as the store holds it (for graphs written outside the loaders)."""
    triples = sorted(store.triples_in(iri))
    if not triples:
        contents.drop(iri)
        return
    data = "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8")
    contents.put(iri, nquads(iri, data), GraphStats.of(triples), counted=counted)

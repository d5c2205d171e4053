"""The identity registry: persisted decisions about who is who (SQLite, one writer).

It maps every authorship node (``…/paper/…/authorship/<n>``) to a person, keeps the rule and
evidence of that decision, the graphs that state each node, the names each source wrote, the
authors of every paper (the evidence the co-author rule reads), the profiles and their
snapshots, organisations' preferred labels, and which persons need their graph written again
(``dirty``). A person IRI, once
published, never moves: a merge keeps the older person and marks the other ``merged_into`` it.

Nothing here decides anything: :mod:`scholarkg.identity.resolver` does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from scholarkg.errors import LoadError
from scholarkg.identity import names
from scholarkg.identity.claims_table import ClaimTables, claim_key
from scholarkg.identity.evidence import MAX_EVIDENCE_AUTHORS, EvidenceTables, pair_key
from scholarkg.identity.graph_nodes import GraphNodes
from scholarkg.identity.mention_tables import MentionTables
from scholarkg.identity.person_reads import PersonReads
from scholarkg.identity.profiles_table import ProfileTables
from scholarkg.identity.records import (
    _PERSON_COLUMNS,
    Mention,
    Person,
    PersonRecord,
    _person,
    short_hash,
)
from scholarkg.sqlite_in import execute_in, select_in

__all__ = [
    "MAX_EVIDENCE_AUTHORS",
    "Mention",
    "Person",
    "PersonRecord",
    "Registry",
    "claim_key",
    "pair_key",
    "short_hash",
]

SCHEMA_VERSION = "4"
MIGRATED = ("3",)  # the older layouts this one is made from on opening
CACHE_LIMIT = 50_000  # entries of the in-process caches (the database is the truth)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, block TEXT NOT NULL, name TEXT NOT NULL,
    founded TEXT NOT NULL, merged_into INTEGER, split_from INTEGER, profile TEXT,
    label TEXT, published INTEGER NOT NULL DEFAULT 0, dirty INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS persons_block ON persons (block) WHERE merged_into IS NULL;
CREATE INDEX IF NOT EXISTS persons_dirty ON persons (dirty) WHERE dirty = 1;
CREATE INDEX IF NOT EXISTS persons_merged ON persons (merged_into);
CREATE TABLE IF NOT EXISTS mentions (
    node TEXT PRIMARY KEY, paper TEXT NOT NULL, position INTEGER, person INTEGER NOT NULL,
    name TEXT NOT NULL, rule TEXT NOT NULL, score REAL, basis TEXT, evidence TEXT,
    pinned INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mentions_person ON mentions (person);
CREATE INDEX IF NOT EXISTS mentions_paper ON mentions (paper);
CREATE TABLE IF NOT EXISTS mention_names (
    node TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (node, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paper_authors (
    paper TEXT NOT NULL, block TEXT NOT NULL, node TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (paper, node)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS coauthor_pairs (
    pair INTEGER NOT NULL, node TEXT NOT NULL, paper TEXT NOT NULL, co_name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS coauthor_pairs_pair ON coauthor_pairs (pair);
CREATE INDEX IF NOT EXISTS coauthor_pairs_paper ON coauthor_pairs (paper);
CREATE TABLE IF NOT EXISTS graph_nodes (
    graph TEXT NOT NULL, node TEXT NOT NULL, PRIMARY KEY (graph, node)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS graph_nodes_node ON graph_nodes (node);
CREATE TABLE IF NOT EXISTS paper_keys (
    key TEXT NOT NULL, paper TEXT NOT NULL, PRIMARY KEY (key, paper)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profiles (
    slug TEXT PRIMARY KEY, name TEXT NOT NULL, location TEXT NOT NULL, person INTEGER)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profile_sources (
    key TEXT PRIMARY KEY, slug TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    iri TEXT PRIMARY KEY, profile TEXT NOT NULL, metrics TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS organizations (
    key TEXT PRIMARY KEY, preferred TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS merges (
    seq INTEGER PRIMARY KEY, drop_id INTEGER NOT NULL UNIQUE, keep_id INTEGER NOT NULL,
    node TEXT NOT NULL, nodes TEXT NOT NULL, absorbed TEXT NOT NULL, profile TEXT);
CREATE INDEX IF NOT EXISTS merges_node ON merges (node);
CREATE TABLE IF NOT EXISTS decided_chunks (key BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS organization_labels (
    key TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (key, label)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claims (
    node TEXT NOT NULL, graph TEXT NOT NULL, profile TEXT NOT NULL, PRIMARY KEY (node, graph))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claims_graph ON claims (graph);
"""


class Registry(MentionTables, PersonReads, EvidenceTables, ProfileTables, GraphNodes, ClaimTables):
    """The SQLite identity registry. One transaction is open until :meth:`commit`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level="DEFERRED")
        layout = self._layout()  # read before anything is written
        self.db.executescript(  # a bounded 64 MiB page cache: memory stays flat as it grows
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;"
        )
        self.db.executescript(_SCHEMA)
        self._marked: set[int] = set()  # marked dirty in this process (no need to mark again)
        if layout is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            self.db.execute("INSERT INTO meta VALUES ('names', ?)", (names.NAMES,))
        else:
            self._migrate(layout)
            self._rekey_names()
        self.db.commit()

    def _migrate(self, layout: str) -> None:
        """Bring a registry written in an older layout (:data:`MIGRATED`) to this one; its
        new tables are made by the schema. Layout 3 kept no ``claims``: those it shows are
        derived (:meth:`~.claims_table.ClaimTables._backfill_claims`)."""
        if layout == SCHEMA_VERSION:
            return
        self._backfill_claims()
        self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))

    def _rekey_names(self) -> None:
        """Re-key the name blocks an older names version wrote (:data:`~.names.NAMES`; a
        registry without the mark is version 1): a block that version gave a name and this one
        does not is written again, the co-author pairs of its papers are indexed again, and a
        person whose name reads otherwise now, or whose preferred name is now the person's part
        of a name written for a group (``T. Montaruli``, not ``T. Montaruli for the IceCube
        Collaboration``), has their graph written again. Decisions stay."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'names'").fetchone()
        was = "1" if row is None else str(row[0])
        if was == names.NAMES:
            return
        persons = []
        for pid, block, name in self.db.execute("SELECT id, block, name FROM persons"):
            if names.tokens(name) != names.tokens_as(name, was):
                now = names.block(name) if block == names.block_as(name, was) else block
                persons.append((now, int(pid)))
            elif names.person_part(name) != name:  # its foaf:name was the name as listed
                persons.append((block, int(pid)))
        self.db.executemany("UPDATE persons SET block = ?, dirty = 1 WHERE id = ?", persons)
        authors = [
            (names.block(name), str(paper), str(node))
            for paper, node, block, name in self.db.execute(
                "SELECT paper, node, block, name FROM paper_authors"
            )
            if block == names.block_as(name, was) != names.block(name)
        ]
        self.db.executemany(
            "UPDATE paper_authors SET block = ? WHERE paper = ? AND node = ?", authors
        )
        for paper in sorted({paper for _, paper, _ in authors}):
            self.set_paper_authors(paper, (), complete=False)  # its pairs from the new blocks
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('names', ?)", (names.NAMES,))

    def _layout(self) -> str | None:
        """The layout the file was written in (None: new). A layout neither this one nor one
        of :data:`MIGRATED` is refused: its tables would be read as if they were this one's
        (``CREATE TABLE IF NOT EXISTS`` keeps them)."""
        row = None
        if self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is not None and row[0] != SCHEMA_VERSION and row[0] not in MIGRATED:
            self.db.close()
            raise LoadError(
                f"{self.path}: identity registry in layout {row[0]}, this scholarkg reads layout"
                f" {SCHEMA_VERSION}; keep the file and run the scholarkg version that wrote it"
            )
        return None if row is None else str(row[0])

    # -- transactions -------------------------------------------------------------------------

    def commit(self) -> None:
        self.db.commit()

    def rollback(self) -> None:
        self.db.rollback()

    def close(self) -> None:
        self.db.rollback()
        self.db.close()

    # -- snapshot chunks ----------------------------------------------------------------------

    def note_decided(self, key: bytes) -> None:
        """The authorships of this snapshot chunk are decided (kept with the decisions: a run
        killed before its commit leaves the chunk undecided, whatever the store holds)."""
        self.db.execute("INSERT OR IGNORE INTO decided_chunks VALUES (?)", (key,))

    def decided(self, key: bytes) -> bool:
        """Whether the authorships of this snapshot chunk were decided and kept."""
        row = self.db.execute("SELECT 1 FROM decided_chunks WHERE key = ?", (key,)).fetchone()
        return row is not None

    # -- persons ------------------------------------------------------------------------------

    def new_person(
        self,
        slug: str,
        block: str,
        name: str,
        founded: str,
        *,
        profile: str | None = None,
        label: str | None = None,
        split_from: int | None = None,
    ) -> int:
        """Register a person; the slug is made unique if another person holds it."""
        candidate, n = slug, 1
        while True:
            try:
                cursor = self.db.execute(
                    "INSERT INTO persons (slug, block, name, founded, profile, label, split_from)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (candidate, block, name, founded, profile, label, split_from),
                )
                break
            except sqlite3.IntegrityError:
                n += 1
                candidate = f"{slug}-{n}"
        assert cursor.lastrowid is not None
        pid = int(cursor.lastrowid)
        if len(self._marked) < CACHE_LIMIT:
            self._marked.add(pid)  # new persons are dirty
        return pid

    def person(self, pid: int) -> Person:
        row = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons WHERE id = ?",  # noqa: S608
            (pid,),
        ).fetchone()
        if row is None:
            raise KeyError(pid)
        return _person(row)

    def live(self, pid: int) -> int:
        """Follow ``merged_into`` to the surviving person."""
        seen = {pid}
        while True:
            row = self.db.execute("SELECT merged_into FROM persons WHERE id = ?", (pid,)).fetchone()
            if row is None or row[0] is None:
                return pid
            pid = int(row[0])
            if pid in seen:  # a cycle cannot be written by merge(); stop rather than loop
                return pid
            seen.add(pid)

    def by_slug(self, slug: str) -> Person | None:
        row = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons WHERE slug = ?",  # noqa: S608
            (slug,),
        ).fetchone()
        return None if row is None else _person(row)

    def by_label(self, label: str) -> Person | None:
        row = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons WHERE label = ? AND merged_into IS NULL",  # noqa: S608
            (label,),
        ).fetchone()
        return None if row is None else _person(row)

    def in_block(self, block: str) -> list[Person]:
        """Live persons of a block."""
        rows = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons INDEXED BY persons_block"  # noqa: S608
            " WHERE block = ? AND merged_into IS NULL ORDER BY id",
            (block,),
        )
        return [_person(r) for r in rows]

    def retire(self, drop: int, keep: int, evidence: str | None = None) -> None:
        """``drop`` is now ``keep``: its mentions move, it stays as a retired IRI. ``evidence``:
        the authorship node whose decision joined them; the merge is kept with what it moved,
        so that :meth:`unmerge` can undo it when no source states that node any more."""
        if evidence is not None:
            held = self.db.execute("SELECT node FROM mentions WHERE person = ?", (drop,))
            absorbed = self.db.execute("SELECT id FROM persons WHERE merged_into = ?", (drop,))
            gave = self.db.execute(
                "SELECT d.profile FROM persons d JOIN persons k ON k.id = ?"
                " WHERE d.id = ? AND k.profile IS NULL",
                (keep, drop),
            ).fetchone()
            self.db.execute(
                "INSERT OR REPLACE INTO merges (drop_id, keep_id, node, nodes, absorbed, profile)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    drop,
                    keep,
                    evidence,
                    "\n".join(str(n) for (n,) in held),
                    " ".join(str(i) for (i,) in absorbed),
                    None if gave is None else gave[0],
                ),
            )
        self.db.execute("UPDATE persons SET merged_into = ?, dirty = 1 WHERE id = ?", (keep, drop))
        self.db.execute("UPDATE persons SET merged_into = ? WHERE merged_into = ?", (keep, drop))
        self.db.execute("UPDATE mentions SET person = ? WHERE person = ?", (keep, drop))
        self._marked.add(drop)
        self._marked.discard(keep)
        self.mark_dirty(keep)
        row = self.db.execute("SELECT profile, label FROM persons WHERE id = ?", (drop,)).fetchone()
        if row is not None and row[0] is not None:
            self.db.execute(
                "UPDATE persons SET profile = COALESCE(profile, ?) WHERE id = ?", (row[0], keep)
            )

    def unmerge(self, nodes: Sequence[str]) -> list[tuple[int, int]]:
        """Undo the merges whose evidence was one of ``nodes`` (no source states it any more,
        or it is another author's now; or a :func:`claim_key`: the claim ended), latest
        first: the retired person is live again with the authorships and retired persons it
        brought that its survivor still holds.
        Returns ``(person made live again, the survivor it leaves)``; both need writing."""
        undone: list[tuple[int, int]] = []
        rows = select_in(
            self.db,
            "SELECT seq, drop_id, keep_id, nodes, absorbed, profile FROM merges WHERE node IN (?)",
            list(nodes),
        )
        for seq, drop, keep, held, absorbed, profile in sorted(rows, reverse=True):
            survivor = self.live(int(keep))
            moved = [n for n in str(held).split("\n") if n]
            execute_in(
                self.db,
                f"UPDATE mentions SET person = {int(drop)}"  # noqa: S608
                f" WHERE person = {survivor} AND node IN (?)",
                moved,
            )
            ids = [int(i) for i in str(absorbed).split()]
            execute_in(
                self.db,
                f"UPDATE persons SET merged_into = {int(drop)}"  # noqa: S608
                f" WHERE merged_into = {survivor} AND id IN (?)",
                ids,
            )
            self.db.execute("UPDATE persons SET merged_into = NULL WHERE id = ?", (drop,))
            if profile is not None:
                self.db.execute(
                    "UPDATE persons SET profile = NULL WHERE id = ? AND profile = ?",
                    (survivor, profile),
                )
            self.db.execute("DELETE FROM merges WHERE seq = ?", (seq,))
            self._marked.discard(int(drop))
            self.mark_dirty(int(drop))
            self._marked.discard(survivor)
            self.mark_dirty(survivor)
            undone.append((int(drop), survivor))
        return undone

    def claim_decisions(self, graph: str) -> list[str]:
        """The authorship nodes ``graph`` (a profile listing) states whose decision its claim
        made (``profile-researcher``, it the evidence)."""
        rows = self.db.execute(
            "SELECT g.node FROM graph_nodes g JOIN mentions m ON m.node = g.node"
            " WHERE g.graph = ? AND m.rule = 'profile-researcher' AND m.evidence = ?",
            (graph, graph),
        )
        return sorted(str(n) for (n,) in rows)

    def claim_merges_of(self, graph: str) -> list[tuple[int, str, int]]:
        """The merges the claims of ``graph`` (a profile listing) made on nodes it states:
        (order of the merge, node, the person kept), in the order they were made."""
        stated = self.db.execute("SELECT node FROM graph_nodes WHERE graph = ?", (graph,))
        keys = {claim_key(str(n), graph): str(n) for (n,) in stated}
        query = "SELECT seq, node, keep_id FROM merges WHERE node IN (?)"
        rows = select_in(self.db, query, list(keys))
        return sorted((int(q), keys[str(k)], int(keep)) for q, k, keep in rows)

    def claim_merges(self, nodes: Sequence[str]) -> list[str]:
        """The keys of the merges a profile's claim on one of ``nodes`` made."""
        found: list[str] = []
        for node in nodes:  # the keys of a node's claims sort right after "<node> "
            rows = self.db.execute(
                "SELECT node FROM merges WHERE node > ? AND node < ?", (f"{node} ", f"{node}!")
            )
            found += [str(k) for (k,) in rows]
        return found

    def undecide(self, nodes: Sequence[str]) -> list[Mention]:
        """Drop the decisions of these authorships (their evidence stays: they are decided
        again); returns the decisions dropped (their persons need writing)."""
        dropped = list(self.mentions(nodes).values())
        self.db.executemany("DELETE FROM mentions WHERE node = ?", ((m.node,) for m in dropped))
        for mention in dropped:
            self.mark_dirty(mention.person)
        return dropped

    def stating(self, node: str) -> str | None:
        """A graph that states ``node`` (the first in IRI order), if any does."""
        row = self.db.execute(
            "SELECT graph FROM graph_nodes INDEXED BY graph_nodes_node WHERE node = ?"
            " ORDER BY graph LIMIT 1",
            (node,),
        ).fetchone()
        return None if row is None else str(row[0])

    def share_a_paper(self, a: int, b: int) -> str | None:
        """A paper on which the two persons hold two *different positions* (then they cannot be
        one person). Authorships without a position (a profile's researcher beyond "et al.")
        are claims, not positions, and never conflict."""
        row = self.db.execute(
            "SELECT x.paper FROM mentions x JOIN mentions y ON x.paper = y.paper"
            " WHERE x.person = ? AND y.person = ? AND x.position IS NOT NULL"
            " AND y.position IS NOT NULL AND x.position != y.position LIMIT 1",
            (a, b),
        ).fetchone()
        return None if row is None else str(row[0])

    def set_name(self, pid: int, name: str) -> None:
        """The person's fullest spelling so far (compared with new names)."""
        self.db.execute("UPDATE persons SET name = ? WHERE id = ?", (name, pid))
        self.mark_dirty(pid)

    def mark_dirty(self, pid: int) -> None:
        if pid in self._marked:
            return
        self.db.execute("UPDATE persons SET dirty = 1 WHERE id = ?", (pid,))
        if len(self._marked) >= CACHE_LIMIT:  # only a cache of what is marked: keep it bounded
            self._marked.clear()
        self._marked.add(pid)

    def dirty(self) -> list[int]:
        """The persons whose graph needs writing (ids only: at 100k records, 155 000 persons)."""
        rows = self.db.execute("SELECT id FROM persons WHERE dirty = 1 ORDER BY id")
        return [int(r[0]) for r in rows]

    def published_to(self) -> str | None:
        """The store (its manifest's ``store_id``) the person graphs were last written to."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'store'").fetchone()
        return None if row is None else str(row[0])

    def republish(self, store_id: str) -> None:
        """Person graphs are to be written to another store (or a store made afresh): every
        person's graph is due again there (a retired one's dropped)."""
        self.db.execute("UPDATE persons SET dirty = 1")
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('store', ?)", (store_id,))
        self._marked.clear()

    def lost(self, slugs: Sequence[str]) -> int:
        """The graphs of these persons are gone from the store (removed outside scholarkg): the
        live ones are due again. Returns how many."""
        due = execute_in(
            self.db,
            "UPDATE persons SET dirty = 1, published = 0 WHERE slug IN (?) AND merged_into IS NULL",
            slugs,
        )
        self._marked.clear()
        return due

    def written(self, pids: Iterable[int]) -> None:
        """These persons' graphs are in the store now."""
        done = list(pids)
        self.db.executemany(
            "UPDATE persons SET dirty = 0, published = 1 WHERE id = ?", ((p,) for p in done)
        )
        self._marked.difference_update(done)

    def settled(self, pids: Iterable[int]) -> None:
        """Nothing to write for these (retired) persons any more."""
        done = list(pids)
        self.db.executemany("UPDATE persons SET dirty = 0 WHERE id = ?", ((p,) for p in done))
        self._marked.difference_update(done)

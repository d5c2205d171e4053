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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from scholarkg import iris
from scholarkg.errors import ScholarKGError
from scholarkg.identity import names, pair_persons
from scholarkg.identity.claims_table import ClaimTables, claim_key
from scholarkg.identity.evidence import EvidenceTables
from scholarkg.identity.graph_nodes import GraphNodes
from scholarkg.identity.layout import (
    GENERATIONS,
    HONORIFICS,
    PAIRS,
    SCHEMA,
    SCHEMA_VERSION,
    SHOWN,
    VARIANTS,
    Layout,
)
from scholarkg.identity.mention_tables import MentionTables
from scholarkg.identity.merges_table import MergeTables
from scholarkg.identity.pair_keys import MAX_EVIDENCE_AUTHORS, pair_key
from scholarkg.identity.pair_lookups import PairLookups
from scholarkg.identity.person_reads import PersonReads
from scholarkg.identity.profiles_table import ProfileTables
from scholarkg.identity.publish_state import CACHE_LIMIT, PublishState
from scholarkg.identity.records import (
    _PERSON_COLUMNS,
    Mention,
    Person,
    PersonRecord,
    _person,
    short_hash,
)
from scholarkg.identity.slug_settling import SlugSettling
from scholarkg.sqlite_in import connect_state

__all__ = [
    "CACHE_LIMIT",
    "MAX_EVIDENCE_AUTHORS",
    "SCHEMA_VERSION",
    "Mention",
    "Person",
    "PersonRecord",
    "Registry",
    "claim_key",
    "pair_key",
    "short_hash",
]


BUSY_WAIT = 30.0  # seconds a statement waits for a lock another process holds (tests cut it)


class Registry(
    Layout,
    MentionTables,
    PersonReads,
    EvidenceTables,
    PairLookups,
    ProfileTables,
    GraphNodes,
    ClaimTables,
    MergeTables,
    PublishState,
    SlugSettling,
):
    """The SQLite identity registry. One transaction is open until :meth:`commit`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = connect_state(
            self.path, "identity registry", timeout=BUSY_WAIT, isolation_level="DEFERRED"
        )
        try:
            self._open()
        except BaseException:
            self.db.close()  # its transaction dropped: nothing of the opening is kept
            raise

    def _open(self) -> None:
        """Read the layout, bring the file to this one, and commit."""
        layout = self._layout()  # read before anything is written
        # A bounded 16 MiB page cache (64 until 2026-12-07): the main process's peak 514 → 481 MiB
        # at 10k records, 690 → 628 at 40k; the load's CPU the same within noise (median per-pair
        # ratio 1.01 over 7 pairs; bench/HISTORY.md, session 42).
        self.db.executescript(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384;"
        )
        self.db.executescript(SCHEMA)
        pair_persons.hold_wide_keys(self.db)  # the pair index's wide keys by person
        self.any_wide = pair_persons.any_wide(self.db)
        self._marked: set[int] = set()  # marked dirty in this process (no need to mark again)
        if layout is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            self.db.execute("INSERT INTO meta VALUES ('names', ?)", (names.NAMES,))
            self.db.execute("INSERT INTO meta VALUES ('variants', ?)", (VARIANTS,))
            self.db.execute("INSERT INTO meta VALUES ('letters', ?)", (iris.LETTERS,))
            self.db.execute("INSERT INTO meta VALUES ('pairs', ?)", (PAIRS,))
            self.db.execute("INSERT INTO meta VALUES ('generations', ?)", (GENERATIONS,))
            self.db.execute("INSERT INTO meta VALUES ('shown', ?)", (SHOWN,))
            self.db.execute("INSERT INTO meta VALUES ('honorifics', ?)", (HONORIFICS,))
            self.db.execute("INSERT INTO meta VALUES ('slugs_settled_below', '1')")
        else:
            self._migrate(layout)
            self._rekey_names()
            self._refold_keys()
            self._mark_group_variants()
            self._spell_pairs()  # after _rekey_names: the blocks of this names version
            self._mark_generations()
            self._mark_shown_names()
            self._bare_profile_names()
        self._note_first_new()
        self.db.commit()

    # -- transactions -------------------------------------------------------------------------

    def commit(self) -> None:
        self.db.commit()

    def rollback(self) -> None:
        self.db.rollback()

    @contextmanager
    def whole(self) -> Iterator[None]:
        """What is written inside is kept whole or not at all: an exception out of it (a stop
        asked for) undoes every write since it began (a SAVEPOINT in the open transaction;
        what was written before stays, to be committed or not as before)."""
        if not self.db.in_transaction:  # else the savepoint's release would commit
            self.db.execute("BEGIN")
        self.db.execute("SAVEPOINT whole")
        try:
            yield
        except BaseException:
            self._marked.clear()  # its marks may be undone: marked again when next due
            # an error SQLite took the whole transaction back with (a full disk) left no
            # savepoint to go back to: the error is what the caller hears
            with suppress(sqlite3.Error, ScholarKGError):
                self.db.execute("ROLLBACK TO whole")
                self.db.execute("RELEASE whole")
            raise
        self.db.execute("RELEASE whole")

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

    def founded_by(self, founded: str) -> list[Person]:
        """The persons (live or retired) that ``founded`` founded, oldest first."""
        rows = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons WHERE founded = ? ORDER BY id",  # noqa: S608
            (founded,),
        )
        return [_person(r) for r in rows]

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

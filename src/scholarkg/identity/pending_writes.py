"""The registry's new persons and new authorship decisions, held back and written in one
statement per table (a chunk's hundreds of ``INSERT``s interleaved with its look-ups cost
SQLite more than one ``executemany`` of them).

Nothing reads around them: the registry's own reads of a person or a decision consult them
first, the co-author look-ups add the held-back decisions' rows of the pair index
(:meth:`PendingWrites.beside`), and every other statement that names ``persons``, ``mentions``
or ``coauthor_pairs`` — any module's, through the connection — writes them first, as does a
commit. A rollback (a killed or failed chunk) drops them with the rest of the transaction: what
is committed is what one statement a decision committed.

Only decisions of authorships the registry holds no decision of (read so in this chunk) are held
back, so the database's rows and the held-back ones never name the same authorship; the pair
index's rows of those authorships are the chunk's papers' (:meth:`PendingWrites.cover`). The
buffers hold one chunk: they are emptied at each write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scholarkg.identity.records import _MENTION_COLUMNS, Mention
from scholarkg.sqlite_in import StateConnection

_PERSONS = "INSERT INTO persons (id, slug, block, name, founded, profile, label, split_from)"


class RegistryConnection(StateConnection):
    """The registry's connection: its held-back writes (:attr:`pending`) are written before any
    statement naming their tables, and before a commit; a rollback drops them."""

    pending: PendingWrites | None = None

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        if self.pending is not None and ("persons" in sql or "mentions" in sql or "pairs" in sql):
            self.pending.before(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any:
        if self.pending is not None and ("persons" in sql or "mentions" in sql or "pairs" in sql):
            self.pending.before(sql)
        return super().executemany(sql, parameters)

    def executescript(self, script: str, /) -> Any:
        if self.pending is not None:
            self.pending.write()
        return super().executescript(script)

    def read(self, sql: str, parameters: Any = (), /) -> Any:
        """A statement the caller has made consult :attr:`pending` itself."""
        return super().execute(sql, parameters)

    def commit(self) -> None:
        if self.pending is not None:
            self.pending.write()
        super().commit()

    def rollback(self) -> None:
        if self.pending is not None:
            self.pending.drop()
        super().rollback()

    def __exit__(self, *exc: Any) -> Any:
        if self.pending is not None:
            if exc[0] is None:
                self.pending.write()
            else:
                self.pending.drop()
        return super().__exit__(*exc)


class PendingWrites:
    """New persons and new decisions not yet written, and what the registry knows of them."""

    def __init__(self, db: RegistryConnection) -> None:
        self.db = db
        self.persons: dict[int, tuple[Any, ...]] = {}  # id: (slug, block, name, founded, …)
        self.slugs: set[str] = set()
        self.mentions: dict[str, Mention] = {}  # node: its decision
        self.absent: set[str] = set()  # nodes read to have no decision, none written since
        self.pairs: dict[int, list[tuple[str, str, str]]] = {}  # pair: (node, paper, co-author)
        self.covered: set[str] = set()  # nodes whose pair-index rows ``pairs`` holds
        self._next: int | None = None  # the id the next new person gets

    def before(self, sql: str) -> None:
        """``sql``, which names a table of theirs, is about to run: write what it may read or
        change; a change of the pair index leaves :attr:`pairs` stale."""
        self.write()
        if "coauthor_pairs" in sql and not sql.lstrip().upper().startswith("SELECT"):
            self.pairs, self.covered = {}, set()

    def new_id(self) -> int:
        """The id SQLite would give the next person inserted (one past the largest)."""
        if self._next is None:
            row = self.db.read("SELECT COALESCE(MAX(id), 0) FROM persons").fetchone()
            self._next = int(row[0]) + 1
        pid = self._next
        self._next += 1
        return pid

    def cover(self, rows: list[tuple[int, str, str, str]], nodes: Iterable[str]) -> None:
        """The pair index holds exactly ``rows`` (pair, node, paper, co-author) of ``nodes``, the
        authorships of the chunk's papers (whose decisions are read again after it)."""
        self.pairs, self.covered, self.absent = {}, set(nodes), set()
        for pair, node, paper, co_name in rows:
            self.pairs.setdefault(pair, []).append((node, paper, co_name))

    def holds_back(self, node: str) -> bool:
        """Whether a decision of ``node`` may be held back (it has no row, and the co-author
        look-ups know its pair-index rows)."""
        return node in self.mentions or (node in self.absent and node in self.covered)

    def beside(self, pairs: Iterable[int], paper: str) -> list[tuple[int, str, str, Mention]]:
        """(pair, paper, co-author, decision) of the held-back decisions under ``pairs`` on a
        paper other than ``paper``: the rows the co-author look-ups do not find in the
        database."""
        if not self.mentions:
            return []
        return [
            (pair, on, co_name, mention)
            for pair in pairs
            for node, on, co_name in self.pairs.get(pair, ())
            if on != paper and (mention := self.mentions.get(node)) is not None
        ]

    def write(self) -> None:
        """Write the held-back rows, one statement per table."""
        if not self.persons and not self.mentions:
            return
        persons, mentions = self.persons, self.mentions
        self.persons, self.slugs, self.mentions, self._next = {}, set(), {}, None
        self.absent.difference_update(mentions)
        # StateConnection's own executemany: not the hook, which called this
        StateConnection.executemany(
            self.db,
            f"{_PERSONS} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((pid, *row) for pid, row in persons.items()),
        )
        StateConnection.executemany(
            self.db,
            f"INSERT OR REPLACE INTO mentions ({_MENTION_COLUMNS})"  # noqa: S608
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_mention_row(m) for m in mentions.values()),
        )

    def drop(self) -> None:
        """Forget everything held back and known (the transaction is rolled back)."""
        self.persons, self.slugs, self.mentions, self._next = {}, set(), {}, None
        self.absent, self.pairs, self.covered = set(), {}, set()


def _mention_row(m: Mention) -> tuple[Any, ...]:
    return (
        m.node,
        m.paper,
        m.position,
        m.person,
        m.name,
        m.rule,
        m.score,
        m.basis,
        m.evidence,
        int(m.pinned),
    )

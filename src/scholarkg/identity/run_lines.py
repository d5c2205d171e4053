"""The identity events and conflicts of a run, kept in the registry as they are found.

A run's lines grow with its input (a conflict per contested authorship, an event per change
to a published person): they are written to the registry's ``run_lines`` table in its open
transaction, not held in memory, and read back a page at a time when the run reports them.
Being in the registry's transaction, the lines of a restatement undone by a stop
(:meth:`~.registry.Registry.whole`) go with its decisions. The report takes them at the end of
the identity step (:func:`~scholarkg.runs.identity_step.finish_identity`), which clears them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar, overload

from scholarkg.identity.mentions import IdentityEvent

PAGE = 500  # lines read back per query: what iterating holds at a time
T = TypeVar("T")


class RunLines(Sequence[T], Generic[T]):
    """One kind of line of this run (``event`` or ``conflict``), in the order found."""

    def __init__(
        self,
        db: sqlite3.Connection,
        kind: str,
        encode: Callable[[T], str],
        decode: Callable[[str], T],
    ) -> None:
        self.db, self.kind, self._encode, self._decode = db, kind, encode, decode

    def append(self, line: T) -> None:
        self.db.execute(
            "INSERT INTO run_lines (kind, line) VALUES (?, ?)", (self.kind, self._encode(line))
        )

    def clear(self) -> None:
        if self.db.execute("SELECT 1 FROM run_lines WHERE kind = ?", (self.kind,)).fetchone():
            self.db.execute("DELETE FROM run_lines WHERE kind = ?", (self.kind,))

    def __len__(self) -> int:
        query = "SELECT COUNT(*) FROM run_lines WHERE kind = ?"
        return int(self.db.execute(query, (self.kind,)).fetchone()[0])

    def __iter__(self) -> Iterator[T]:
        after = 0
        query = "SELECT seq, line FROM run_lines WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?"
        while True:
            rows = self.db.execute(query, (self.kind, after, PAGE)).fetchall()
            yield from (self._decode(str(line)) for _, line in rows)
            if len(rows) < PAGE:
                return
            after = int(rows[-1][0])

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += len(self)
        query = "SELECT line FROM run_lines WHERE kind = ? ORDER BY seq LIMIT 1 OFFSET ?"
        row = self.db.execute(query, (self.kind, index)).fetchone() if index >= 0 else None
        if row is None:
            raise IndexError(index)
        return self._decode(str(row[0]))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RunLines({self.kind!r}, {len(self)} lines)"


def _event(text: str) -> IdentityEvent:
    return IdentityEvent(*json.loads(text))


def _event_text(e: IdentityEvent) -> str:
    return json.dumps([e.kind, e.person, e.other, e.rule, e.basis], ensure_ascii=False)


def events_of(db: sqlite3.Connection) -> RunLines[IdentityEvent]:
    return RunLines(db, "event", _event_text, _event)


def conflicts_of(db: sqlite3.Connection) -> RunLines[str]:
    return RunLines(db, "conflict", str, str)

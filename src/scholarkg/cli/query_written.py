"""``scholarkg query``'s output, counted: how many rows of a streamed answer went out whole."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from scholarkg.query_output import Message
    from scholarkg.query_sink import DeadlineOutput


class Written:
    """The command's output, and how many rows (or N-Triples triples) of a streamed answer went
    out whole, to say that output a limit or failure cut short is incomplete and where."""

    def __init__(self, out: TextIO | DeadlineOutput, fmt: str) -> None:
        self.out, self.fmt = out, fmt
        self.what = "rows"
        self.counted = True  # whole rows (triples) are counted: not in Turtle or JSON-LD
        self.lines = False  # each line written is one item (N-Triples)
        self.handed = 0  # characters handed to an ``out`` that says nothing of what it sent
        self.whole = 0  # items known to have gone out whole
        self.ends: deque[int] = deque()  # where items handed but not known out end

    def _sent(self) -> int:
        return int(getattr(self.out, "sent", self.handed))

    def write(self, text: str) -> int:
        if not self.lines:
            return self._write(text)
        for line in text.splitlines(keepends=True):
            self._write(line)
            if line.endswith("\n"):
                self.row_end()
        return len(text)

    def _write(self, text: str) -> int:
        self.handed += len(text)
        return self.out.write(text)

    def row_end(self) -> None:
        """One row's (triple's) text has been handed on: it is out once the bytes to here are."""
        self.ends.append(int(getattr(self.out, "position", self.handed)))
        self._settle()

    def _settle(self) -> None:
        sent = self._sent()
        while self.ends and self.ends[0] <= sent:
            self.ends.popleft()
            self.whole += 1

    def flush(self) -> None:
        self.out.flush()

    def count(self, messages: Iterator[Message]) -> Iterator[Message]:
        from scholarkg.query_results import GRAPH_OUTPUT
        from scholarkg.serve.jobs import RowBatch, StreamHead

        for message in messages:
            if isinstance(message, StreamHead) and message.form == "triples":
                self.what = "triples"
                self.lines = self.counted = GRAPH_OUTPUT.get(self.fmt) == "nt"
            yield message  # the writer asks for the next one once this one is written
            if isinstance(message, RowBatch):
                self.out.flush()  # each batch out as it comes

    def said(self, exc: Exception) -> Exception:
        """``exc``, saying the output before it is incomplete when any of it went out (a table
        before its first rows' widths were known, or JSON-LD, written once every triple has
        come, had none), and how many rows went out whole (part of the next may follow them)."""
        from scholarkg.errors import QueryError

        sent = self._sent()
        if not sent or not isinstance(exc, QueryError):
            return exc
        self._settle()
        if not self.counted:
            return QueryError(
                f"{exc}; the output stops partway through its {self.what}: incomplete"
            )
        return QueryError(f"{exc}; the output stops after {self.whole} {self.what}: incomplete")

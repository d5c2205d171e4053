"""A SPARQL server's SELECT answer parsed as it arrives, never held whole (an export's read).

:class:`AnswerReader` is the binary file-like object pyoxigraph's parser reads: it hands out
the body's pieces as they come off the connection, counting them (:class:`Tally`), and holds
one piece at most. A body in another charset than UTF-8 is decoded piece by piece
(:func:`recoded`). :func:`stream_rows` gives the rows, and says an answer that breaks off or
goes wrong part way as one :class:`~scholarkg.errors.QueryError` line naming the server and the
row; the rows before it were already written by the export, which then fails as a whole.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, cast

import pyoxigraph as ox

from scholarkg.errors import QueryError
from scholarkg.store.answer_rows import parser_full, unreadable

_UTF8 = {"utf-8", "utf8"}


@dataclass
class Tally:
    """What a streamed answer cost: its bytes read so far, the most held at once, and the
    bytes read when its last row was given (those since are the row being read)."""

    bytes_read: int = 0
    most_held: int = 0
    row_start: int = 0


class AnswerReader:
    """``read(size)`` over ``pieces``, holding one piece at most (its size kept in ``tally``)."""

    def __init__(self, pieces: Iterable[bytes], tally: Tally) -> None:
        self._pieces = iter(pieces)
        self.tally = tally
        self._held = b""
        self._offset = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (``-1``: the rest of the piece held); ``b""`` at the end."""
        while self._offset >= len(self._held):
            piece = next(self._pieces, None)
            self._held, self._offset = piece or b"", 0
            if piece is None:
                return b""
            self.tally.most_held = max(self.tally.most_held, len(piece))
        end = len(self._held) if size < 0 else self._offset + size
        data = self._held[self._offset : end]
        self._offset += len(data)
        return data


def counted(
    pieces: Iterable[bytes],
    tally: Tally,
    at_end: Callable[[], None],
    most: int,
    refuse: Callable[[], Exception],
) -> Iterator[bytes]:
    """``pieces``, their bytes counted in ``tally``; ``at_end`` is called when they end (a
    transfer cut off may end like a whole one: it raises then). ``refuse()`` is raised when
    more than ``most`` bytes come for one row: the parser may hold a row whole (the XML one
    holds a term of any size; JSON's stops at 16 MiB)."""
    for piece in pieces:
        if tally.bytes_read + len(piece) - tally.row_start > most:
            raise refuse()
        tally.bytes_read += len(piece)
        yield piece
    at_end()


def recoded(pieces: Iterable[bytes], charset: str, where: str) -> Iterator[bytes]:
    """``pieces`` of text in ``charset`` as UTF-8, decoded as they come; a :class:`QueryError`
    naming ``where`` and the offset of a byte that does not decode. UTF-8 is passed on as it
    is, but for a byte-order mark (the parser says a byte that is no UTF-8)."""
    if charset in _UTF8:
        yield from _without_bom(pieces)
        return
    try:
        decoder = codecs.getincrementaldecoder(charset)()
    except LookupError:
        raise QueryError(f"{where}: the answer's charset {charset!r} is unknown") from None
    offset = 0
    try:
        for piece in pieces:
            offset += len(piece)
            text = decoder.decode(piece)
            if text:
                yield text.encode("utf-8")
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        start = offset - len(exc.object) + exc.start  # exc.object: the bytes held, then the piece
        raise QueryError(
            f"{where}: the answer is not {charset} text as its Content-Type says: byte "
            f"0x{exc.object[exc.start]:02x} at offset {start}"
        ) from None
    if tail:
        yield tail.encode("utf-8")


def _without_bom(pieces: Iterable[bytes]) -> Iterator[bytes]:
    head = b""
    pieces = iter(pieces)
    for piece in pieces:
        head += piece
        if len(head) >= len(codecs.BOM_UTF8):
            break
    head = head.removeprefix(codecs.BOM_UTF8)
    if head:
        yield head
    yield from pieces


def stream_rows(
    reader: AnswerReader, results_format: ox.QueryResultsFormat, where: str
) -> Iterator[ox.QuerySolution]:
    """The rows of a SELECT answer as ``reader`` gives it; a :class:`QueryError` naming
    ``where`` and the row when any part of it does not read, or when it is no SELECT answer."""
    rows = 0
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | None = None
    try:
        result = ox.parse_query_results(cast("IO[bytes]", reader), results_format)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(f"{where}: expected SELECT results, got a boolean")
        for row in result:
            rows += 1
            reader.tally.row_start = reader.tally.bytes_read
            yield row
    except MemoryError as exc:  # the JSON parser's buffer is full: a term of over 16 MiB
        raise parser_full(exc, where, results_format, rows + 1) from None
    except (SyntaxError, ValueError) as exc:
        raise unreadable(exc, where, results_format, rows + 1) from None
    finally:  # the parse is not kept by an error's frame (see scholarkg.store.answer_rows)
        result = None

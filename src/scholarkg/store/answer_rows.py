"""A SPARQL server's query results read whole before anyone reads them.

pyoxigraph parses SELECT results lazily, row by row as the caller iterates: an answer that
breaks off or goes wrong part way (broken JSON or XML, a term that is no term, a variable the
head does not declare) failed as a bare ``SyntaxError`` in the middle of the caller's loop,
past every handler of the store's errors. :func:`read_results` goes through every row once
(discarding each, so memory stays flat) and says such an answer as one
:class:`~scholarkg.errors.QueryError` line naming the server and the row; the caller gets a
fresh parse of an answer known to read to its end.

A parse (``QuerySolutions``) belongs to the thread that made it: dropped on another, it is an
error Python can only print ("PyQuerySolutions is unsendable, but is being dropped on another
thread"). The error a broken answer raises keeps the frame that parsed it (in its traceback, or
its context's), and an error held in a reference cycle is collected on whichever thread the
garbage collector runs: so that frame lets go of the parse before the error leaves it.
"""

from __future__ import annotations

import pyoxigraph as ox

from scholarkg.errors import QueryError

Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
_REASON_CHARS = 300  # of the parser's own words kept in the line


def read_results(body: bytes, results_format: ox.QueryResultsFormat, where: str) -> Results:
    """``body`` parsed as ``results_format``; a :class:`QueryError` naming ``where`` and the row
    when any part of it does not read (a boolean answer is read whole by its parse)."""
    rows = 0
    result: Results | None = None
    try:
        result = ox.parse_query_results(body, results_format)
        if not isinstance(result, ox.QuerySolutions):
            return result
        for _ in result:
            rows += 1
    except MemoryError as exc:
        raise parser_full(exc, where, results_format, rows + 1) from None
    except (SyntaxError, ValueError) as exc:
        raise unreadable(exc, where, results_format, rows + 1) from None
    finally:
        result = None  # the parse is not kept by an error's frame (see above)
    return ox.parse_query_results(body, results_format)


def unreadable(
    exc: SyntaxError | ValueError, where: str, results_format: ox.QueryResultsFormat, row: int
) -> QueryError:
    """The :class:`QueryError` saying that row ``row`` of an answer from ``where`` does not
    read as ``results_format``."""
    return QueryError(
        f"{where}: unreadable {results_format.media_type} answer at row {row}: {one_line(exc)}"
    )


def parser_full(
    exc: MemoryError, where: str, results_format: ox.QueryResultsFormat, row: int
) -> QueryError:
    """The :class:`QueryError` saying that the parser's buffer filled up (pyoxigraph's JSON
    parser stops at a token of 16 MiB, raising ``MemoryError``); any other ``MemoryError`` is
    raised again."""
    if not str(exc).startswith("Reached the buffer maximal size"):
        raise exc
    return QueryError(
        f"{where}: unreadable {results_format.media_type} answer at row {row}: "
        f"{one_line(exc)} bytes (one term larger than the parser takes)"
    )


def one_line(exc: BaseException) -> str:
    """The parser's words on one line: control characters (which it may quote from the
    answer) escaped, and cut short."""
    text = " ".join(str(exc).split())
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return shown if len(shown) <= _REASON_CHARS else shown[: _REASON_CHARS - 1] + "…"

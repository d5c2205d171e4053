"""``scholarkg query``'s errors in its user's terms: the ``[serve]`` setting a limit is, the
query's source, line and column for a syntax error."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scholarkg.config import ServeSettings

# How the store's parser (Oxigraph's) says a query does not parse: "error at LINE:COLUMN: …"
_PARSER_SAID = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def limit_named(exc: Exception, serve: ServeSettings) -> Exception:
    """``exc``, or for a ``[serve]`` limit that stopped the query (time, memory, result size)
    the same words naming the setting and its value, which the command's user may raise
    (before: "it ran longer than the time limit of 30 s", no setting named)."""
    from scholarkg.errors import QueryError, QueryLimitError

    if not isinstance(exc, QueryLimitError):
        return exc
    if exc.limit == "time":
        key = f"time_limit = {serve.time_limit:g}"
    elif exc.limit == "memory":
        key = f"memory_limit_mb = {serve.memory_limit_mb}"
    elif exc.status == 507:  # the result size
        key = f"max_result_mb = {serve.max_result_mb}"
    else:
        return exc
    return QueryError(f"{exc} ([serve] {key})")


def syntax_error(exc: Exception, source: str) -> Exception:
    """``exc``, or for the store's parser refusing the query (``error at 3:1: expected …``) the
    same words naming ``source`` (the query's file, or ``--sparql``), its line and column."""
    from scholarkg.errors import QueryError

    said = _PARSER_SAID.match(str(exc))
    if type(exc) is not QueryError or said is None:
        return exc
    line, column, rest = said.groups()
    return QueryError(f"{source}: SPARQL syntax error at line {line}, column {column}: {rest}")

"""``scholarkg query``'s errors in its user's terms: the ``[serve]`` setting a limit is, the
query's source, line and column for a syntax error."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from scholarkg.config import ServeSettings, StoreConfig

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


STORE_LOG = "scholarkg.serve.job_errors"  # where a worker's failure is logged with its detail
_COULD_NOT = "the store could not answer: "


@contextmanager
def store_words() -> Iterator[list[str]]:
    """The store's own words for a failed query (the detail the server logs), kept here for
    :func:`store_said` instead of printed as a line of their own before the ``error:`` line."""
    words: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            args = record.args if isinstance(record.args, tuple) else ()
            words.append(str(args[0]) if args else record.getMessage())

    logger = logging.getLogger(STORE_LOG)
    handler, propagate = Keep(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield words
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def endpoint(url: str) -> str:
    """A SPARQL endpoint's URL as a line shows it: no user, password, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    port = "" if parts.port is None else f":{parts.port}"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def store_said(exc: Exception, words: list[str], store: StoreConfig) -> Exception:
    """``exc``, or for a SPARQL server that could not answer, one line naming its endpoint
    (no secret: :func:`endpoint`) and, where it answered wrongly, the store's own words
    (before: those words on a line of their own, unprefixed, before the ``error:`` line)."""
    from scholarkg.errors import QueryError, QueryLimitError

    url = store.query_url
    if store.kind != "sparql" or url is None or not isinstance(exc, QueryLimitError):
        return exc
    if exc.limit is not None or not str(exc).startswith(_COULD_NOT):
        return exc
    shown = endpoint(url)
    if exc.retry_after is not None:  # unreachable: worth asking again shortly
        return QueryError(f"the SPARQL server at {shown} cannot be reached; try again shortly")
    said = words[-1] if words else str(exc)[len(_COULD_NOT) :]
    said = said.split(": ", 1)[1] if said.startswith("QueryError: ") else said
    said = said.replace(url, shown)
    return QueryError(f"{_COULD_NOT}{said}" if shown in said else f"{shown}: {_COULD_NOT}{said}")

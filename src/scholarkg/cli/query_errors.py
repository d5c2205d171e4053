"""``scholarkg query``'s errors in its user's terms: the ``[serve]`` setting a limit is, the
query's source, line and column for a syntax error."""

from __future__ import annotations

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


@contextmanager
def server_log_quiet() -> Iterator[None]:
    """The worker pool's log line for a query the store could not answer (the server's, with
    the store's own words) kept off the command's stderr: the command says those words in its
    ``error:`` line, built from the error (:func:`store_said`)."""
    from scholarkg.serve.job_errors import log

    disabled, log.disabled = log.disabled, True
    try:
        yield
    finally:
        log.disabled = disabled


def endpoint(url: str) -> str:
    """A SPARQL endpoint's URL as a line shows it: no user, password, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    port = "" if parts.port is None else f":{parts.port}"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def store_said(exc: Exception, store: StoreConfig) -> Exception:
    """``exc``, or for a SPARQL server that could not answer, one line naming its endpoint
    (no secret: :func:`endpoint`) and, where it answered wrongly, the store's own words, as
    the error carries them (:class:`~scholarkg.errors.StoreAnswerError`; before: those words
    on a line of their own, unprefixed, before the ``error:`` line, then taken from the
    server's log message)."""
    from scholarkg.errors import QueryError, StoreAnswerError
    from scholarkg.serve.middleware import loggable

    url = store.query_url
    if store.kind != "sparql" or url is None or not isinstance(exc, StoreAnswerError):
        return exc
    shown = endpoint(url)
    if exc.retry_after is not None:  # unreachable: worth asking again shortly
        return QueryError(f"the SPARQL server at {shown} cannot be reached; try again shortly")
    said = loggable(exc.said or exc.reason).replace(loggable(url), shown)
    could_not = "the store could not answer: "
    return QueryError(f"{could_not}{said}" if shown in said else f"{shown}: {could_not}{said}")

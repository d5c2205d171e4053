"""The failure a worker reports when the store raised on a job, by what went wrong."""

from __future__ import annotations

import sys
from typing import Any

import pyoxigraph as ox

from scholarkg.serve.jobs import JobFailure

DETAIL_CHARS = 2000  # of an error's text kept for the server's log


def evaluation_failure(exc: Exception, store: Any = None) -> JobFailure:
    """The failure of a job whose query (or its answer) raised ``exc``; its text goes to the
    log (stderr), never the client."""
    # The engine's text may quote what a SERVICE endpoint answered: it goes to the worker's
    # and the server's log, never to the client.
    detail = f"{type(exc).__name__}: {exc}"[:DETAIL_CHARS]
    print(f"query failed: {detail}", file=sys.stderr, flush=True)
    return store_failure(exc, store, f"the query could not be evaluated ({type(exc).__name__})")


def store_failure(exc: Exception, store: Any, message: str) -> JobFailure:
    """The failure of a job ``store`` raised ``exc`` for: a SPARQL server that cannot be
    reached is kind unavailable (retrying makes sense), one that failed to answer (an error
    status, too slow, an answer that cannot be read) kind upstream; anything else, such as the
    embedded engine's own error, kind store."""
    detail, said = f"{type(exc).__name__}: {exc}"[:DETAIL_CHARS], str(exc)[:DETAIL_CHARS]
    if store is None or isinstance(store, ox.Store):
        return JobFailure("store", message, detail, said)
    if store_unreachable(exc):
        return JobFailure("unavailable", "it cannot be reached", detail, said)
    return JobFailure("upstream", message, detail, said)


def store_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` comes of a connection to the store that could not be made (refused, no
    route, a name that does not resolve, a connect timeout): never of an answer the store
    began, nor of one cut off at a deadline (those are the store failing to answer)."""
    import requests
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    seen: BaseException | None = exc
    for _ in range(10):  # an exception's chain of causes, never a cycle for ever
        if seen is None:
            return False
        if isinstance(seen, requests.ConnectTimeout | NewConnectionError):
            return True
        if isinstance(seen, requests.ConnectionError):
            said = seen.args[0] if seen.args else None
            reason = said.reason if isinstance(said, MaxRetryError) else said
            return isinstance(reason, NewConnectionError)
        seen = seen.__cause__ or seen.__context__
    return False

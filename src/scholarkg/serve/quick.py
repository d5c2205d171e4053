"""Which queries may take a quick worker (``[serve] quick_workers``) while every other worker
is busy: those the engine can stop early, judged from the guard's scan of the text.

A query looks quick when it is an ``ASK``, a ``DESCRIBE`` of IRIs only, or has a ``LIMIT`` (an
HTML results page's row bound counts), with nothing that makes the engine read every match
first (``ORDER BY``, ``GROUP BY``, ``HAVING``, ``DISTINCT``, ``REDUCED``, an aggregate, ``MINUS``,
``EXISTS``), no ``SERVICE``, no path operator ``*`` ``+`` ``?`` and at most :data:`QUICK_STEPS`
steps in its groups. The text cannot tell how much a join costs: a query that looks quick and
is not is stopped at ``quick_time_limit`` and then waits for a worker as any query does
(:meth:`scholarkg.serve.workers.WorkerPool.run`).
"""

from __future__ import annotations

from scholarkg.serve.guard import QueryInfo

QUICK_STEPS = 4  # triple patterns, OPTIONAL, FILTER, VALUES… ended by . ; , in the groups
READS_ALL = frozenset(
    {
        "ORDER",
        "GROUP",
        "HAVING",
        "DISTINCT",
        "REDUCED",
        "COUNT",
        "SUM",
        "AVG",
        "MIN",
        "MAX",
        "GROUP_CONCAT",
        "SAMPLE",
        "MINUS",
        "EXISTS",
        "SERVICE",
    }
)


def looks_quick(info: QueryInfo, *, bounded: bool = False) -> bool:
    """Whether the query ``info`` describes may take a quick worker; ``bounded``: the caller
    reads a bounded number of rows whatever the text says (an HTML results page)."""
    if info.form is None or info.services or info.closures or info.words & READS_ALL:
        return False
    if info.steps > QUICK_STEPS:
        return False
    ends_early = info.form == "ASK" or "LIMIT" in info.words or bounded
    return ends_early or (info.form == "DESCRIBE" and not info.variables)

"""What an answer kept in the result cache weighs: the cache's bound counts memory held, not
answers, so one huge answer and many one-line ones are held to the same budget."""

from __future__ import annotations

import sys
from multiprocessing.reduction import ForkingPickler

from scholarkg.serve.jobs import QueryJob, QueryOutcome

ENTRY_BYTES = 1024  # what a kept answer holds beside its body, query text and graph names
TERMS_WEIGHT = 4  # terms in memory take about 3.5 times their pickled size (measured)


def held(job: QueryJob, outcome: QueryOutcome) -> int:
    """The memory an answer kept in the result cache holds: its body (or an HTML page's rows
    of terms, :data:`TERMS_WEIGHT` times their size as sent) and its key, whose query text (up
    to ``max_query_bytes``) and graph names (up to ``max_body_bytes``) can outweigh a one-line
    answer many times."""
    names = (*(job.default_graphs or ()), *(job.named_graphs or ()))
    key = sys.getsizeof(job.sparql) + sum(sys.getsizeof(name) for name in names)
    if outcome.body is not None:
        return ENTRY_BYTES + len(outcome.body) + key
    return ENTRY_BYTES + TERMS_WEIGHT * len(ForkingPickler.dumps(outcome)) + key

"""arXiv politeness across processes and runs: a Prefect global concurrency limit as rate limit.

The library keeps its in-process limiter (per-host lock and spacing). When the Prefect API the
flow talks to has a global concurrency limit named :data:`ARXIV_RATE_LIMIT` (with a slot decay),
every arXiv request of every flow run, task worker and Dask process also takes one of its slots
first, through the HTTP client's ``before_request`` hook. Create it once::

    prefect gcl create arxiv-requests --limit 1 --slot-decay-per-second 0.333
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from prefect.client.orchestration import get_client
from prefect.concurrency.sync import rate_limit
from prefect.exceptions import ObjectNotFound

from scholarkg.errors import ExtractError

ARXIV_RATE_LIMIT = "arxiv-requests"
CREATE_COMMAND = f"prefect gcl create {ARXIV_RATE_LIMIT} --limit 1 --slot-decay-per-second 0.333"


@dataclass(frozen=True)
class RateLimitHook:
    """``before_request`` hook: block until a slot of the Prefect rate limit ``name`` is free.

    Picklable, so it travels to Dask workers. A failure to acquire (API gone) becomes an
    :class:`ExtractError` for the URL, which callers already handle (enrichment degrades).
    """

    name: str

    def __call__(self, url: str) -> None:
        try:
            rate_limit(self.name)
        except Exception as exc:
            raise ExtractError(url, f"Prefect rate limit {self.name!r}: {exc}") from exc


Logger = logging.Logger | logging.LoggerAdapter[Any]


def arxiv_rate_limit(logger: Logger) -> RateLimitHook | None:
    """The hook when the limit exists on the current Prefect API (checked once per call), else
    None after logging once how to create it: the in-process limiter still spaces requests."""
    try:
        with get_client(sync_client=True) as client:
            limit = client.read_global_concurrency_limit_by_name(ARXIV_RATE_LIMIT)
    except ObjectNotFound:
        logger.info(
            "no Prefect rate limit %r: arXiv requests are spaced per process only; "
            "to share one budget across runs and workers: %s",
            ARXIV_RATE_LIMIT,
            CREATE_COMMAND,
        )
        return None
    except Exception as exc:  # an unreachable API must not stop the run
        logger.warning("cannot read Prefect rate limit %r (%s); ignored", ARXIV_RATE_LIMIT, exc)
        return None
    if not limit.slot_decay_per_second:
        logger.warning(
            "Prefect limit %r has no slot decay, so it cannot be a rate limit; ignored "
            "(recreate it: %s)",
            ARXIV_RATE_LIMIT,
            CREATE_COMMAND,
        )
        return None
    logger.info(
        "arXiv requests take slots of Prefect rate limit %r (limit %d, decay %.3f/s)",
        ARXIV_RATE_LIMIT,
        limit.limit,
        limit.slot_decay_per_second,
    )
    return RateLimitHook(ARXIV_RATE_LIMIT)

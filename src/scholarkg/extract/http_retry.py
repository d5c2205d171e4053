"""When a failed try of a request is tried again: the budget one request spends, and the wait
before its next try (a back-off, or what the server asked for with ``Retry-After``)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import requests

from scholarkg.errors import ExtractError
from scholarkg.extract.http_policy import HostSlot, HttpPolicy

RETRYABLE_EXCEPTIONS: tuple[type[Exception], ...] = (
    requests.exceptions.ConnectionError,  # includes connect/read timeouts during the body
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


@dataclass
class Budget:
    """Attempts, failures and server-requested waits spent on one request (its redirects'
    hops included)."""

    attempts: int = 0
    failures: int = 0
    waits: int = 0


def schedule_retry(
    policy: HttpPolicy,
    rng: random.Random,
    slot: HostSlot,
    url: str,
    budget: Budget,
    cause: str,
    *,
    status: int | None = None,
    retry_after: float | None = None,
) -> None:
    """Hold the host back for the next delay (caller holds the lock), or give up."""
    if retry_after is not None:
        budget.waits += 1
        if retry_after > policy.backoff_max:
            raise ExtractError(
                url,
                f"{cause}: server asked to retry after {retry_after:.0f} s, "
                f"more than backoff_max {policy.backoff_max:.0f} s",
                status=status,
            )
        delay = retry_after
        exhausted = budget.waits > policy.max_retry_after
    else:
        budget.failures += 1
        delay = policy.backoff(budget.failures, rng)
        exhausted = budget.failures > policy.max_retries
    if exhausted:
        raise ExtractError(
            url, f"gave up after {budget.attempts} attempts; last: {cause}", status=status
        )
    slot.not_before = max(slot.not_before, time.monotonic() + delay)

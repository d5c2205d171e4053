"""Waiting in a test for something another thread or process does: polled against a deadline
(``time.monotonic()``), never a number of tries times a sleep, which fails early on a busy
machine (each try takes longer than its sleep) or, made long, hides a hang."""

from __future__ import annotations

import time
from collections.abc import Callable


def until(
    condition: Callable[[], bool],
    what: str | Callable[[], str],
    bound: float = 60.0,
    every: float = 0.01,
) -> None:
    """Poll ``condition`` every ``every`` seconds until it holds; ``bound`` seconds only stop a
    hang (a loaded machine gets there late, never wrongly), failing with ``what`` (a callable
    is asked only then: a log's tail, a process's stacks)."""
    assert within(condition, bound, every), what if isinstance(what, str) else what()


def within(condition: Callable[[], bool], bound: float = 60.0, every: float = 0.01) -> bool:
    """Whether ``condition`` held within ``bound`` seconds, polled as :func:`until` polls it:
    for a caller that says itself what a hang means (a list of what is left, its own error)."""
    deadline = time.monotonic() + bound
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)
    return True

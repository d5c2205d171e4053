"""A block that does not end within its bound fails the test (SIGALRM, main thread only), shared
by the fuzz tests: far above the work's time on a busy machine, it catches a hang only."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def no_hang(seconds: int, what: str) -> Iterator[None]:
    """Fail with "``what`` did not end within ``seconds`` s" if the block is still running then."""

    def hung(*_: Any) -> None:
        raise AssertionError(f"{what} did not end within {seconds} s")

    before = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)

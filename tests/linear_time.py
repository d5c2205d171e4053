"""How the CPU time of a text function grows with its input: N against 8N characters.

Linear work grows about 8 times, quadratic about 64; a ratio of CPU times (``process_time``,
the least of three runs each) holds on a loaded machine, where a fixed time budget would not.
"""

from __future__ import annotations

import time
from collections.abc import Callable

LINEAR_RATIO = 20.0  # between linear (~8) and quadratic (~64) for N against 8N


def _cpu(func: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        func(text)
        best = min(best, time.process_time() - start)
    return best


def growth(func: Callable[[str], object], make: Callable[[int], str], size: int) -> float:
    """CPU time of ``func(make(8 * size))`` over that of ``func(make(size))``."""
    small, large = make(size), make(8 * size)
    func(small)  # warm: caches, imports
    return _cpu(func, large) / max(_cpu(func, small), 1e-6)

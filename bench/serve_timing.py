"""Timing helpers of the serving benchmarks (bench/serve_bench.py): milliseconds, min and median,
percentiles."""

from __future__ import annotations

import statistics
import time
from typing import Any


def timed(function: Any) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> dict[str, float]:
    return {"min_ms": round(min(samples), 1), "median_ms": round(statistics.median(samples), 1)}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

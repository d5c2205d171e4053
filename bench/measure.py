"""How the bench measures: one step per fresh interpreter, wall and CPU apart, memory sampled.

* :func:`run_step` starts ``bench/step.py <name>`` in a new interpreter (its imports, caches and
  memory are its own) and samples the resident memory of that process **and all its
  descendants** (worker processes) every 50 ms from this process, so sampling costs the
  measured process nothing. The step itself reports the wall time and the CPU time (user + sys
  of its own threads and of every child it waited for, from ``getrusage``) of the measured
  region only (:func:`clocks`), not of interpreter start-up.
* :func:`compare` summarises paired runs: for each side the min and median of wall and CPU, and
  the per-pair ratio (pair *i* = run *i* of A and run *i* of B, measured back to back on the same
  clock, their order alternating between repeats) as min and median.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
PAGE = os.sysconf("SC_PAGE_SIZE")
Params = dict[str, Any]


def descendants(root: int) -> list[int]:
    """``root`` and every process below it (Linux ``/proc/<pid>/task/<tid>/children``)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as handle:
                    todo += [int(c) for c in handle.read().split()]
            except OSError:
                continue
    return found


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants."""
    total = 0
    for pid in descendants(root):
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def cpu_seconds() -> float:
    """User + sys CPU of this process (all threads) and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Clocks:
    """Wall and CPU seconds of a measured region (see :func:`clocks`)."""

    wall: float = 0.0
    cpu: float = 0.0
    _wall0: float = field(default=0.0, repr=False)
    _cpu0: float = field(default=0.0, repr=False)

    def __enter__(self) -> Clocks:
        self._cpu0, self._wall0 = cpu_seconds(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall0
        self.cpu = cpu_seconds() - self._cpu0


def clocks() -> Clocks:
    return Clocks()


@dataclass(frozen=True)
class Run:
    """One measured step: its clocks, peak memory and whatever the step reported."""

    name: str
    wall: float
    cpu: float
    peak_rss: int
    data: dict[str, Any]

    def row(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "wall_s": round(self.wall, 3),
            "cpu_s": round(self.cpu, 3),
            "peak_rss_mib": mib(self.peak_rss),
            **self.data,
        }


def run_step(name: str, params: Params, *, interval: float = 0.05) -> Run:
    """Run ``bench/step.py name`` in a fresh interpreter; see the module doc."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, str(BENCH / "step.py"), name, json.dumps(params), str(out)]
    process = subprocess.Popen(command, cwd=BENCH.parent)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(interval)
    try:
        if process.returncode != 0:
            raise RuntimeError(f"bench step {name!r} failed (exit {process.returncode})")
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)
    wall, cpu = float(result.pop("wall", 0.0)), float(result.pop("cpu", 0.0))
    return Run(name, wall, cpu, peak, result)


def mib(size: int) -> float:
    return round(size / (1 << 20), 1)


def spread(values: Sequence[float]) -> dict[str, float]:
    return {"min": round(min(values), 3), "median": round(statistics.median(values), 3)}


def summary(runs: Sequence[Run]) -> dict[str, Any]:
    """Min and median of wall and CPU, and the largest peak, over repeated runs of one step."""
    return {
        "runs": len(runs),
        "wall_s": spread([r.wall for r in runs]),
        "cpu_s": spread([r.cpu for r in runs]),
        "peak_rss_mib": max(mib(r.peak_rss) for r in runs),
    }


def compare(a: Sequence[Run], b: Sequence[Run]) -> dict[str, Any]:
    """Paired runs of A and B: each side summarised, and the per-pair ratio A / B."""
    pairs = list(zip(a, b, strict=True))
    return {
        "a": summary(a),
        "b": summary(b),
        "ratio_wall": spread([x.wall / y.wall for x, y in pairs]),
        "ratio_cpu": spread([x.cpu / y.cpu for x, y in pairs]),
    }

"""What a piece of work costs in memory Python cannot see: run it in fresh interpreters.

tracemalloc counts what Python allocates, not what a C library does (libxml2's tree of a parsed
document); a process's peak resident size (``VmHWM``) counts both. Each figure comes from its own
fresh interpreter (no heap left over from other tests), once with tracemalloc and once without:
the peak RSS growth beyond the traced peak is the memory Python did not see. Sizes, not times:
a loaded machine does not change them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

_CHILD = r"""
import gc, json, sys, tracemalloc

def status(key):
    with open("/proc/self/status") as lines:
        return next(int(x.split()[1]) * 1024 for x in lines if x.startswith(key + ":"))

setup, work, traced = sys.argv[1], sys.argv[2], sys.argv[3] == "traced"
space = {}
exec(setup, space)  # imports, data, and a small run of the work (caches, compiled patterns)
gc.collect()
try:  # the peak from here on (writing 5 resets VmHWM to the current RSS)
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
except OSError:
    pass
before = status("VmRSS")
if traced:
    tracemalloc.start()
exec(work, space)
peak = tracemalloc.get_traced_memory()[1] if traced else status("VmHWM") - before
print(json.dumps(peak))
"""


@dataclass(frozen=True)
class Cost:
    """Bytes ``work`` raised a fresh interpreter's peak RSS by, and its traced peak."""

    rss: int
    traced: int

    @property
    def unseen(self) -> int:
        """The RSS growth beyond what Python allocated (a C library's memory)."""
        return self.rss - self.traced


def _run(setup: str, work: str, mode: str) -> int:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, setup, work, mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"child failed: {done.stderr[-2000:]}")
    return int(json.loads(done.stdout.strip().splitlines()[-1]))


def cost_of(setup: str, work: str) -> Cost:
    """The memory ``work`` costs in fresh interpreters: both are source text run in one
    namespace, ``setup`` first (imports, data, a small run of the work to warm caches: a large
    one would leave freed memory for the work to reuse); what ``work`` keeps counts."""
    return Cost(rss=_run(setup, work, "rss"), traced=_run(setup, work, "traced"))


def linux_rss_known() -> bool:
    """Whether this system tells a process its peak RSS (``/proc/self/status``)."""
    return os.path.exists("/proc/self/status")

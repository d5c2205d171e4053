"""Peak memory per process and per stage of one ``load_snapshot`` (the bench's pipeline).

    python bench/memory_stages.py --data /tmp/arxiv-10000.jsonl --work /tmp/mem [--trace 15]

Runs the load in this (fresh) interpreter while a thread samples, every 0.1 s, the resident
memory of this process and of each worker process (``/proc``), and notes the stage it is in:
``records`` (until the person graphs), ``persons`` (from ``finish_identity`` until the loader
has written every graph and the registry is committed: person graphs read, emitted, gated and
loaded) and ``publishing`` (the store side of closing the run: dump, VoID, manifest).
Prints one JSON object: per stage the peak of this process, of the largest worker and of the
tree, and each process's high-water mark (``VmHWM``). ``--trace N``: also the N largest
allocation sites made in the person-graph stage and alive when its first and its last batch of
persons have been read, and the stage's traced peak (``tracemalloc``, started with the stage,
or with the run if ``--whole``: memory is larger then, so read the sites, not the totals;
``--whole`` also gives the sites alive when the records stage ends, and its traced peak).
Also the load's CPU seconds (this process and the workers it waited for,
``cpu_s``) and wall. Memory is not CPU-noisy: a shared machine gives usable figures; CPU is,
wall more so.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import shutil
import sys
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
for path in (BENCH, BENCH.parent / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from measure import PAGE, clocks, descendants, mib  # noqa: E402

STAGES = ("records", "persons", "publishing")


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


class _MallInfo2(ctypes.Structure):
    _fields_ = [  # glibc's struct mallinfo2
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
            "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def _mallinfo() -> dict[str, int]:
    """glibc's heap of this process: in use, freed but held in the arenas, and mmapped."""
    try:
        function = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return {}
    function.restype = _MallInfo2
    info = function()
    heap = {"in use": info.uordblks, "held free": info.fordblks, "mmapped": info.hblkhd}
    return heap | _sqlite_used()


def _sqlite_used() -> dict[str, int]:
    """What SQLite has allocated in this process now (page caches, statements; all connections:
    the library Python's ``sqlite3`` is linked to), part of glibc's "in use"."""
    try:
        library = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
    except OSError:
        return {}
    library.sqlite3_memory_used.restype = ctypes.c_int64
    return {"sqlite": library.sqlite3_memory_used()}


class Sampler:
    """Peaks per stage of this process, its largest child and the whole tree."""

    def __init__(self, interval: float = 0.1) -> None:
        self.stage = STAGES[0]
        self.interval = interval
        self.peaks = {s: {"main": 0, "worker": 0, "tree": 0} for s in STAGES}
        self.hwm: dict[int, int] = {}
        self.heap: dict[str, dict[str, int]] = {}  # glibc's, at this process's peak of a stage
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        me = os.getpid()
        main = _rss(me)
        workers = {pid: _rss(pid) for pid in descendants(me) if pid != me}
        peaks = self.peaks[self.stage]
        if main > peaks["main"]:
            peaks["main"] = main
            self.heap[self.stage] = _mallinfo()
        peaks["worker"] = max(peaks["worker"], max(workers.values(), default=0))
        peaks["tree"] = max(peaks["tree"], main + sum(workers.values()))
        for pid in (me, *workers):
            self.hwm[pid] = max(self.hwm.get(pid, 0), _hwm(pid))


def top_sites(n: int) -> list[dict[str, Any]]:
    """The ``n`` allocation sites holding most of what is traced now."""
    top = tracemalloc.take_snapshot().statistics("lineno")[:n]
    return [{"site": str(s.traceback), "mib": mib(s.size), "n": s.count} for s in top]


def run(data: Path, work: Path, trace: int, whole: bool = False) -> dict[str, Any]:
    from ingest_steps import config_for
    from scholarkg.runs import build, close, identity_step
    from scholarkg.runs.arxiv_snapshot import load_snapshot

    shutil.rmtree(work, ignore_errors=True)
    config = config_for(work)
    sampler = Sampler()
    sites: dict[str, list[dict[str, Any]]] = {}
    traced_peak: list[float] = []
    finish_identity, live_batches = identity_step.finish_identity, identity_step._live_batches
    store_side = close._close_store_side

    def staged(*args: Any, **kwargs: Any) -> None:
        sampler.stage = "persons"
        if trace and whole:  # what the records stage left alive
            sites["records end"] = top_sites(trace)
            traced_peak.append(mib(tracemalloc.get_traced_memory()[1]))
        if trace and not whole:
            tracemalloc.start()
        finish_identity(*args, **kwargs)
        if trace:
            traced_peak.append(mib(tracemalloc.get_traced_memory()[1]))
            tracemalloc.stop()

    def publishing(*args: Any, **kwargs: Any) -> None:
        sampler.stage = "publishing"
        store_side(*args, **kwargs)

    def traced(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for n, batch in enumerate(live_batches(*args, **kwargs)):
            if trace and n == 0:
                sites["first batch"] = top_sites(trace)
            yield batch
        if trace:
            sites["last batch"] = top_sites(trace)

    vars(build)["finish_identity"] = staged  # where the run calls it
    identity_step._live_batches = traced
    close._close_store_side = publishing
    if trace and whole:
        tracemalloc.start()
    with clocks() as timed, sampler:
        ctx = load_snapshot(config, data)
    me = os.getpid()
    result = {
        "records": ctx.report.records_read,
        "persons_new": ctx.report.persons_new,
        "store_quads": ctx.report.store_quads,
        "wall_s": round(timed.wall, 1),
        "cpu_s": round(timed.cpu, 1),
        "peak_mib": {s: {k: mib(v) for k, v in p.items()} for s, p in sampler.peaks.items()},
        "heap_at_main_peak_mib": {
            s: {k: mib(v) for k, v in h.items()} for s, h in sampler.heap.items()
        },
        "hwm_mib": {"main": mib(sampler.hwm.get(me, 0))}
        | {f"worker {pid}": mib(v) for pid, v in sampler.hwm.items() if pid != me},
        "traced_peak_mib": traced_peak,
        "sites": sites,
    }
    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--trace", type=int, default=0, help="top N allocation sites")
    parser.add_argument("--whole", action="store_true", help="trace from the run's start")
    args = parser.parse_args()
    result = run(args.data, args.work, args.trace, args.whole)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

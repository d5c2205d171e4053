"""``scholarkg query`` of a large SELECT to CSV, whole against streamed, paired.

``whole`` is the command's path before the answer streamed (the worker collects every row and
sends them in one message, the command formats them all: :meth:`WorkerPool.run` and
:func:`format_outcome`); ``stream`` is the command's path now (:meth:`WorkerPool.stream` and
:func:`write_answer`). Each run is a fresh process writing to /dev/null; the modes alternate.
Reported per size and mode: wall and CPU seconds (the process and its worker, read from /proc before
it is stopped) and the peak RSS of each, min and median of the repeats.

    python bench/query_stream.py --rows 100000 1000000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def query(rows: int) -> str:
    side = math.isqrt(rows)
    values = " ".join(str(i) for i in range(side))
    return f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"


def child(mode: str, rows: int, store: str) -> None:
    from scholarkg.query_output import BATCH_ROWS, write_answer
    from scholarkg.query_results import format_outcome
    from scholarkg.serve.guard import QueryLimits
    from scholarkg.serve.jobs import QueryJob
    from scholarkg.serve.store_spec import StoreSpec
    from scholarkg.serve.workers import WorkerPool

    limits = QueryLimits(time_limit=3600.0, max_result_bytes=1 << 40, memory_limit_mb=8192)
    pool = WorkerPool(StoreSpec("oxigraph", store), limits, size=1, lend=False)  # one worker
    started, cpu = time.perf_counter(), time.process_time()
    with open("/dev/null", "w", encoding="utf-8") as out:
        if mode == "whole":
            text = format_outcome(pool.run(QueryJob(query(rows))), "csv", {})
            out.write(text)
        else:
            write_answer(pool.stream(QueryJob(query(rows), stream_rows=BATCH_ROWS)), "csv", {}, out)
    wall, own = time.perf_counter() - started, time.process_time() - cpu
    worker = pool._idle.get_nowait().process.pid  # the pool's one worker, idle again
    status = Path(f"/proc/{worker}/status").read_text()
    worker_rss = int(status.split("VmHWM:")[1].split()[0]) / 1024
    fields = Path(f"/proc/{worker}/stat").read_text().rpartition(")")[2].split()
    worker_cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    pool.close()
    print(
        json.dumps(
            {
                "wall_s": wall,
                "cpu_s": own + worker_cpu,  # the worker's from its start: it only ran this
                "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_rss_mib": worker_rss,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "ROWS", "STORE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2])
        return
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory() as folder:
        store = str(Path(folder) / "store")
        ox.Store(store).flush()
        for rows in args.rows:
            samples: dict[str, list[dict[str, float]]] = {"whole": [], "stream": []}
            for repeat in range(args.repeats):
                order = ("whole", "stream") if repeat % 2 == 0 else ("stream", "whole")
                for mode in order:
                    done = subprocess.run(
                        [sys.executable, __file__, "--child", mode, str(rows), store],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    samples[mode].append(json.loads(done.stdout))
            for mode, runs in samples.items():
                said = {
                    key: (
                        round(min(r[key] for r in runs), 1),
                        round(statistics.median(r[key] for r in runs), 1),
                    )
                    for key in runs[0]
                }
                print(
                    f"{rows} rows {mode}: "
                    + ", ".join(f"{k} min/median {v}" for k, v in said.items()),
                    flush=True,
                )


if __name__ == "__main__":
    main()

"""SHACL engine scaling: time per record when many records share one graph.

    python bench/shacl_scaling.py [--n 500 --n 1000 --n 2000 --n 4000] [--runs 5]

For each N: the bench input's first N records (bench/generate.py: the 100 real ones, then
synthetic ones, 1 % with a SHACL problem) are written by the N-Triples emitter into ONE graph, and
the engine checks that graph ``--runs`` times (after one warm-up run). Prints wall seconds (min and
median) and microseconds per record; writes bench/results/shacl-scaling.json. Time per record
should stay flat as N grows: the engine is linear in graph size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from scholarkg.extract.snapshot import read_snapshot  # noqa: E402
from scholarkg.iris import Minter  # noqa: E402
from scholarkg.shacl import Engine  # noqa: E402
from scholarkg.transform.arxiv import emit_arxiv  # noqa: E402
from scholarkg.transform.emit import NTriplesEmitter  # noqa: E402


def one_graph(n: int, work: Path) -> list[tuple[str, str, str]]:
    """The first ``n`` bench records, all in one graph (term-string triples, no duplicates)."""
    source = generate.write(work / f"records-{n}.jsonl", n)
    minter, out = Minter(), NTriplesEmitter()
    triples: dict[tuple[str, str, str], None] = {}
    for record in read_snapshot(source):
        out.reset()
        emit_arxiv(record, minter, out)
        triples.update(dict.fromkeys(out.triples))
    return list(triples)


def measure(engine: Engine, triples: list[tuple[str, str, str]], runs: int) -> list[float]:
    engine.check(triples)  # warm-up: caches of literal verdicts and query plans
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        engine.check(triples)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="records in the graph")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "shacl-scaling.json")
    args = parser.parse_args()
    sizes = args.n or [500, 1000, 2000, 4000]
    engine = Engine()
    rows = []
    print(f"{'records':>8} {'triples':>8} {'min s':>8} {'median s':>9} {'min us/rec':>11} "
          f"{'median us/rec':>14} {'findings':>9}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            triples = one_graph(n, Path(tmp))
            seconds = measure(engine, triples, args.runs)
            findings = len(engine.check(triples))
            best, median = min(seconds), statistics.median(seconds)
            rows.append(
                {
                    "records": n,
                    "triples": len(triples),
                    "seconds": seconds,
                    "min_us_per_record": best / n * 1e6,
                    "median_us_per_record": median / n * 1e6,
                    "findings": findings,
                }
            )
            print(f"{n:>8} {len(triples):>8} {best:>8.3f} {median:>9.3f} {best / n * 1e6:>11.0f} "
                  f"{median / n * 1e6:>14.0f} {findings:>9}")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(),
               "load_average": os.getloadavg()}  # fmt: skip
    args.out.write_text(json.dumps({"machine": machine, "runs": args.runs, "rows": rows}, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

"""scholarkg benchmark: ``make bench`` (or ``python bench/run.py``; ``--help`` for parts and sizes).

Parts (all by default):

* ``ingest`` — at each N: the pipeline (``load_snapshot``, default workers, new store) against
  the floor (pyoxigraph ``bulk_load`` of the very N-Quads the pipeline's store holds) and against
  itself without the identity step (bench-only ablation), in paired runs; a re-run with nothing
  changed and a one-record update (publishing included) on the pipeline's store. With
  ``--naive-persons`` also the pipeline with naive persons (one per name key, no evidence: the
  second ablation), which splits the identity step's cost into having person graphs at all and
  the identity decisions.
* ``identity`` — pairwise precision/recall of person identity on a labelled set of real records
  with planted homonyms and synonyms.
* ``resolution`` — requests per profile and precision/recall against the arXiv replay server;
  local resolution rate against the largest N's store.
* ``naive`` — rdflib + whole-graph pySHACL + per-graph load, measured at small sizes, beside the
  pipeline on the same records.

Prints a table per part and the aims; writes ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

PARTS = ("ingest", "identity", "resolution", "naive")


def sizes(values: list[str] | None, default: tuple[int, ...]) -> tuple[int, ...]:
    """``--n 10000 --n 100000`` or ``--n "10000 100000"`` (what ``make bench N=…`` passes)."""
    given = {int(x) for arg in (values or []) for x in arg.replace(",", " ").split()}
    return tuple(sorted(given)) or default


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="scholarkg benchmark: ingest vs floor, identity, resolution, naive reference",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--parts", nargs="+", choices=PARTS, default=list(PARTS), help="what to run"
    )
    parser.add_argument(
        "--n", action="append", help="record counts for ingest, repeatable (10000 and 100000)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="paired repeats per N (>= 1)")
    parser.add_argument(
        "--naive-n", action="append", help="record counts for the naive part (300 and 1000)"
    )
    parser.add_argument(
        "--naive-persons",
        action="store_true",
        help="ingest: also the naive-persons ablation (the identity cost split in two)",
    )
    parser.add_argument("--resolution-papers", type=int, default=500, help="local rate sample")
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/scholarkg-bench"), help="inputs and scratch stores"
    )
    parser.add_argument(
        "--out", type=Path, default=BENCH / "results" / "latest.json", help="the JSON results"
    )
    return parser.parse_args()


def main() -> None:
    args = arguments()
    import parts
    import report

    settings = parts.Settings(
        work=args.work,
        repeats=max(args.repeats, 1),
        naive_sizes=sizes(args.naive_n, (300, 1000)),
        resolution_papers=args.resolution_papers,
        naive_persons=args.naive_persons,
    )
    ns = sizes(args.n, (10_000, 100_000))
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    before = report.machine()
    results: dict[str, Any] = {}
    store = None
    if "ingest" in args.parts:
        results["ingest"] = []
        for n in ns:
            print(f"\n== ingest, N = {n:,} ({settings.repeats} repeats) ==", flush=True)
            keep = n == ns[-1] and "resolution" in args.parts
            result = parts.ingest(settings, n, keep_store=keep)
            results["ingest"].append(result)
            report.ingest_tables(result)
            if keep:
                store = Path(result["store"])
    if "identity" in args.parts:
        print("\n== identity quality ==", flush=True)
        results["identity"] = parts.identity_quality(settings)
        report.quality_table(results["identity"])
    if "resolution" in args.parts:
        print("\n== resolution ==", flush=True)
        results["resolution"] = parts.resolution(settings, store, ns[-1])
        report.resolution_tables(results["resolution"])
    if "naive" in args.parts:
        print("\n== naive reference ==", flush=True)
        results["naive"] = parts.naive(settings)
        report.naive_table(results["naive"])
    verdicts = report.aims(results)
    report.print_aims(verdicts)
    lines = report.reported(results)
    report.print_reported(lines)
    report.write(
        args.out,
        {
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
            "seconds": round(time.time() - started, 1),
            "command": " ".join([os.path.basename(sys.executable), *sys.argv]),
            "machine": {"before": before, "after": report.machine()},
            "settings": {"n": ns, "repeats": settings.repeats, "parts": args.parts},
            "results": results,
            "aims": verdicts,
            "reported": lines,
        },
    )


if __name__ == "__main__":
    main()

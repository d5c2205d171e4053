"""Serving benchmarks on SYNTHETIC v2-model stores (bench/serve_data.py).

    python bench/serve_bench.py [--papers 100000] [--binding-papers 10000] [--seconds 60]
                                [--clients 8] [--runs 7] [--work /tmp/scholarkg-serve-bench]

1. **Binding placement** (at --binding-papers): each saved query with a ``# @values`` line, its
   parameters bound there and by a trailing VALUES, for the busiest and a typical researcher:
   min and median of --runs runs in one process (pyoxigraph directly).
2. **Pages** (at --papers): the server in this process (2 query workers), caches warmed, each
   page fetched --runs times over HTTP: min and median, plus the cold first fetch.
3. **Load**: --clients threads run the saved queries (typical parameters) for --seconds, then
   the same with one runaway query (a cartesian COUNT) resubmitted for the whole run: p50/p95
   latency and errors per query. The pair is run --rounds times; each round gives each query
   a p95 ratio (with the runaway / without), reported per round and as their median.

Parts 1 and 2 are bench/serve_probes.py's, part 3 bench/serve_load.py's. Figures go to stdout and
bench/results/serve-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scholarkg.config import ServeSettings
from scholarkg.serve import make_server
from scholarkg.store.embedded import EmbeddedStore
from serve_data import build
from serve_load import baseline, load
from serve_probes import binding, pages

RESULTS = Path(__file__).parent / "results" / "serve-latest.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--binding-papers", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="paired load rounds")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scholarkg-serve-bench"))
    parser.add_argument("--skip-binding", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "papers": args.papers,
        "binding_papers": args.binding_papers,
        "load_before": os.getloadavg(),
        "cpus": os.cpu_count(),
    }
    if not args.skip_binding:
        results["binding"] = binding(args.binding_papers, args.work, args.runs, 120.0)
    store_path = build(args.papers, args.work)
    store = EmbeddedStore(store_path, read_only=True)
    server = make_server(store, settings=ServeSettings(workers=2)).start()
    try:
        started = time.perf_counter()
        server.kg.warmed.wait(1800)  # landing, search index, the hub pages it links to
        results["warm_up_s"] = round(time.perf_counter() - started, 1)
        print(f"caches warmed in {results['warm_up_s']} s", flush=True)
        results["pages"] = pages(server.url, args.papers, args.runs)
        results["alone"] = baseline(server.url, args.papers, 3)
        # Paired rounds: without the runaway, then with it, --rounds times, so each ratio
        # compares two phases a minute apart and the median is not one p95's noise.
        results["rounds"] = []
        for number in range(1, args.rounds + 1):
            paired: dict[str, Any] = {}
            for runaway in (False, True):
                key = "load_with_runaway" if runaway else "load"
                paired[key] = load(server.url, args.papers, args.seconds, args.clients, runaway)
                for name, row in paired[key].items():
                    print(f"round {number} {key:18} {name:28} {json.dumps(row)}", flush=True)
            results["rounds"].append(paired)
    finally:
        server.stop()
    results["load_after"] = os.getloadavg()
    per_round: dict[str, list[float]] = {}
    for paired in results["rounds"]:
        for name, row in paired["load_with_runaway"].items():
            before = paired["load"].get(name, {})
            if row.get("p95_ms") and before.get("p95_ms"):
                per_round.setdefault(name, []).append(round(row["p95_ms"] / before["p95_ms"], 2))
    results["p95_ratio_rounds"] = per_round
    ratios = {name: statistics.median(values) for name, values in per_round.items()}
    results["p95_ratio_runaway_vs_load"] = ratios
    results["errors"] = sum(
        row.get("errors", 0)
        for paired in results["rounds"]
        for phase in paired.values()
        for row in phase.values()
    )
    print("p95 with the runaway / p95 without, per round:", json.dumps(per_round), flush=True)
    print(f"errors in all rounds: {results['errors']}", flush=True)
    print("median of the rounds:", json.dumps(ratios), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

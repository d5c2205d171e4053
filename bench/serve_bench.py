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

Figures go to stdout and bench/results/serve-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scholarkg.config import ServeSettings
from scholarkg.errors import QueryLimitError
from scholarkg.query import resolve_query, saved_queries
from scholarkg.query_binding import VALUES_MARKER, bind_parameters
from scholarkg.serve import make_server
from scholarkg.serve.guard import QueryLimits
from scholarkg.serve.jobs import QueryJob
from scholarkg.serve.worker_process import StoreSpec
from scholarkg.serve.workers import WorkerPool
from scholarkg.store.embedded import EmbeddedStore
from serve_data import build, busiest_people

RESULTS = Path(__file__).parent / "results" / "serve-latest.json"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def timed(function: Any) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> dict[str, float]:
    return {"min_ms": round(min(samples), 1), "median_ms": round(statistics.median(samples), 1)}


def binding(papers: int, work: Path, runs: int, cap: float) -> list[dict[str, Any]]:
    """Each placement timed in a query worker (so a runaway placement stops at ``cap`` s)."""
    path = build(papers, work)
    pool = WorkerPool(StoreSpec("oxigraph", str(path)), QueryLimits(time_limit=cap), 1)
    busiest, typical = busiest_people(papers)
    rows = []
    try:
        for saved in saved_queries():
            if VALUES_MARKER.search(saved.text) is None:
                continue
            for who, name in (("busiest", busiest), ("typical", typical)):
                params = {"researcher": name}
                inside = bind_parameters(saved.text, params)
                after = bind_parameters(VALUES_MARKER.sub("", saved.text), params)
                entry: dict[str, Any] = {"query": saved.name, "researcher": who}
                for label, text in (("inside", inside), ("trailing", after)):
                    samples = []
                    for _ in range(runs):
                        started = time.perf_counter()
                        try:
                            pool.run(QueryJob(text))
                        except QueryLimitError:
                            samples = [cap * 1000]
                            break
                        samples.append((time.perf_counter() - started) * 1000)
                        if samples[-1] > 5000:
                            break  # slow enough: one run says it
                    entry[label] = summary(samples)
                    entry[label]["stopped_at_cap"] = samples == [cap * 1000]
                rows.append(entry)
                print(
                    f"binding {saved.name:22} {who:8} inside {entry['inside']['median_ms']:>9} ms"
                    f"   trailing {entry['trailing']['median_ms']:>9} ms",
                    flush=True,
                )
    finally:
        pool.close()
    return rows


def pages(url: str, papers: int, runs: int) -> dict[str, dict[str, float]]:
    busiest, typical = busiest_people(papers)
    session = requests.Session()
    html = {"Accept": "text/html"}
    search = session.get(
        url + "search", params={"q": busiest}, headers={"Accept": "application/json"}
    )
    busiest_iri = search.json()[0]["iri"]
    typical_iri = session.get(
        url + "search", params={"q": typical}, headers={"Accept": "application/json"}
    ).json()[0]["iri"]

    def local(iri: str) -> str:
        return url + "id/" + iri.split("/id/", 1)[1]

    targets = {
        "landing": url,
        "person (busiest)": local(busiest_iri),
        "person (typical)": local(typical_iri),
        "paper": url + "id/paper/arxiv/9100.00042",
        "organisation": url + "id/organization/org-1",
        "category cs.LG": url
        + "describe?iri="
        + quote("https://w3id.org/scholarkg/category/cs.LG", safe=""),
        "search": url + "search?q=graph+learn",
        "SPARQL page": url + "sparql",
    }
    figures = {}
    for name, target in targets.items():
        first = timed(lambda target=target: session.get(target, headers=html).raise_for_status())
        samples = [
            timed(lambda target=target: session.get(target, headers=html).raise_for_status())
            for _ in range(runs)
        ]
        figures[name] = {"first_ms": round(first, 1), **summary(samples)}
        print(
            f"page {name:18} first {first:8.1f} ms   min {figures[name]['min_ms']:8.1f} ms"
            f"   median {figures[name]['median_ms']:8.1f} ms",
            flush=True,
        )
    return figures


def workload(papers: int) -> list[tuple[str, dict[str, str]]]:
    _, typical = busiest_people(papers)
    mix = []
    for saved in saved_queries():
        params: dict[str, str] = {}
        if saved.name == "fact-provenance":
            params = {"subject": "<https://w3id.org/scholarkg/id/paper/arxiv/9100.00042>"}
        elif any(p.name == "researcher" for p in saved.parameters):
            params = {"researcher": typical}
        mix.append((saved.name, params))
    return mix


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def baseline(url: str, papers: int, runs: int) -> dict[str, dict[str, Any]]:
    """Each saved query alone (one client, nothing else running): min and median, or the
    status it ended with (503: stopped at the time limit)."""
    session = requests.Session()
    figures: dict[str, dict[str, Any]] = {}
    for name, params in workload(papers):
        text = bind_parameters(resolve_query(name).text, params)
        samples, failed = [], None
        for _ in range(runs):
            started = time.perf_counter()
            response = session.post(
                url + "sparql",
                data={"query": text},
                headers={"Accept": "application/sparql-results+json"},
                timeout=120,
            )
            if response.status_code != 200:
                failed = response.status_code
                break
            samples.append((time.perf_counter() - started) * 1000)
        figures[name] = summary(samples) if samples else {"status": failed}
        print(f"alone {name:28} {json.dumps(figures[name])}", flush=True)
    return figures


def load(url: str, papers: int, seconds: float, clients: int, runaway: bool) -> dict[str, Any]:
    mix = workload(papers)
    texts = {name: bind_parameters(resolve_query(name).text, params) for name, params in mix}
    latencies: dict[str, list[float]] = {name: [] for name in texts}
    errors: dict[str, int] = dict.fromkeys(texts, 0)
    statuses: dict[str, list[int]] = {name: [] for name in texts}
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    stop = threading.Event()

    def client(offset: int) -> None:
        session = requests.Session()
        names = list(texts)
        i = offset
        while time.monotonic() < deadline:
            name = names[i % len(names)]
            i += 1
            started = time.perf_counter()
            try:
                response = session.post(
                    url + "sparql",
                    data={"query": texts[name]},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=120,
                )
                ok = response.status_code == 200
                code = response.status_code
            except requests.RequestException:
                ok, code = False, 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies[name].append(elapsed)
                else:
                    statuses[name].append(code)
                    errors[name] += 1

    runaway_answers: list[int] = []

    def runaway_client() -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                response = session.post(url + "sparql", data={"query": RUNAWAY}, timeout=120)
                runaway_answers.append(response.status_code)
            except requests.RequestException:
                runaway_answers.append(0)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    extra = threading.Thread(target=runaway_client) if runaway else None
    if extra:
        extra.start()
        time.sleep(1.5)  # the runaway is in flight before the clients start
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    if extra:
        extra.join()
    report: dict[str, Any] = {}
    for name in texts:
        samples = latencies[name]
        report[name] = {
            "answered": len(samples),
            "errors": errors[name],
            "error_statuses": sorted(set(statuses[name])),
            "p50_ms": round(percentile(samples, 0.5), 1) if samples else None,
            "p95_ms": round(percentile(samples, 0.95), 1) if samples else None,
        }
    if runaway:
        report["(runaway)"] = {
            "answers": sorted(set(runaway_answers)),
            "count": len(runaway_answers),
        }
    return report


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

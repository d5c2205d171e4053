"""Serving benchmarks one request at a time (bench/serve_bench.py, parts 1 and 2): where a saved
query's parameters bind, timed in a query worker, and each kind of page fetched over HTTP."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from scholarkg.errors import QueryLimitError
from scholarkg.query import saved_queries
from scholarkg.query_binding import VALUES_MARKER, bind_parameters, values_clause
from scholarkg.serve.guard import QueryLimits
from scholarkg.serve.jobs import QueryJob
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.workers import WorkerPool
from serve_data import build, busiest_people
from serve_timing import summary, timed


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
                # after the query: where parameters went before they went in the WHERE group
                after = f"{VALUES_MARKER.sub('', saved.text).rstrip()}\n{values_clause(params)}\n"
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

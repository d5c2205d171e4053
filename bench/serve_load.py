"""Serving benchmark under load (bench/serve_bench.py, part 3): the saved queries alone, then
from many clients at once, with or without a runaway query resubmitted all along."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import requests

from scholarkg.query import resolve_query, saved_queries
from scholarkg.query_binding import bind_parameters
from serve_data import busiest_people
from serve_timing import percentile, summary

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


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

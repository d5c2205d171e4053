"""Bulk-ingest benchmark: ``make bench`` (or ``python bench/run.py --n 10000 --n 100000``).

For each N: N snapshot records (the 100 real ones + synthetic ones, ``bench/generate.py``) go
through the bulk path stage by stage (one process) and end to end (``ingest_snapshot`` with
worker processes, then again with nothing changed). Reference points in the same run:

* floor: pyoxigraph parse and ``bulk_load`` of the very N-Quads the pipeline loaded;
* naive: rdflib graphs + whole-graph pySHACL + per-graph load, measured on the first
  ``--naive-records`` records (pySHACL needs ~0.3 s per record here) and scaled linearly to N;
* Jena ``shacl validate`` on the same data and shapes (Debian package; absent → said so).

Prints a table and the target ratios; writes ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scholarkg.config import Config

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
ROOT = BENCH.parent
Row = dict[str, Any]
TARGETS = {
    "pipeline / floor": ("≤", 3.0),
    "naive / pipeline": ("≥", 4.0),
    "fast gate / Jena (triples/s)": ("≥", 1.0),
    "peak RSS largest N / smallest N": ("≤", 1.2),
    "re-run / first run": ("≤", 0.05),
}


def config_for(work: Path) -> Config:
    from scholarkg.config import load_config

    path = work / "scholarkg.toml"
    path.write_text(
        f'[data]\ndir = "{work / "data"}"\n[store]\npath = "{work / "store"}"\n'
        "[profiles]\nsources = []\n[arxiv]\nenabled = false\n",
        encoding="utf-8",
    )
    return load_config(path)


def step(name: str, params: dict[str, Any]) -> list[Row]:
    """Run one step in a fresh interpreter (its memory is its own); returns its rows."""
    out = Path(params["work"]) / f"{name}.json"
    command = [sys.executable, __file__, "--step", name, "--params", json.dumps(params)]
    subprocess.run(command, check=True, cwd=ROOT)
    rows: list[Row] = json.loads(out.read_text())
    out.unlink()
    return rows


def run_step(name: str, params: dict[str, Any]) -> None:
    import steps

    work = Path(params["work"])
    config = config_for(work)
    data = Path(params.get("data", ""))
    if name == "stages":
        rows = steps.stages(config, data, work)
    elif name == "pipeline":
        rows = steps.pipeline(config, data, work, params["workers"])
    elif name == "floor":
        rows = steps.floor(work, params["n"])
    elif name == "naive":
        rows = steps.naive(config, data, work, params["records"])
    else:
        rows = steps.jena(work, params["n"], Path(params["cache"]))
    (work / f"{name}.json").write_text(json.dumps(rows))


def rates(row: Row) -> Row:
    seconds = row.get("seconds") or 0.0
    if seconds:
        row["records_per_s"] = round(row["records"] / seconds, 1)
        row["triples_per_s"] = round(row["triples"] / seconds, 1)
    row["peak_rss_mib"] = round(row.get("peak_rss", 0) / (1 << 20), 1)
    return row


def scaled(row: Row, n: int) -> Row:
    """A naive-pipeline row measured on fewer records, scaled linearly to ``n`` records."""
    factor = n / row["records"]
    return {
        **row,
        "name": row["name"] + f" (×{factor:g}, scaled from {row['records']} records)",
        "measured_records": row["records"],
        "seconds": round(row["seconds"] * factor, 3),
        "records": n,
        "triples": round(row["triples"] * factor),
    }


def run_n(n: int, args: argparse.Namespace, naive_rows: list[Row]) -> dict[str, Any]:
    import generate

    work = args.work / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    data = args.work / f"arxiv-{n}-v{generate.VERSION}.jsonl"
    if not data.exists():
        generate.write(data, n)
    common = {"work": str(work), "data": str(data), "n": n}
    print(f"\n== N = {n} ({data.name}: 100 real + {max(n - 100, 0)} synthetic records) ==")
    stage_rows = step("stages", common)
    pipe_rows = step("pipeline", {**common, "workers": args.workers})
    floor_rows = step("floor", common)
    jena_rows = step("jena", {**common, "cache": str(args.work)})
    (work / "pipeline.nq").unlink(missing_ok=True)
    pipeline, rerun = pipe_rows
    floor_total = floor_rows[1]["seconds"]  # bulk_load parses as it loads
    naive = [scaled(r, n) for r in naive_rows]
    naive_total = sum(r["seconds"] for r in naive if r["name"].startswith("naive"))
    entries = [
        *({"kind": "stage", **r} for r in stage_rows),
        {"kind": "pipeline", **pipeline},
        {"kind": "pipeline", **rerun},
        *({"kind": "reference", **r} for r in floor_rows),
        *({"kind": "reference", **r} for r in naive),
        *({"kind": "reference", **r} for r in jena_rows),
    ]
    for entry in entries:
        rates(entry)
        if entry.get("seconds"):
            entry["ratio_to_floor"] = round(entry["seconds"] / floor_total, 3)
    validate = next(r for r in stage_rows if r["name"] == "validate")
    jena = jena_rows[0]
    ratios = {
        "pipeline / floor": round(pipeline["seconds"] / floor_total, 3),
        "naive / pipeline": round(naive_total / pipeline["seconds"], 1),
        "re-run / first run": round(rerun["seconds"] / pipeline["seconds"], 4),
    }
    if not jena.get("absent"):
        ours = validate["triples"] / validate["seconds"]
        ratios["fast gate / Jena (triples/s)"] = round(
            ours / (jena["triples"] / jena["seconds"]), 2
        )
    findings = {
        "pipeline: graphs rejected (violations)": pipeline["rejected"],
        "pipeline: warnings + infos on loaded graphs": pipeline["findings"],
        "jena: results on the union of loaded graphs": jena.get("findings"),
    }
    return {
        "n": n,
        "entries": entries,
        "ratios": ratios,
        "findings": findings,
        "naive_total_seconds": naive_total,
    }


def table(result: dict[str, Any]) -> None:
    print(
        f"{'step':58} {'seconds':>9} {'records/s':>11} {'triples/s':>12} {'peak MiB':>9} "
        f"{'× floor':>8}"
    )
    for e in result["entries"]:
        if e.get("absent"):
            print(f"{e['name']:58} absent: install libapache-jena-java (make bench installs it)")
            continue
        rate, triples = e.get("records_per_s", 0), e.get("triples_per_s", 0)
        print(
            f"{e['kind'][:3]} {e['name'][:54]:54} {e['seconds']:9.2f} {rate:11,.0f} "
            f"{triples:12,.0f} {e['peak_rss_mib']:9.1f} {e.get('ratio_to_floor', 0):8.2f}"
        )


def verdicts(results: list[dict[str, Any]], naive_rows: list[Row]) -> dict[str, Any]:
    largest, smallest = results[-1], results[0]
    found: dict[str, Any] = dict(largest["ratios"])
    peak = {
        r["n"]: next(e for e in r["entries"] if e["name"] == "pipeline")["peak_rss"]
        for r in results
    }
    if len(results) > 1:
        found["peak RSS largest N / smallest N"] = round(
            peak[largest["n"]] / peak[smallest["n"]], 3
        )
    out = {}
    for name, (sense, limit) in TARGETS.items():
        value = found.get(name)
        met = None if value is None else (value <= limit if sense == "≤" else value >= limit)
        out[name] = {"value": value, "target": f"{sense} {limit}", "met": met}
    pyshacl = next(r for r in naive_rows if r["name"] == "naive pySHACL whole graph")
    out["identical SHACL findings (fast gate vs pySHACL, naive sample)"] = {
        "value": pyshacl["identical_findings"],
        "target": "True",
        "met": pyshacl["identical_findings"],
    }
    return out


def machine() -> dict[str, Any]:
    import pyoxigraph
    import pyshacl

    return {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "pyshacl": pyshacl.__version__,
        "platform": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="scholarkg bulk-ingest benchmark")
    parser.add_argument("--n", action="append", help="record counts (repeat, or '10000 100000')")
    parser.add_argument("--naive-records", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/scholarkg-bench"))
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument("--install-jena", action="store_true", help="apt-get install it if absent")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        run_step(args.step, json.loads(args.params))
        return
    import jena

    given = {int(x) for arg in (args.n or []) for x in arg.replace(",", " ").split()}
    sizes = sorted(given or {10_000, 100_000})  # `make bench N=` with nothing: the defaults
    args.work.mkdir(parents=True, exist_ok=True)
    jena_status = "present" if jena.classpath(args.work) else "absent"
    if jena_status == "absent" and args.install_jena:
        print(f"Jena: {jena.install()}")
        jena_status = "present" if jena.classpath(args.work) else "absent"
    started = time.time()
    before = machine()
    import generate

    naive_data = args.work / f"arxiv-{args.naive_records}-problems.jsonl"
    generate.write(naive_data, args.naive_records, problems=0.2, violations=0.25)
    print(
        f"naive reference on {args.naive_records} records (100 real, the rest synthetic, 20 % with "
        "an injected SHACL problem), scaled to each N …"
    )
    naive_work = args.work / "naive"
    naive_work.mkdir(exist_ok=True)
    naive_rows = [
        rates(r)
        for r in step(
            "naive",
            {"work": str(naive_work), "data": str(naive_data), "records": args.naive_records},
        )
    ]
    results = []
    for n in sizes:
        result = run_n(n, args, naive_rows)
        results.append(result)
        table(result)
        print("findings:", json.dumps(result["findings"]))
        print("ratios:", json.dumps(result["ratios"]))
    verdict = verdicts(results, naive_rows)
    print("\n== targets (largest N unless stated) ==")
    for name, v in verdict.items():
        mark = "n/a" if v["met"] is None else ("met" if v["met"] else "NOT met")
        print(f"  {name:62} {v['value']!s:>8}  target {v['target']:>6}  {mark}")
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "machine": {"before": before, "after": machine()},
        "jena": jena_status,
        "naive_sample": naive_rows,
        "results": results,
        "targets": verdict,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()

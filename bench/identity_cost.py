"""The identity step's cost split in two, at one N: ``python bench/identity_cost.py --n 10000``.

Three variants of the same snapshot load (``ingest_steps.pipeline``, a fresh interpreter each,
default workers, a new store), in paired runs whose order is reversed in every other repeat:

* ``pipeline`` — with the identity step;
* ``naive-persons`` — persons by name key alone, their graphs emitted, gated and loaded
  (``ablation.identity_naive``);
* ``no-identity`` — no person at all (``ablation.identity_disabled``).

Prints each variant's wall and CPU seconds (the process and its workers; min / median) and the
paired shares: identity decisions = pipeline / naive − 1, person graphs = naive / none − 1.
The ingest part of ``run.py`` measures the same with ``--naive-persons`` (beside the floor
and the re-runs); this is that split alone, for a quicker paired look.

``--persons-per-graph N [N ...]`` measures fewer, larger person graphs instead: the variants
are ``pipeline`` (one graph a person), ``persons-per-graph-N`` for each N (the same pipeline,
its persons N to a named graph: ``ablation.person_shards``) and ``no-identity``; the shares
are each variant over no identity, and each N over the pipeline.

Each repeat's figures are printed as soon as it ends (and ``--out`` rewritten), so a stopped
run leaves every finished pair.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import parts  # noqa: E402
import report  # noqa: E402
from measure import Run, compare, run_step, summary  # noqa: E402

Params = dict[str, Any]

VARIANTS: dict[str, Params] = {
    "pipeline": {"identity": True},
    "naive-persons": {"identity": "naive"},
    "no-identity": {"identity": False},
}
SPLIT = {  # name: (A, B), shares A / B - 1
    "decisions": ("pipeline", "naive-persons"),
    "person_graphs": ("naive-persons", "no-identity"),
    "whole_step": ("pipeline", "no-identity"),
}


def variants(persons_per_graph: list[int]) -> tuple[dict[str, Params], dict[str, tuple[str, str]]]:
    """The variants and shares measured: the split, or (with ``persons_per_graph``) the
    pipeline with its persons N to a graph, beside one a graph and no identity."""
    if not persons_per_graph:
        return VARIANTS, SPLIT
    shards = {f"persons-per-graph-{n}": n for n in persons_per_graph if n > 1}
    chosen = {"pipeline": VARIANTS["pipeline"]}
    chosen |= {name: {"identity": True, "persons_per_graph": n} for name, n in shards.items()}
    chosen["no-identity"] = VARIANTS["no-identity"]
    shares = {"whole_step": ("pipeline", "no-identity")}
    shares |= {f"whole_step_{name}": (name, "no-identity") for name in shards}
    shares |= {f"{name}_vs_pipeline": (name, "pipeline") for name in shards}
    return chosen, shares


def measure(
    settings: parts.Settings, n: int, persons_per_graph: list[int], out: Path | None = None
) -> dict[str, Any]:
    data = parts.data_file(settings, n)
    chosen, shares = variants(persons_per_graph)
    runs: dict[str, list[Run]] = {name: [] for name in chosen}
    order = list(chosen)
    result: dict[str, Any] = {"n": n}
    for repeat in range(settings.repeats):
        for name in order if repeat % 2 == 0 else order[::-1]:
            print(f"  N={n} repeat {repeat + 1}/{settings.repeats}: {name}", flush=True)
            work = settings.work / f"identity-cost-{n}" / name
            params = {"work": str(work), "data": str(data), **chosen[name]}
            runs[name].append(run_step("pipeline", params))
        result = {
            "n": n,
            "load": os.getloadavg(),
            "runs": {k: [r.row() for r in v] for k, v in runs.items()},
            "summary": {k: summary(v) for k, v in runs.items()},
        } | {key: parts._share(compare(runs[a], runs[b])) for key, (a, b) in shares.items()}
        print_pair(runs, shares, repeat)
        if out is not None:
            out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def print_pair(runs: dict[str, list[Run]], shares: dict[str, tuple[str, str]], i: int) -> None:
    """One repeat's figures, as soon as it ends."""
    for name, rows in runs.items():
        r = rows[i]
        print(f"    {name:>22}: cpu {r.cpu:.2f} s wall {r.wall:.2f} s; {runs_line([r.row()])}")
    for key, (a, b) in shares.items():
        print(f"    {key:>22}: cpu {runs[a][i].cpu / runs[b][i].cpu - 1:+.4f}")
    print(f"    load average {os.getloadavg()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="records")
    parser.add_argument("--repeats", type=int, default=3, help="paired repeats (>= 1)")
    parser.add_argument(
        "--persons-per-graph",
        type=int,
        nargs="+",
        default=[],
        metavar="N",
        help="instead of the split: the pipeline with its persons N to a graph (bench-only)",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/scholarkg-bench"))
    parser.add_argument("--out", type=Path, help="also write the results here (JSON)")
    args = parser.parse_args()
    settings = parts.Settings(args.work, max(args.repeats, 1), (), 0)
    args.work.mkdir(parents=True, exist_ok=True)
    before = os.getloadavg()
    result = measure(settings, args.n, args.persons_per_graph, args.out)
    result |= {"load_before": before, "when": time.ctime()}
    for name, s in result["summary"].items():
        row = runs_line(result["runs"][name])
        print(
            f"{name:>22}: wall {s['wall_s']} cpu {s['cpu_s']} peak {s['peak_rss_mib']} MiB; {row}"
        )
    for key in variants(args.persons_per_graph)[1]:
        print(f"{key:>22}: cpu {result[key]['share_cpu']}  wall {result[key]['share_wall']}")
    print(f"load average before {before}, after {result['load']}")
    if "decisions" in result:
        report.print_reported(report.reported({"identity_cost": result}))
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")


def runs_line(rows: list[dict[str, Any]]) -> str:
    first = rows[0]
    return (
        f"{first['persons_new']:,} persons, {first['graphs_written']:,} graphs written, "
        f"{first['store_quads']:,} quads"
    )


if __name__ == "__main__":
    main()

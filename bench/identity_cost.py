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

VARIANTS: dict[str, Any] = {"pipeline": True, "naive-persons": "naive", "no-identity": False}


def measure(settings: parts.Settings, n: int) -> dict[str, Any]:
    data = parts.data_file(settings, n)
    runs: dict[str, list[Run]] = {name: [] for name in VARIANTS}
    order = list(VARIANTS)
    for repeat in range(settings.repeats):
        for name in order if repeat % 2 == 0 else order[::-1]:
            print(f"  N={n} repeat {repeat + 1}/{settings.repeats}: {name}", flush=True)
            work = settings.work / f"identity-cost-{n}" / name
            params = {"work": str(work), "data": str(data), "identity": VARIANTS[name]}
            runs[name].append(run_step("pipeline", params))
    with_, naive, none = runs["pipeline"], runs["naive-persons"], runs["no-identity"]
    return {
        "n": n,
        "load": os.getloadavg(),
        "runs": {k: [r.row() for r in v] for k, v in runs.items()},
        "summary": {k: summary(v) for k, v in runs.items()},
        "decisions": parts._share(compare(with_, naive)),
        "person_graphs": parts._share(compare(naive, none)),
        "whole_step": parts._share(compare(with_, none)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="records")
    parser.add_argument("--repeats", type=int, default=3, help="paired repeats (>= 1)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scholarkg-bench"))
    parser.add_argument("--out", type=Path, help="also write the results here (JSON)")
    args = parser.parse_args()
    settings = parts.Settings(args.work, max(args.repeats, 1), (), 0)
    args.work.mkdir(parents=True, exist_ok=True)
    before = os.getloadavg()
    result = measure(settings, args.n) | {"load_before": before, "when": time.ctime()}
    for name, s in result["summary"].items():
        row = runs_line(result["runs"][name])
        print(
            f"{name:>14}: wall {s['wall_s']} cpu {s['cpu_s']} peak {s['peak_rss_mib']} MiB; {row}"
        )
    for key in ("decisions", "person_graphs", "whole_step"):
        print(f"{key:>14}: cpu {result[key]['share_cpu']}  wall {result[key]['share_wall']}")
    print(f"load average before {before}, after {result['load']}")
    report.print_reported(report.reported({"identity_cost": result}))
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")


def runs_line(rows: list[dict[str, Any]]) -> str:
    first = rows[0]
    return f"{first['persons_new']:,} persons, {first['store_quads']:,} quads"


if __name__ == "__main__":
    main()

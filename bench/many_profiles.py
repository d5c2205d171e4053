"""A ``build_kg`` flow run over many tiny profile files: wall, CPU, Prefect task runs, sources/s.

``python bench/many_profiles.py --n 500 --n 2000 [--repeats 1] [--set runner.sources_per_task=25]
[--work /tmp/scholarkg-bench/many_profiles]``: for each N, N tiny CONSTRUCTED profile files
(a name, a subject code, an h-index, no papers: each a distinct person) given to the flow
as ``profiles``, arXiv off, a fresh data directory and embedded store. Each measured
run is a fresh interpreter (``--child``) that starts the CLI's temporary Prefect API
(:mod:`scholarkg_flows.temporary_api`, its database in a fresh ``PREFECT_HOME``), runs
``build_kg`` and reports the flow call's wall and CPU seconds (this process; the API server's
own CPU and peak RSS apart, read once it has ended), the task runs the API holds for the flow
run (its events sent and the count steady: task runs are recorded from events, after the
flow returns), and sources built per second of wall.

Run with ``PYTHONPATH=src:<dir holding scholarkg_flows>`` as the tests are.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

WORK = Path("/tmp/scholarkg-bench/many_profiles")


def tiny_page(n: int) -> str:
    """CONSTRUCTED: a profile page of one person and no papers."""
    return f"Bench Person{n:05d}\n\nLG\nh-index{n % 50}\n0papers\n\n0 Papers\n"


def prepare(work: Path, n: int, settings: list[str]) -> Path:
    """A fresh folder of ``n`` pages and a config whose data and store live in ``work``."""
    if work.exists():
        shutil.rmtree(work)
    pages = work / "pages"
    pages.mkdir(parents=True)
    for i in range(n):
        (pages / f"p{i:05d}.txt").write_text(tiny_page(i), encoding="utf-8")
    lines = [
        "[data]",
        f'dir = "{work / "data"}"',
        "[store]",
        f'path = "{work / "store"}"',
        "[profiles]",
        "sources = []",
        "[arxiv]",
        "enabled = false",
    ]
    config = work / "scholarkg.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def count_task_runs(url: str, flow_run_id: object) -> int:
    """The task runs of the flow run and of its subflow runs, once the count holds still for
    three seconds (the API records task runs from the events it is sent)."""
    import httpx
    from scholarkg_flows.temporary_api import send_what_is_queued

    send_what_is_queued()
    counts: list[int] = []
    with httpx.Client(base_url=url, timeout=60) as api:
        parent = {"parent_flow_run_id": {"any_": [str(flow_run_id)]}}
        subflows = api.post("/flow_runs/filter", json={"flow_runs": parent}).json()
        ids = [str(flow_run_id), *(run["id"] for run in subflows)]
        while len(counts) < 4 or len(set(counts[-4:])) > 1:
            time.sleep(1.0 if counts else 0.0)
            count = api.post("/task_runs/count", json={"flow_runs": {"id": {"any_": ids}}})
            counts.append(int(count.json()))
    return counts[-1]


def child(config: str, pages: str, settings: list[str]) -> dict[str, Any]:
    """One measured flow run, in this (fresh) interpreter."""
    from scholarkg_flows.temporary_api import temporary_prefect_api

    with temporary_prefect_api() as url:
        from scholarkg_flows.build_kg import build_kg

        wall0, cpu0 = time.perf_counter(), time.process_time()
        state = build_kg(
            config_path=config,
            profiles=[str(p) for p in sorted(Path(pages).glob("*.txt"))],
            settings=settings,
            return_state=True,
        )
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        report = state.result(raise_on_failure=False)
        task_runs = count_task_runs(str(url), state.state_details.flow_run_id)
    server = resource.getrusage(resource.RUSAGE_CHILDREN)  # the API server, now ended
    return {
        "state": state.name,
        "built": len(report.sources_built),
        "failures": len(report.failures),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "task_runs": task_runs,
        "sources_per_s": round(len(report.sources_built) / wall, 1),
        "api_cpu_s": round(server.ru_utime + server.ru_stime, 2),
        "api_peak_rss_mib": round(server.ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="profiles (repeatable)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--set", dest="settings", action="append", default=[])
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--child", nargs=2, metavar=("CONFIG", "PAGES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        config, pages = args.child
        print(json.dumps(child(config, pages, args.settings)))
        return
    for n in args.n or [500, 2000]:
        for repeat in range(args.repeats):
            config = prepare(args.work, n, args.settings)
            command = [sys.executable, __file__, "--child", str(config), str(args.work / "pages")]
            command += [f"--set={s}" for s in args.settings]
            home = {"PREFECT_HOME": str(args.work / "prefect")}  # a fresh API database
            done = subprocess.run(
                command, check=True, capture_output=True, text=True, env=os.environ | home
            )
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(json.dumps({"n": n, "repeat": repeat, "settings": args.settings, **figures}))


if __name__ == "__main__":
    main()

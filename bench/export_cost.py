"""CPU and peak memory of ``scholarkg export`` cases, paired against another checkout.

``python bench/export_cost.py --config STORE.toml --other /work/main/src [--repeats 3]
[--case trig] [--case nq:GRAPH_IRI] …``: each case runs ``scholarkg export --output`` (a file
under a scratch folder) once with this checkout's ``src`` and once with ``--other``'s (on
``PYTHONPATH``, the same interpreter), the order reversed every other repeat, and reports per
side min and median of the process's user + sys CPU seconds (interpreter start included) and
of its peak RSS (``wait4``), and whether both sides wrote the same bytes."""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "src"


def run(src: Path, config: Path, fmt: str, graph: str | None, out: Path) -> tuple[float, float]:
    """One export with ``src`` first on the path: (CPU seconds, peak RSS in MiB)."""
    command = [sys.executable, "-m", "scholarkg.cli", "export", "--config", str(config)]
    command += ["--format", fmt, "--output", str(out)]
    if graph:
        command += ["--graph", graph]
    env = {**os.environ, "PYTHONPATH": str(src)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def summary(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--other", type=Path, required=True, help="the other checkout's src")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--case", action="append", help="FORMAT or FORMAT:GRAPH_IRI")
    args = parser.parse_args()
    sides = {"this": HERE, "other": args.other}
    with tempfile.TemporaryDirectory(prefix="export-cost-") as scratch:
        for case in args.case or ["trig"]:
            fmt, _, graph = case.partition(":")
            cpu: dict[str, list[float]] = {side: [] for side in sides}
            rss: dict[str, list[float]] = {side: [] for side in sides}
            for repeat in range(args.repeats):
                order = list(sides) if repeat % 2 == 0 else list(reversed(sides))
                for side in order:
                    out = Path(scratch) / f"{side}.{fmt}"
                    seconds, peak = run(sides[side], args.config, fmt, graph or None, out)
                    cpu[side].append(seconds)
                    rss[side].append(peak)
            this, other = (Path(scratch) / f"{side}.{fmt}" for side in sides)
            same = filecmp.cmp(this, other, shallow=False)
            print(f"{case}: bytes {'equal' if same else 'DIFFER'}")
            for side in sides:
                print(
                    f"  {side:5} CPU-s min/median {summary(cpu[side])}, "
                    f"peak RSS MiB {summary(rss[side])}"
                )


if __name__ == "__main__":
    main()

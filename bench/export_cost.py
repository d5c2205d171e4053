"""CPU and peak memory of ``scholarkg export`` cases, paired against another checkout.

``python bench/export_cost.py --config STORE.toml --other /work/main/src [--repeats 3]
[--case trig] [--case nq:GRAPH_IRI] …``: each case runs ``scholarkg export --output`` (a file
under a scratch folder) once with this checkout's ``src`` and once with ``--other``'s (on
``PYTHONPATH``, the same interpreter), the order reversed every other repeat, and reports per
side min and median of the process's user + sys CPU seconds (interpreter start included) and
of its peak RSS (``wait4``), and whether both sides wrote the same bytes.

``--native STORE_DIR``: instead, in this process, each case written by this checkout's
serialiser (:func:`scholarkg.export._write`) against Oxigraph's own ``Store.dump`` of the same
(``trig``: the whole store; ``ttl:GRAPH_IRI``: one graph; the project's prefixes both ways),
into a writer that drops the bytes, alternating, CPU seconds (``process_time``) min / median;
then whether the bytes are equal, whether the statements are (blank nodes relabelled by
RDFC-1.0, sorted N-Quads), and whether each gives the same bytes again from a copy of the
store loaded anew into a new store (equal stores, equal bytes, as the project promises)."""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


class Collected:
    """A binary file in memory that keeps the bytes (``keep``) or only counts them; it can be
    taken back to where it began (as the native Turtle route may)."""

    def __init__(self, keep: bool) -> None:
        self.chunks: list[bytes] | None = [] if keep else None
        self.size = 0

    def write(self, data: bytes) -> int:
        if self.chunks is not None:
            self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.size

    def seek(self, position: int) -> int:
        if self.chunks is not None:
            self.chunks = [self.value()[:position]]
        self.size = position
        return position

    def truncate(self) -> int:
        return self.size

    def value(self) -> bytes:
        return b"".join(self.chunks or [])


def written(write: Callable[[Any, Collected], None], store: object) -> bytes:
    """What ``write`` writes of ``store``."""
    out = Collected(keep=True)
    write(store, out)
    return out.value()


def native_case(store_dir: Path, case: str, repeats: int) -> None:
    """One ``--native`` case (see the module)."""
    import pyoxigraph as ox

    from scholarkg.export import FORMATS, _write, default_prefixes
    from scholarkg.store.embedded import EmbeddedStore

    fmt, _, graph = case.partition(":")
    spec, prefixes = FORMATS[fmt], default_prefixes()
    name = ox.NamedNode(graph) if graph else None

    def ours(store: EmbeddedStore, out: Collected) -> None:
        _write(store, out, spec, graph or None, prefixes)  # type: ignore[arg-type]

    def theirs(store: EmbeddedStore, out: Collected) -> None:
        store.native.dump(out, spec.rdf_format, from_graph=name, prefixes=prefixes)  # type: ignore[arg-type]

    def canonical(data: bytes) -> list[str]:
        if name is None:
            dataset = ox.Dataset(ox.parse(data, format=spec.rdf_format))
        else:
            dataset = ox.Dataset(
                ox.Quad(t.subject, t.predicate, t.object)
                for t in ox.parse(data, format=spec.rdf_format)
            )
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return sorted(str(q) for q in dataset)

    cpu: dict[str, list[float]] = {"ours": [], "oxigraph": []}
    sides = {"ours": ours, "oxigraph": theirs}
    with EmbeddedStore(store_dir, read_only=True) as store:
        for repeat in range(repeats):
            for side in list(sides) if repeat % 2 == 0 else list(reversed(sides)):
                start = time.process_time()
                sides[side](store, Collected(keep=False))
                cpu[side].append(time.process_time() - start)
        first = {side: written(write, store) for side, write in sides.items()}
        quads = store.native.dump(format=ox.RdfFormat.N_QUADS)
    with tempfile.TemporaryDirectory(prefix="export-cost-") as scratch:
        anew = ox.Store(Path(scratch) / "store")  # the same statements, blank nodes new
        anew.bulk_extend(ox.parse(quads, format=ox.RdfFormat.N_QUADS, rename_blank_nodes=True))
        anew.flush()
        del anew  # closed: opened again as a scholarkg store
        with EmbeddedStore(Path(scratch) / "store", read_only=True) as store:
            again = {side: written(write, store) for side, write in sides.items()}
    a, b = first["ours"], first["oxigraph"]
    print(
        f"{case}: bytes {'equal' if a == b else 'DIFFER'}, statements "
        f"{'equal' if canonical(a) == canonical(b) else 'DIFFER'}; "
        "from an equal store loaded anew, the same bytes: "
        + ", ".join(f"{side} {'yes' if again[side] == first[side] else 'NO'}" for side in sides)
    )
    for side, values in cpu.items():
        print(f"  {side:8} CPU-s min/median {summary(values)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path)
    parser.add_argument("--other", type=Path, help="the other checkout's src")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--case", action="append", help="FORMAT or FORMAT:GRAPH_IRI")
    parser.add_argument("--native", type=Path, help="a store: ours against Oxigraph's dump")
    args = parser.parse_args()
    if args.native is not None:
        for case in args.case or ["trig"]:
            native_case(args.native, case, args.repeats)
        return
    if args.config is None or args.other is None:
        parser.error("--config and --other are needed (or --native)")
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

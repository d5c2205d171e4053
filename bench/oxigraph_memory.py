"""Oxigraph alone: does its memory grow as a store grows, with and without reads between loads?

    python bench/oxigraph_memory.py --segments 10 [--ask] --store /tmp/oxi-mem

SYNTHETIC quads (nothing real): small named graphs of 23 quads (20 literals, 3 links), written
in segments of 250 000 quads, each one ``bulk_load`` into one store, as the bulk loader's
segments are (``[store] segment_quads``). ``--ask``: every 1 000 graphs, one query over the
next 1 000 graph names, which the store does not hold yet — the shape of the run's per-chunk
look-up of the versions a store holds (``runs.held_versions.versions_in_store``) on a first
load. Prints, per segment, the quads loaded, this process's resident memory then and its peak
so far (MiB) and its CPU seconds. Memory is not CPU-noisy: a shared machine gives usable
figures.
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
from pathlib import Path

import pyoxigraph as ox

from measure import PAGE, mib

BASE = "https://w3id.org/scholarkg/id/"
SEGMENT = 250_000
ASK_EVERY = 1000


def rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE


def graph(n: int) -> bytes:
    """Graph ``n``: 20 literals and 3 links of one subject, 23 quads."""
    name, paper = f"<{BASE}graph/arxiv/90{n:08d}>", f"<{BASE}paper/90{n:08d}>"
    lines = [
        f'{paper} <{BASE}p{k}> "value {n} {k} words of an abstract {n * 7919 % 100003}" {name} .\n'
        for k in range(20)
    ] + [f"{paper} <{BASE}author> <{BASE}authorship/{n}-{k}> {name} .\n" for k in range(3)]
    return "".join(lines).encode()


def ask(store: ox.Store, first: int) -> None:
    """Quads per graph of the next ``ASK_EVERY`` graphs (none held yet)."""
    values = " ".join(f"<{BASE}graph/arxiv/90{n:08d}>" for n in range(first, first + ASK_EVERY))
    pattern = "GRAPH ?g { ?s ?p ?o }"
    rows = store.query(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} {pattern} }} GROUP BY ?g"
    )
    assert isinstance(rows, ox.QuerySolutions)
    list(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=10)
    parser.add_argument("--ask", action="store_true", help="query between loads")
    parser.add_argument("--store", type=Path, required=True, help="removed first")
    args = parser.parse_args()
    shutil.rmtree(args.store, ignore_errors=True)
    store, n, peak = ox.Store(str(args.store)), 0, 0
    for segment in range(1, args.segments + 1):
        out, quads = io.BytesIO(), 0
        while quads < SEGMENT:
            out.write(graph(n))
            quads, n = quads + 23, n + 1
            if args.ask and n % ASK_EVERY == 0:
                ask(store, n)
                peak = max(peak, rss())
        store.bulk_load(io.BytesIO(out.getvalue()), format=ox.RdfFormat.N_QUADS)
        peak = max(peak, rss())
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime
        print(f"segment {segment}: {n * 23} quads, {mib(rss())} MiB, peak {mib(peak)} MiB, "
              f"CPU {cpu:.1f} s", flush=True)  # fmt: skip
    shutil.rmtree(args.store, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Replace many named graphs one by one, reporting each on stdout (for the kill-mid-load test).

Usage: ``python load_many.py (--path STORE_DIR | --url OXIGRAPH_BASE_URL) --version old|new
[--graphs N] [--triples M] [--killed-in K]``. Graph ``i`` gets ``M`` triples whose object is
``"<version>-<i>"``; after each graph is stored the script prints ``loaded <i>`` and flushes.
``--killed-in K``: the script SIGKILLs itself while graph ``K`` is written, from a thread that
can run only once the write lets go of the GIL (pyoxigraph's update and an HTTP request do) —
at the latest as ``loaded K`` is printed, never before graph ``K``'s write began. Running it
again simply replaces every graph again (idempotent).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from scholarkg.store.base import GraphStore
from scholarkg.store.factory import open_store
from scholarkg.store.remote import SparqlStore

GRAPHS = 60
TRIPLES = 1500
PREDICATE = "https://example.org/kill-test/value"


def graph_iri(i: int) -> str:
    return f"https://example.org/kill-test/graph/{i}"


def value(version: str, i: int) -> str:
    return f"{version}-{i}"


def ntriples(i: int, version: str, triples: int) -> str:
    obj = f'"{value(version, i)}"'
    return "".join(
        f"<https://example.org/kill-test/s/{i}/{j}> <{PREDICATE}> {obj} .\n" for j in range(triples)
    )


def open_target(path: str | None, url: str | None) -> GraphStore:
    if url is not None:
        return SparqlStore.for_oxigraph(url)
    assert path is not None
    return open_store("oxigraph", path=Path(path))


def killer() -> threading.Event:
    """A thread that SIGKILLs this process once the event is set and the main thread next lets
    go of the GIL: it never does in between, as it gives it up only where it blocks."""
    sys.setswitchinterval(1e6)  # not every 5 ms
    go = threading.Event()

    def kill() -> None:
        go.wait()
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=kill, daemon=True).start()
    return go


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--path", help="embedded Oxigraph store directory")
    target.add_argument("--url", help="base URL of an `oxigraph serve`")
    parser.add_argument("--version", required=True, choices=("old", "new"))
    parser.add_argument("--graphs", type=int, default=GRAPHS)
    parser.add_argument("--triples", type=int, default=TRIPLES)
    parser.add_argument("--killed-in", type=int, help="graph whose write the kill lands in")
    args = parser.parse_args(argv)
    store = open_target(args.path, args.url)
    kill = killer() if args.killed_in is not None else None
    try:
        for i in range(args.graphs):
            if kill is not None and i == args.killed_in:
                kill.set()
            store.replace_graph_ntriples(graph_iri(i), ntriples(i, args.version, args.triples))
            print(f"loaded {i}", flush=True)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

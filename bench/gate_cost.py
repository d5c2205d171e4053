"""The SHACL gate alone: CPU per record over the 10k bench input's record and person graphs.

    python bench/gate_cost.py [--input FILE] [--n 10000] [--runs 3] [--payloads] [--profile F]

The input's records are mapped once (emit_arxiv; person graphs: one person per authorship, as
the identity step writes a one-paper person) and kept in memory; each run gates them as the
pipeline does (``gating.gate_many``, 200 graphs a batch; the loader's payloads only with
``--payloads``) in a fresh process-wide engine, with a worker's garbage collector thresholds,
and counts CPU (``time.process_time``) and wall seconds. Prints min / median of ``--runs`` runs
per kind, CPU microseconds per record, and the findings' count and digest (a change to the
engine must leave the digest as it was; a blank-node shape's id, new in each process, is left
out of it).
``--profile`` writes cProfile's stats of one extra run.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from scholarkg import validate  # noqa: E402
from scholarkg.extract.snapshot import read_snapshot  # noqa: E402
from scholarkg.identity import names  # noqa: E402
from scholarkg.identity.emit import emit_person, person_graph_iri  # noqa: E402
from scholarkg.identity.records import Mention, Person, PersonRecord  # noqa: E402
from scholarkg.iris import Minter  # noqa: E402
from scholarkg.runs import gating  # noqa: E402
from scholarkg.runs.collector import set_for_batches  # noqa: E402
from scholarkg.transform import EmittedGraph  # noqa: E402
from scholarkg.transform.arxiv import arxiv_mentions, emit_arxiv  # noqa: E402
from scholarkg.transform.emit import NTriplesEmitter  # noqa: E402

DEFAULT_INPUT = Path("/tmp/scholarkg-bench/arxiv-10000-v3.jsonl")


def graphs_of(source: Path, n: int) -> tuple[list[EmittedGraph], list[EmittedGraph]]:
    """(record graphs, person graphs) of the first ``n`` records of ``source``."""
    minter, out = Minter(), NTriplesEmitter()
    records: list[EmittedGraph] = []
    persons: list[EmittedGraph] = []
    for record in read_snapshot(source):
        if len(records) == n:
            break
        out.reset()
        iri = str(emit_arxiv(record, minter, out))
        records.append(EmittedGraph(iri, "arxiv", tuple(out.triples), record.source or None))
        for author in arxiv_mentions(record, minter).authors:
            number = len(persons) + 1
            slug = f"p{number}"
            person = Person(number, slug, names.block(author.name), author.name, "2026-12-05",
                            None, None, None, True)  # fmt: skip
            mention = Mention(author.node, "", author.position, number, author.name, "first-seen")
            out.reset()
            emit_person(PersonRecord(person, [author.name], [mention], [], [], None), minter, out)
            persons.append(EmittedGraph(person_graph_iri(person, minter), "person",
                                        tuple(out.triples)))  # fmt: skip
    return records, persons


def gate_all(graphs: list[EmittedGraph]) -> tuple[int, str]:
    """Gate every graph as the pipeline does; (findings, digest of them)."""
    digest = hashlib.sha256()
    count = 0
    for graph, _, findings in gating.gate_many(graphs):
        count += len(findings)
        named = [f.__dict__ | {"shape": f.shape if ":" in f.shape else ""} for f in findings]
        digest.update(repr((graph.iri, named)).encode())
    return count, digest.hexdigest()[:16]


def no_payload(*args: object, **kwargs: object) -> None:
    """Stands in for the loader's payload: its cost is the load's, not the gate's."""


def fresh_gate() -> None:
    validate._GATE.clear()
    gating.start_gate("error")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=None)
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--payloads", action="store_true", help="build the loader's payloads too")
    args = parser.parse_args()
    if not args.payloads:
        gating.make_payload = no_payload  # type: ignore[attr-defined,assignment]
    set_for_batches()  # the garbage collector as a worker sets it
    with tempfile.TemporaryDirectory() as tmp:
        source = args.input or (
            DEFAULT_INPUT if DEFAULT_INPUT.exists() else generate.write(Path(tmp) / "in", args.n)
        )
        records, persons = graphs_of(source, args.n)
    kinds = {"records": records, "persons": persons}
    print(f"{len(records)} records ({sum(len(g.triples) for g in records)} triples), "
          f"{len(persons)} persons ({sum(len(g.triples) for g in persons)} triples)")  # fmt: skip
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}
    seen: dict[str, tuple[int, str]] = {}
    for _ in range(args.runs):
        for kind, graphs in kinds.items():
            fresh_gate()
            cpu, wall = time.process_time(), time.perf_counter()
            seen[kind] = gate_all(graphs)
            times[kind].append((time.process_time() - cpu, time.perf_counter() - wall))
    n = len(records)
    for kind, runs in times.items():
        cpus, walls = [c for c, _ in runs], [w for _, w in runs]
        print(f"{kind:>8}: CPU min {min(cpus):.2f} s median {statistics.median(cpus):.2f} s "
              f"({min(cpus) / n * 1e6:.0f} / {statistics.median(cpus) / n * 1e6:.0f} us per "
              f"record); wall min {min(walls):.2f} median {statistics.median(walls):.2f}; "
              f"findings {seen[kind][0]} digest {seen[kind][1]}")  # fmt: skip
    if args.profile is not None:
        fresh_gate()
        profiler = cProfile.Profile()
        profiler.enable()
        for graphs in kinds.values():
            gate_all(graphs)
        profiler.disable()
        profiler.dump_stats(str(args.profile))
        print(f"wrote {args.profile}")


if __name__ == "__main__":
    main()

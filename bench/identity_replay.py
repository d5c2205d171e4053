"""The identity resolver alone over a snapshot file: its CPU, and a digest of its decisions.

Each line is read and turned into the paper's authorships first (not timed, the name caches
emptied after, as a load's main process has them); the resolver then
decides them in chunks of 1 000 papers, as a snapshot load hands them over. Prints the CPU and
wall seconds of the resolver, the authorships, the persons and a digest of every authorship's
person IRI, so that two versions can be compared decision for decision and paired for CPU::

    .venv/bin/python bench/identity_replay.py /tmp/scholarkg-bench/arxiv-10000-v3.jsonl
    PYTHONPATH=/path/to/other/src .venv/bin/python bench/identity_replay.py <the same file>

``--profile`` prints cProfile's top functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import sys
import tempfile
import time
from pathlib import Path

from scholarkg.extract.snapshot import parse_snapshot_line
from scholarkg.identity.mentions import PaperMentions
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.iris import Minter
from scholarkg.transform.arxiv import arxiv_mentions

CHUNK = 1000


def mentions(path: Path) -> list[PaperMentions]:
    """Every line's paper and authorships, as a snapshot load hands them to the resolver."""
    minter = Minter("https://w3id.org/scholarkg/id/")
    with path.open(encoding="utf-8") as lines:
        return [
            arxiv_mentions(parse_snapshot_line(line, source=f"{path}:{n}"), minter)
            for n, line in enumerate(lines, start=1)
        ]


def cold_caches() -> None:
    """Empty the name caches reading the lines filled (``is_group`` reads names)."""
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("scholarkg."):
            for value in list(vars(module).values()):
                if callable(clear := getattr(value, "cache_clear", None)):
                    clear()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    papers = mentions(args.snapshot)
    cold_caches()  # a load reads its lines in worker processes: its main process's are cold
    profile = cProfile.Profile() if args.profile else None
    with tempfile.TemporaryDirectory() as work:
        reg = Registry(Path(work) / "identity.sqlite")
        resolver = IdentityResolver(reg)
        wall, cpu = time.perf_counter(), time.process_time()
        if profile is not None:
            profile.enable()
        for start in range(0, len(papers), CHUNK):
            resolver.restate(papers[start : start + CHUNK])
        if profile is not None:
            profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        rows = reg.db.execute("SELECT node, person FROM mentions ORDER BY node").fetchall()
        decided = [(str(node), reg.person(reg.live(int(pid))).slug) for node, pid in rows]
        reg.close()
    digest = hashlib.sha256(repr(decided).encode()).hexdigest()[:16]
    print(
        f"cpu {cpu:.2f} s, wall {wall:.2f} s, authorships {len(decided)},"
        f" persons {len({slug for _, slug in decided})}, decisions digest {digest}"
    )
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())

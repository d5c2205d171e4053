"""A CONSTRUCTED profile page of N papers beside the same co-authors: the co-author rule's work
per paper as N doubles.

Each paper lists ``Damian C. Ritter`` or ``D. Ritter`` (alternating), ``Victor N. White`` and
``Anna Keller``, and is ``restate``d alone into a fresh registry. For the last ``--window``
papers of each N it prints, per paper: SQL statements (SQLite's trace callback, which traces a
statement again for each trigger program it runs), SQLite
virtual machine instructions in thousands (its progress handler, every 1 000: the rows the
statements scan, whatever the plan) and the resolver's CPU milliseconds. Linear work keeps the
first two flat as N doubles. Run it on two versions in turn for paired figures::

    .venv/bin/python bench/coauthor_scaling.py 250 500 1000 2000
    PYTHONPATH=/path/to/other/src .venv/bin/python bench/coauthor_scaling.py 250 500 1000 2000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scholarkg.identity.mentions import AuthorMention, PaperMentions
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver

BASE = "https://w3id.org/scholarkg/id/paper/arxiv/"


def page_paper(i: int) -> PaperMentions:
    """The ``i``-th paper of the page."""
    iri = f"{BASE}2102.{i:05d}"
    ritter = "Damian C. Ritter" if i % 2 == 0 else "D. Ritter"
    authors = (ritter, "Victor N. White", "Anna Keller")
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{n}", n, a) for n, a in enumerate(authors, start=1)
    )
    return PaperMentions(iri, (f"2102.{i:05d}",), listed, f"graph:2102.{i:05d}")


@dataclass
class Work:
    """What the last papers of a page cost, per paper."""

    statements: float
    kilo_steps: float
    cpu_ms: float


def page_work(path: Path, papers: int, window: int) -> Work:
    """Resolve a page of ``papers`` papers into a fresh registry at ``path``; the work of the
    last ``window`` of them, per paper."""
    reg = Registry(path)
    counts = {"statements": 0, "steps": 0}

    def traced(_: str) -> None:
        counts["statements"] += 1

    def step() -> int:
        counts["steps"] += 1
        return 0

    try:
        resolver = IdentityResolver(reg)
        for i in range(papers - window):
            resolver.restate([page_paper(i)])
        reg.db.set_trace_callback(traced)
        reg.db.set_progress_handler(step, 1000)
        start = time.process_time()
        for i in range(papers - window, papers):
            resolver.restate([page_paper(i)])
        cpu = time.process_time() - start
        reg.db.set_trace_callback(None)
        reg.db.set_progress_handler(None, 1000)
        reg.commit()
    finally:
        reg.close()
    return Work(counts["statements"] / window, counts["steps"] / window, 1000 * cpu / window)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[250, 500, 1000, 2000])
    parser.add_argument("--window", type=int, default=50)
    args = parser.parse_args()
    print("papers  statements/paper  kilo-steps/paper  cpu-ms/paper")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = page_work(Path(tmp) / "identity.sqlite", n, args.window)
        print(f"{n:6d}  {work.statements:16.1f}  {work.kilo_steps:16.1f}  {work.cpu_ms:12.2f}")


if __name__ == "__main__":
    main()

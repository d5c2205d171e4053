"""Change sets: what loading a graph added and removed, kept as N-Quads per run.

``data/changes/<run>/added.nq`` and ``removed.nq`` hold the triples each changed graph gained
and lost (graph IRI as the fourth term), and ``graphs.tsv`` one line per graph with its counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from scholarkg.transform import Triple


@dataclass(frozen=True)
class GraphChange:
    """The change one load made to one named graph."""

    graph: str
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def ntriples_set(data: bytes) -> set[Triple]:
    """N-Triples as the set of term strings a store gives back (literals canonicalised the way
    Oxigraph stores them: ``1.50`` → ``1.5``), so equal data compares equal."""
    return {
        (str(q.subject), str(q.predicate), str(q.object))
        for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    }


def diff(old: set[Triple], new: set[Triple]) -> tuple[set[Triple], set[Triple]]:
    """(added, removed) when ``old`` is replaced by ``new``."""
    return new - old, old - new


class ChangeSet:
    """The change set files of one run (created on the first change)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.changes: list[GraphChange] = []

    def record(self, graph: str, added: set[Triple], removed: set[Triple]) -> GraphChange:
        change = GraphChange(graph, len(added), len(removed))
        self.changes.append(change)
        if self.directory is None or not change.changed:
            return change
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, triples in (("added.nq", added), ("removed.nq", removed)):
            if triples:
                with (self.directory / name).open("a", encoding="utf-8") as out:
                    out.writelines(f"{s} {p} {o} <{graph}> .\n" for s, p, o in sorted(triples))
        with (self.directory / "graphs.tsv").open("a", encoding="utf-8") as out:
            out.write(f"{graph}\t+{change.added}\t-{change.removed}\n")
        return change

    def count(self, graph: str, added: int, removed: int) -> GraphChange:
        """A change known by its counts only (the bulk loader keeps no triples)."""
        change = GraphChange(graph, added, removed)
        self.changes.append(change)
        if self.directory is not None and change.changed:
            self.directory.mkdir(parents=True, exist_ok=True)
            with (self.directory / "graphs.tsv").open("a", encoding="utf-8") as out:
                out.write(f"{graph}\t+{added}\t-{removed}\n")
        return change

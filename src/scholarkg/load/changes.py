"""Change sets: what loading a graph added and removed, kept as N-Quads per run.

``data/changes/<run>/added.nq`` and ``removed.nq`` hold the triples each changed graph gained
and lost (graph IRI as the fourth term), and ``graphs.tsv`` one line per graph with its counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from scholarkg.files import writing
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
        self.graphs = self.added = self.removed = 0  # graphs changed, triples added / removed
        self._handles: dict[str, IO[str]] = {}

    def _out(self, name: str) -> IO[str]:
        handle = self._handles.get(name)
        if handle is None:
            assert self.directory is not None
            self.directory.mkdir(parents=True, exist_ok=True)
            with writing(self.directory / name, what="change set"):
                handle = self._handles[name] = (self.directory / name).open("a", encoding="utf-8")
        return handle

    def record(self, graph: str, added: set[Triple], removed: set[Triple]) -> GraphChange:
        change = self.count(graph, len(added), len(removed))
        if self.directory is not None and change.changed:
            for name, triples in (("added.nq", added), ("removed.nq", removed)):
                if triples:
                    out = self._out(name)
                    with writing(out.name, what="change set"):
                        out.writelines(f"{s} {p} {o} <{graph}> .\n" for s, p, o in sorted(triples))
        return change

    def count(self, graph: str, added: int, removed: int) -> GraphChange:
        """A change known by its counts only (the bulk loader keeps no triples)."""
        change = GraphChange(graph, added, removed)
        if change.changed:
            self.graphs += 1
            self.added += added
            self.removed += removed
            if self.directory is not None:
                self._out("graphs.tsv").write(f"{graph}\t+{added}\t-{removed}\n")
        return change

    def flush(self) -> None:
        """Write out what is buffered (the files stay open for appending)."""
        for handle in self._handles.values():
            handle.flush()

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

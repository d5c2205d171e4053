"""Change sets: what loading a graph added and removed, kept as N-Quads per run.

``data/changes/<run>/added.nq`` and ``removed.nq`` hold the triples each changed graph gained
and lost (graph IRI as the fourth term), and ``graphs.tsv`` one line per graph with its counts.
Both loaders write the lines of what they commit before the manifest commit and note the files'
sizes in it (:mod:`scholarkg.load.commit_mark`): a run killed leaves lines never committed past
those sizes, and the next run cuts them off (:func:`cut_to`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from scholarkg.files import refused_write, writing
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
        change = self.tally(graph, len(added), len(removed))
        self.write(graph, added, removed)
        return change

    def count(self, graph: str, added: int, removed: int) -> GraphChange:
        """A change known by its counts only (the bulk loader keeps no triples)."""
        change = self.tally(graph, added, removed)
        self.write(graph, added, removed)
        return change

    def tally(self, graph: str, added: int, removed: int) -> GraphChange:
        """Count a change (its lines written apart: :meth:`write`)."""
        change = GraphChange(graph, added, removed)
        if change.changed:
            self.graphs += 1
            self.added += added
            self.removed += removed
        return change

    def write(self, graph: str, added: set[Triple] | int, removed: set[Triple] | int) -> None:
        """Write a change's lines: its line in ``graphs.tsv`` and the triples given (a count:
        none kept)."""
        plus = added if isinstance(added, int) else len(added)
        minus = removed if isinstance(removed, int) else len(removed)
        if self.directory is None or not (plus or minus):
            return
        tsv = self._out("graphs.tsv")
        with writing(tsv.name, what="change set"):
            tsv.write(f"{graph}\t+{plus}\t-{minus}\n")
        for name, triples in (("added.nq", added), ("removed.nq", removed)):
            if isinstance(triples, set) and triples:
                out = self._out(name)
                with writing(out.name, what="change set"):
                    out.writelines(f"{s} {p} {o} <{graph}> .\n" for s, p, o in sorted(triples))

    def flush(self) -> None:
        """Write out what is buffered (the files stay open for appending); a write the file
        system refuses is :class:`~scholarkg.errors.WriteFailed` naming the file."""
        for handle in self._handles.values():
            with writing(handle.name, what="change set"):
                handle.flush()

    def sync(self) -> dict[str, int]:
        """Write out what is buffered and make it durable; the files' sizes (their names)."""
        sizes = {}
        for name, handle in self._handles.items():
            with writing(handle.name, what="change set"):
                handle.flush()
                os.fsync(handle.fileno())
                sizes[name] = os.fstat(handle.fileno()).st_size
        return sizes

    def close(self) -> None:
        """Close the files; lines a full disk refused are dropped (they were never committed:
        the run that failed to write them said so, and the next run cuts what is past its last
        commit, :func:`cut_to`)."""
        for handle in self._handles.values():
            try:
                handle.close()
            except OSError as exc:
                if not refused_write(exc):
                    raise
        self._handles.clear()


def cut_to(directory: Path, sizes: dict[str, int]) -> None:
    """Cut the change set files in ``directory`` to ``sizes`` (a file not named: emptied,
    then removed), dropping the lines written after a commit that never happened."""
    for name in ("graphs.tsv", "added.nq", "removed.nq"):
        path = directory / name
        if not path.exists():
            continue
        with writing(path, what="change set"):
            if sizes.get(name):
                os.truncate(path, min(sizes[name], path.stat().st_size))
            else:
                path.unlink()


def listed(directory: Path) -> tuple[int, int, int]:
    """(graphs, triples added, triples removed) that ``directory``'s ``graphs.tsv`` lists."""
    path = directory / "graphs.tsv"
    graphs = added = removed = 0
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            _, plus, minus = line.split("\t")  # ``+N`` and ``-N``
            graphs, added, removed = graphs + 1, added + int(plus), removed + abs(int(minus))
    return graphs, added, removed

"""Change sets: what replacing a named graph adds and removes, kept as N-Quads files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class GraphChange:
    """The change one load made (or would make) to one named graph."""

    graph: str
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def ntriples_set(text: str) -> set[Triple]:
    """N-Triples text as the set of term strings a store would give back (``triples_in``).

    The text goes through an in-memory Oxigraph store, which canonicalises literals the way the
    on-disk store does (``1.50`` → ``1.5``, ``+00:00`` → ``Z``), so equal data compares equal.
    """
    scratch = ox.Store()
    scratch.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in scratch}


def diff(old: set[Triple], new: set[Triple]) -> tuple[set[Triple], set[Triple]]:
    """(added, removed) when ``old`` is replaced by ``new``."""
    return new - old, old - new


def _nquads(triples: set[Triple], graph: str) -> str:
    return "".join(f"{s} {p} {o} <{graph}> .\n" for s, p, o in sorted(triples))


def change_file_stem(graph: str) -> str:
    tail = graph.split("/graph/", 1)[-1]
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in tail)


def write_change(
    directory: Path, graph: str, added: set[Triple], removed: set[Triple]
) -> GraphChange:
    """Write ``<graph>.added.nq`` / ``<graph>.removed.nq`` under ``directory`` (when non-empty)."""
    change = GraphChange(graph, len(added), len(removed))
    if change.changed:
        directory.mkdir(parents=True, exist_ok=True)
        stem = change_file_stem(graph)
        for kind, triples in (("added", added), ("removed", removed)):
            if triples:
                (directory / f"{stem}.{kind}.nq").write_text(_nquads(triples, graph), "utf-8")
    return change

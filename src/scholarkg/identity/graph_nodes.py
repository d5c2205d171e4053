"""Which authorship nodes each source graph states, so that an authorship no graph states any
more (a paper dropped from a profile, an author gone from a new arXiv version) is withdrawn
instead of staying on its person for ever."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Sequence

from scholarkg.sqlite_in import grouped_in, select_in


class GraphNodes:
    """Reads and writes of ``graph_nodes`` (a part of :class:`~.registry.Registry`)."""

    db: sqlite3.Connection
    mark_dirty: Callable[[int], None]  # the registry's
    set_paper_authors: Callable[..., None]  # the evidence tables'

    def restate(self, graph: str, nodes: Collection[str]) -> list[str]:
        """Graph ``graph`` states exactly ``nodes`` now; returns the nodes it stated before
        that no graph states any more, in IRI order."""
        rows = self.db.execute("SELECT node FROM graph_nodes WHERE graph = ?", (graph,))
        before = {str(n) for (n,) in rows}
        now = set(nodes)
        if before == now:
            return []
        self.db.executemany(
            "INSERT OR IGNORE INTO graph_nodes VALUES (?, ?)", ((graph, n) for n in now - before)
        )
        gone = sorted(before - now)
        self.db.executemany(
            "DELETE FROM graph_nodes WHERE graph = ? AND node = ?", ((graph, n) for n in gone)
        )
        stated = "SELECT 1 FROM graph_nodes INDEXED BY graph_nodes_node WHERE node = ? LIMIT 1"
        return [n for n in gone if self.db.execute(stated, (n,)).fetchone() is None]

    def stated_by_each(self, graphs: Sequence[str]) -> dict[str, set[str]]:
        """The nodes each of ``graphs`` states now, in one read (graphs stating none are left
        out)."""
        query = "SELECT graph, node FROM graph_nodes WHERE graph IN (?)"
        return grouped_in(self.db, query, list(graphs))

    def add_stated(self, rows: Sequence[tuple[str, str]]) -> None:
        """``(graph, node)``: graph ``graph`` states ``node`` too (what :meth:`restate` writes
        for a graph that only states more than before)."""
        self.db.executemany("INSERT OR IGNORE INTO graph_nodes VALUES (?, ?)", rows)

    def states(self, graph: str, node: str) -> bool:
        """Whether ``graph`` states ``node`` now."""
        row = self.db.execute(
            "SELECT 1 FROM graph_nodes WHERE graph = ? AND node = ?", (graph, node)
        ).fetchone()
        return row is not None

    def stated_by(self, graph: str) -> list[str]:
        """The nodes ``graph`` states now, in IRI order."""
        rows = self.db.execute(
            "SELECT node FROM graph_nodes WHERE graph = ? ORDER BY node", (graph,)
        )
        return [str(n) for (n,) in rows]

    def withdraw(self, nodes: Sequence[str]) -> list[tuple[str, int]]:
        """Forget these authorship nodes: their decisions, names and co-author evidence.
        Returns ``(node, person)`` of the decisions dropped (their persons need writing)."""
        dropped: list[tuple[str, int]] = []
        papers: set[str] = set()
        query = "SELECT node, paper, person FROM mentions WHERE node IN (?)"
        for node, paper, person in select_in(self.db, query, list(nodes)):
            dropped.append((str(node), int(person)))
            papers.add(str(paper))
        gone = [(n,) for n in nodes]
        self.db.executemany("DELETE FROM mentions WHERE node = ?", gone)
        self.db.executemany("DELETE FROM mention_names WHERE node = ?", gone)
        withdrawn = set(nodes)
        for paper in sorted(papers):  # the paper's evidence, without the withdrawn authors
            rows = self.db.execute(
                "SELECT block, node, name FROM paper_authors WHERE paper = ?", (paper,)
            )
            kept = [(str(b), str(n), str(m)) for b, n, m in rows if n not in withdrawn]
            self.set_paper_authors(paper, kept, complete=True)
        for _, person in dropped:
            self.mark_dirty(person)
        return dropped

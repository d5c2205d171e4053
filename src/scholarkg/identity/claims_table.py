"""Which authorships each profile graph claims for its researcher (``claims``): kept for as
long as the graph makes the claim, whether or not the claim decided the authorship or made a
merge, so that when one profile's claim ends another's standing claim is found."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Sequence
from urllib.parse import unquote

from scholarkg.iris import Minter
from scholarkg.sqlite_in import grouped_in, select_in


def claim_key(node: str, graph: str) -> str:
    """What a merge made by a profile's claim is kept under (``merges.node``): the claimed
    authorship and the profile graph claiming it (a co-author merge is kept under the node
    alone), so that the claim's end undoes this merge and no other."""
    return f"{node} {graph}"


_CLAIM_KEY = "g.node || ' ' || g.graph"  # claim_key of graph_nodes g, in SQL


class ClaimTables:
    """Reads and writes of ``claims`` (a part of :class:`~.registry.Registry`)."""

    db: sqlite3.Connection

    def add_claims(self, claims: Iterable[tuple[str, str, str]]) -> None:
        """``(node, graph, profile)``: profile graph ``graph`` of ``profile`` names its
        researcher at authorship ``node``."""
        self.db.executemany("INSERT OR REPLACE INTO claims VALUES (?, ?, ?)", claims)

    def claims_on(self, node: str) -> list[tuple[str, str]]:
        """``(graph, profile)`` of the claims on ``node``, in graph order."""
        rows = self.db.execute(
            "SELECT graph, profile FROM claims WHERE node = ? ORDER BY graph", (node,)
        )
        return [(str(g), str(p)) for g, p in rows]

    def claimed_by_each(self, graphs: Sequence[str]) -> dict[str, set[str]]:
        """The nodes each of ``graphs`` claims now, in one read (graphs claiming none are left
        out)."""
        query = "SELECT graph, node FROM claims WHERE graph IN (?)"
        return grouped_in(self.db, query, list(graphs))

    def end_claims(self, graph: str, kept: Collection[str]) -> list[str]:
        """``graph`` claims only ``kept`` now (of what it claimed); returns the nodes whose
        claim ended, in IRI order."""
        rows = self.db.execute("SELECT node FROM claims WHERE graph = ?", (graph,))
        ended = sorted(str(n) for (n,) in rows if n not in kept)
        self.db.executemany(
            "DELETE FROM claims WHERE node = ? AND graph = ?", ((n, graph) for n in ended)
        )
        return ended

    def claim_decisions(self, graph: str) -> list[str]:
        """The authorship nodes ``graph`` (a profile listing) states whose decision its claim
        made (``profile-researcher``, it the evidence)."""
        rows = self.db.execute(
            "SELECT g.node FROM graph_nodes g JOIN mentions m ON m.node = g.node"
            " WHERE g.graph = ? AND m.rule = 'profile-researcher' AND m.evidence = ?",
            (graph, graph),
        )
        return sorted(str(n) for (n,) in rows)

    def claim_merges_of(self, graph: str) -> list[tuple[int, str, int]]:
        """The merges the claims of ``graph`` (a profile listing) made on nodes it states:
        (order of the merge, node, the person kept), in the order they were made."""
        stated = self.db.execute("SELECT node FROM graph_nodes WHERE graph = ?", (graph,))
        keys = {claim_key(str(n), graph): str(n) for (n,) in stated}
        query = "SELECT seq, node, keep_id FROM merges WHERE node IN (?)"
        rows = select_in(self.db, query, list(keys))
        return sorted((int(q), keys[str(k)], int(keep)) for q, k, keep in rows)

    def claim_merges(self, nodes: Sequence[str]) -> list[str]:
        """The keys of the merges a profile's claim on one of ``nodes`` made."""
        found: list[str] = []
        for node in nodes:  # the keys of a node's claims sort right after "<node> "
            rows = self.db.execute(
                "SELECT node FROM merges WHERE node > ? AND node < ?", (f"{node} ", f"{node}!")
            )
            found += [str(k) for (k,) in rows]
        return found

    def given_first(self, node: str) -> bool:
        """Whether the spellings at ``node`` are written given name first: every graph stating
        it is a profile's (:class:`~.mentions.PaperMentions` ``given_first``); arXiv, which
        writes many names surname first, states none of them."""
        rows = self.db.execute(
            "SELECT graph FROM graph_nodes INDEXED BY graph_nodes_node WHERE node = ?", (node,)
        ).fetchall()
        return bool(rows) and all(_profile_of(self.db, str(g)) is not None for (g,) in rows)

    def _backfill_claims(self) -> int:
        """Layout 3 kept no claims: derive those it shows, the claims a profile graph still
        states that decided an authorship (``profile-researcher``, the graph its evidence) or
        made a merge (kept under :func:`claim_key`). A claim that did neither left
        no trace: it is known when its page is read again. Returns how many were derived."""
        decided = self.db.execute(
            "SELECT g.node, g.graph FROM graph_nodes g JOIN mentions m ON m.node = g.node"
            " WHERE m.rule = 'profile-researcher' AND m.evidence = g.graph"
        )
        merged = self.db.execute(
            f"SELECT g.node, g.graph FROM graph_nodes g JOIN merges j ON j.node = {_CLAIM_KEY}"  # noqa: S608
        )
        found = sorted({(str(n), str(g)) for n, g in [*decided.fetchall(), *merged.fetchall()]})
        profiles = {g: _profile_of(self.db, g) for g in {g for _, g in found}}
        rows = [(n, g, p) for n, g in found if (p := profiles[g]) is not None]
        self.add_claims(rows)
        return len(rows)


def _profile_of(db: sqlite3.Connection, graph: str) -> str | None:
    """The registered profile whose graph (:meth:`~scholarkg.iris.Minter.profile_graph`,
    under whatever base it was minted) ``graph`` is, if any."""
    base, found, slug = graph.rpartition("graph/profile/")
    if not found or not base:
        return None
    slug = unquote(slug)
    if str(Minter(base).profile_graph(slug)) != graph:
        return None
    row = db.execute("SELECT 1 FROM profiles WHERE slug = ?", (slug,)).fetchone()
    return None if row is None else slug

"""Whether two graphs are the same but for their blank node labels, in bounded time.

A graph read back from a store need not carry the labels it was noted with (Oxigraph renames
blank nodes on ``Store.load``; a SPARQL server labels them per answer). Full canonicalisation
(RDFC-1.0) is exponential in the worst case (a few dozen alike blank nodes take minutes), so
each graph's blank nodes are told apart by colour refinement instead: a blank node's colour is
a hash of the terms around it, refined by its neighbours' colours until no class splits
(:data:`ROUNDS` rounds at most). Where every blank node ends with a colour of its own in both
graphs, the colours name them and the renamed triples are compared exactly; otherwise (blank
nodes alike in shape) the graphs are not said to be the same, so a change is never missed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from scholarkg.transform import Triple

ROUNDS = 32


def same_graph(a: set[Triple], b: set[Triple]) -> bool:
    """Whether ``a`` and ``b`` (N-Triples term strings) are one graph up to blank node labels;
    ``False`` where their blank nodes cannot be told apart by colour (see the module)."""
    if a == b:
        return True
    if len(a) != len(b):
        return False
    if _ground(a) != _ground(b):  # the triples without blank nodes
        return False
    renamed = _renamed(a)
    return renamed is not None and renamed == _renamed(b)


def _ground(triples: set[Triple]) -> set[Triple]:
    return {t for t in triples if not (_blank(t[0]) or _blank(t[2]))}


def _blank(term: str) -> bool:
    return term.startswith("_:")


def _renamed(triples: set[Triple]) -> set[Triple] | None:
    """The triples with each blank node named by its colour, or ``None`` where two blank nodes
    share one (or the colours still split after :data:`ROUNDS` rounds)."""
    around: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for s, p, o in triples:
        if _blank(s):
            around[s].append(("out", p, o))
        if _blank(o):
            around[o].append(("in", p, s))
    colour = dict.fromkeys(around, "")
    classes = 1
    for _ in range(ROUNDS):
        colour = {node: _refine(node, colour, edges) for node, edges in around.items()}
        now = len(set(colour.values()))
        if now == classes:
            break
        classes = now
    else:
        return None
    if classes != len(around):
        return None
    name = {node: "_:c" + c for node, c in colour.items()}
    return {(name.get(s, s), p, name.get(o, o)) for s, p, o in triples}


def _refine(node: str, colour: dict[str, str], edges: list[tuple[str, str, str]]) -> str:
    """A colour from ``node``'s own and each neighbour's (a term, or a blank node's colour)."""
    parts = sorted(
        f"{way} {p} " + ("self" if other == node else colour.get(other, other))
        for way, p, other in edges
    )
    text = "\n".join([colour[node], *parts]).encode("utf-8")
    return hashlib.blake2b(text, digest_size=16).hexdigest()

"""Blank-node labels in the published N-Quads dump, taken from the content they label.

A store names the blank nodes it holds as it likes (Oxigraph draws a random label for each blank
node an update inserts; a SPARQL server labels them per answer), so the ontology's blank nodes
(``owl:unionOf`` and its list, graph ``<base>graph/ontology``), noted from the store, came out
under new labels in every store: two runs over the same data published dumps that differed in
them. Before a publication the manifest's rows of the side graphs (ontology, category scheme)
are relabelled by W3C RDF Dataset Canonicalization (RDFC-1.0: ``_:c14n0``, ``_:c14n1`` …), so
the same graph always gives the same bytes. Instance graphs hold no blank nodes (their loaders
mint IRIs). Every other export (:func:`labelled`, used by :mod:`scholarkg.export` for each
format) relabels its statements that hold a blank node the same way, all of them together.

RDFC-1.0 takes time exponential in blank nodes that look alike; a side graph written around
scholarkg (``serve --allow-updates``) could hold a ring of them and hold up every publication.
So a graph is canonicalised only when each blank node's own statements tell it apart (RDFC-1.0's
first-degree hashes all differ: a linear pass then); otherwise it keeps the store's labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar, cast

import pyoxigraph as ox
from pyoxigraph import BlankNode

from scholarkg.lifecycle import check_stop
from scholarkg.load.contents import Contents, GraphStats, bucket_of


def _apart(quads: list[ox.Quad]) -> bool:
    """Whether every blank node of ``quads`` has statements of its own no other one has (each
    written with itself as ``_:a`` and any other blank node as ``_:z``, as RDFC-1.0 hashes it
    first)."""
    around: dict[str, list[str]] = {}
    for quad in quads:
        terms = (quad.subject, quad.predicate, quad.object, quad.graph_name)
        for node in {t.value for t in terms if isinstance(t, BlankNode)}:
            shape = " ".join(
                ("_:a" if t.value == node else "_:z") if isinstance(t, BlankNode) else str(t)
                for t in terms
            )
            around.setdefault(node, []).append(shape)
    shapes = ["\n".join(sorted(lines)) for lines in around.values()]
    return len(set(shapes)) == len(shapes)


def canonical_nquads(quads: bytes) -> bytes | None:
    """These N-Quads with every blank node labelled by RDFC-1.0, the lines sorted (the order
    the rows of :mod:`scholarkg.load.contents` keep); ``None`` when blank nodes look alike
    (see the module)."""
    parsed = list(ox.parse(quads, format=ox.RdfFormat.N_QUADS))
    if not _apart(parsed):
        return None
    dataset = ox.Dataset(parsed)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return b"".join(sorted(f"{quad} .\n".encode() for quad in dataset))


def label_blank_nodes(contents: Contents, graphs: Iterable[str]) -> set[int]:
    """Relabel the blank nodes of these graphs' rows in ``contents`` (see the module); returns
    the dump parts whose rows changed (none once they are labelled: the labels are stable)."""
    changed: set[int] = set()
    for iri, row in sorted(contents.nquads_of(sorted(set(graphs))).items()):
        if b"_:" not in row:
            continue
        labelled = canonical_nquads(row)
        if labelled is not None and labelled != row:
            stats = GraphStats.of_quads(ox.parse(labelled, format=ox.RdfFormat.N_QUADS))
            contents.put(iri, labelled, stats, counted=False)
            changed.add(bucket_of(iri))
    return changed


_S = TypeVar("_S", ox.Quad, ox.Triple)


def _has_blank(term: object) -> bool:
    if isinstance(term, BlankNode):
        return True
    if isinstance(term, ox.Triple):  # a quoted triple (RDF-star)
        return any(_has_blank(t) for t in (term.subject, term.object))
    return False


def has_blank(statement: ox.Quad | ox.Triple) -> bool:
    """Whether ``statement`` holds a blank node (in a quoted triple too)."""
    graph = statement.graph_name if isinstance(statement, ox.Quad) else None
    return _has_blank(statement.subject) or _has_blank(statement.object) or _has_blank(graph)


STOP_EVERY = 8192  # statements read between looks for a stop request


class Labelled(Generic[_S]):
    """These quads or triples (of one export) with stable blank-node labels: those without a
    blank node as they come, then those with one relabelled together by RDFC-1.0, in sorted
    order (they keep the store's labels, in its order, when blank nodes look alike: see the
    module). Held in memory are only the statements with a blank node. :attr:`count` is how
    many were read; every :data:`STOP_EVERY` a stop request (SIGTERM) ends the iteration with
    :class:`~scholarkg.lifecycle.Interrupted`.

    One pass in one generator, a statement of IRIs and literals told apart by the types of its
    terms alone: a counting generator wrapped around the labelling one cost a TriG export of
    the 10k bench store 6-8 % more CPU (bench/HISTORY.md)."""

    def __init__(self, statements: Iterable[_S]) -> None:
        self._statements: Iterable[_S] = statements
        self.count = 0

    def __iter__(self) -> Iterator[_S]:
        held: list[_S] = []
        named, literal, blank = ox.NamedNode, ox.Literal, BlankNode
        count = 0
        try:
            for statement in self._statements:
                count += 1
                if not count % STOP_EVERY:
                    check_stop()
                kind = type(statement.object)
                if type(statement.subject) is named and (kind is named or kind is literal):
                    graph = getattr(statement, "graph_name", None)  # a Triple has none
                    if type(graph) is not blank:
                        yield statement
                        continue
                if has_blank(statement):  # a blank node, or a quoted triple (RDF-star)
                    held.append(statement)
                else:
                    yield statement
        finally:
            self.count = count
        yield from _relabelled(held)


def labelled(statements: Iterable[_S]) -> Iterator[_S]:
    """These statements with stable blank-node labels (see :class:`Labelled`)."""
    return iter(Labelled(statements))


def _relabelled(held: list[_S]) -> Iterator[_S]:
    """The statements holding a blank node, relabelled by RDFC-1.0 and sorted (as they are
    when their blank nodes look alike)."""
    if not held:
        return
    triples = isinstance(held[0], ox.Triple)
    quads = [
        s if isinstance(s, ox.Quad) else ox.Quad(s.subject, s.predicate, s.object) for s in held
    ]
    if not _apart(quads):
        yield from held
        return
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    for quad in sorted(dataset, key=str):
        yield cast("_S", ox.Triple(quad.subject, quad.predicate, quad.object) if triples else quad)

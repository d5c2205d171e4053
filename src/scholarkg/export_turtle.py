"""One graph of an embedded store as Turtle by Oxigraph's own dump, when it holds no blank node.

Quad by quad (:func:`scholarkg.export._write`), every triple of the graph went through Python,
for the blank-node labels alone (:mod:`scholarkg.dump_labels`): a graph of 250 010 triples cost
a third more CPU than Oxigraph's own dump of it (bench/HISTORY.md). Without a blank node both
give the same bytes (one serialiser, the same prefixes, the quad iterator's order); with one,
Oxigraph writes the store's own label, drawn at random, and orders by it, so equal stores gave
other bytes. So the dump is watched as it is written: at the first ``_:`` (a blank node, or the
text of a literal or IRI) it is given up, the output taken back to where it began, and the
graph goes quad by quad. Instance graphs hold no blank node (their loaders mint IRIs); a side
graph (the ontology) holds some. An output that cannot be taken back (a pipe) goes quad by quad.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, cast

import pyoxigraph as ox

from scholarkg.lifecycle import check_stop
from scholarkg.store.sparql_text import iri_ref


class _BlankSeen(Exception):
    """Oxigraph's dump wrote ``_:``: the graph may hold a blank node."""


class _Watched:
    """An output for Oxigraph's dump that passes its pieces on to ``out`` until one holds
    ``_:`` (also across two pieces), then raises :class:`_BlankSeen` at every write. Every
    write first looks for a stop request (SIGTERM)."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._last = b""  # the last byte written: ``_`` may end a piece, ``:`` begin the next
        self.seen = False

    def write(self, data: bytes) -> int:
        check_stop()
        if self.seen or b"_:" in data or (self._last == b"_" and data[:1] == b":"):
            self.seen = True
            raise _BlankSeen
        self._last = bytes(data[-1:]) or self._last
        return self._out.write(data)

    def flush(self) -> None:
        self._out.flush()


def _triples(native: ox.Store, graph: str) -> int:
    """How many triples ``graph`` holds (counted by Oxigraph: 0.1 CPU-s for 250 010)."""
    sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri_ref(graph)} {{ ?s ?p ?o }} }}"
    [row] = cast("ox.QuerySolutions", native.query(sparql))
    return int(cast("ox.Literal", row["n"]).value)


def write_native_turtle(
    native: ox.Store, out: IO[bytes], graph: str, prefixes: Mapping[str, str]
) -> int | None:
    """The named graph ``graph`` of ``native`` into ``out`` as Turtle by Oxigraph's own dump;
    returns the number of triples, or ``None`` with ``out`` as it was when the dump wrote
    ``_:`` or ``out`` cannot be taken back (the caller writes the graph quad by quad)."""
    if not out.seekable():
        return None
    start = out.tell()
    watched = _Watched(out)
    try:
        native.dump(
            cast("IO[bytes]", watched),
            ox.RdfFormat.TURTLE,
            from_graph=ox.NamedNode(graph),
            prefixes=dict(prefixes),
        )
    except _BlankSeen:
        out.seek(start)
        out.truncate()
        return None
    return _triples(native, graph)

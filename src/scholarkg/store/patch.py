"""A graph's new content as the difference from what the store holds.

Replacing a graph whose record changed in one field rewrote all of it: every quad removed from
and added to each of the store's indexes again. A :class:`GraphPatch` carries the new content
and, when the caller knows exactly what the store holds, the lines to remove and to add; a
store that can apply a SPARQL Update writes only those, in one atomic request, and any other
store replaces the graph. Blank nodes cannot be named in ``DELETE DATA``, so a graph with any
in its difference is replaced whole.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from scholarkg.store.sparql_text import (
    canonical_ntriples,
    insert_data_block,
    iri_ref,
    ntriples_lines,
)


@dataclass(frozen=True)
class GraphPatch:
    """Graph ``iri``'s new content (``ntriples``; empty: the graph goes) and, when known, the
    N-Triples lines to remove from and add to what the store holds (``delta``)."""

    iri: str
    ntriples: str
    delta: tuple[str, str] | None = None

    @classmethod
    def between(cls, iri: str, held: Collection[str] | None, ntriples: str) -> GraphPatch:
        """From ``held`` (the N-Triples lines the store holds in the graph, each ending with a
        newline; None: not known) to ``ntriples``. A line written differently but meaning the
        same triple is removed and added again: wasted, never wrong."""
        if held is None:
            return cls(iri, ntriples)
        new = set(ntriples_lines(ntriples))
        removed = sorted(line for line in held if line not in new)
        added = sorted(new.difference(held))
        if any(_has_blank_node(line) for line in (*removed, *added)):
            return cls(iri, ntriples)
        return cls(iri, ntriples, ("".join(removed), "".join(added)))


def _has_blank_node(line: str) -> bool:
    """Whether a subject or object may be a blank node (a literal holding ``" _:"`` counts
    too: the graph is then replaced whole, which is always right)."""
    return line.startswith("_:") or " _:" in line


def delete_data_block(iri: str, ntriples: str) -> str:
    """``DELETE DATA { GRAPH <iri> { … } }`` around N-Triples text, re-serialised first."""
    return f"DELETE DATA {{ GRAPH {iri_ref(iri)} {{\n{canonical_ntriples(ntriples)}}} }}"


def patch_update(patches: Sequence[GraphPatch]) -> str:
    """One SPARQL Update applying every patch (empty when there is nothing to write)."""
    parts: list[str] = []
    for patch in patches:
        if patch.delta is None:
            parts.append(f"DROP SILENT GRAPH {iri_ref(patch.iri)}")
            if patch.ntriples:
                parts.append(insert_data_block(patch.iri, patch.ntriples))
            continue
        removed, added = patch.delta
        if removed:
            parts.append(delete_data_block(patch.iri, removed))
        if added:
            parts.append(insert_data_block(patch.iri, added))
    return " ;\n".join(parts)

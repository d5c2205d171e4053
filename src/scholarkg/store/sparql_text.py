"""Render rdflib graphs as SPARQL Update text, terms escaped by their N-Triples form."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox
from rdflib import URIRef

from scholarkg.errors import LoadError

_IRI_FORBIDDEN = '<>"{}|^`\\ \n\t'
# one search in C (before: a generator over every character, 0.1 ms an IRI, per arXiv record)
_FORBIDDEN_IN_IRI = re.compile("[" + re.escape(_IRI_FORBIDDEN) + "]")


def ntriples_lines(text: str) -> list[str]:
    """The lines of N-Triples text, each with its line feed: split at line feeds only (a
    literal may hold U+2028, U+2029 or NEL raw, which ``str.splitlines`` would cut it at)."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def iri_ref(iri: URIRef | str) -> str:
    """``<iri>`` for use in SPARQL text; refuses characters that could break out of it."""
    text = str(iri)
    if not text or _FORBIDDEN_IN_IRI.search(text):
        raise LoadError(f"{text!r}: not a valid IRI for SPARQL")
    return f"<{text}>"


def canonical_ntriples(ntriples: str) -> str:
    """``ntriples`` parsed and re-serialised by Oxigraph: only valid, escaped N-Triples remain,
    so the text cannot close an ``INSERT DATA`` block around it (nor rely on ``\\u`` escapes)."""
    try:
        quads = list(ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError) as exc:
        raise LoadError(f"not valid N-Triples: {exc}") from exc
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def distinct_triples(ntriples: str) -> int:
    """The triples a store holds of the N-Triples text ``ntriples``: its distinct triples (a
    line repeated or written another way is one, a blank node label one node)."""
    try:
        return len(set(ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)))
    except (SyntaxError, ValueError) as exc:
        raise LoadError(f"not valid N-Triples: {exc}") from exc


def insert_data_block(iri: URIRef | str, ntriples: str) -> str:
    """``INSERT DATA { GRAPH <iri> { … } }`` around N-Triples text, re-serialised first so no
    value can break out of the block."""
    return f"INSERT DATA {{ GRAPH {iri_ref(iri)} {{\n{canonical_ntriples(ntriples)}}} }}"


def graph_sizes_query(refs: Sequence[str]) -> str:
    """``SELECT ?g ?n``: the quads in each graph of ``refs`` (:func:`iri_ref` forms); graphs
    with none are left out."""
    values = " ".join(refs)
    return (
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
        "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )

"""Render rdflib graphs as SPARQL Update text, terms escaped by their N-Triples form."""

from __future__ import annotations

from rdflib import URIRef

from scholarkg.errors import LoadError

_IRI_FORBIDDEN = set('<>"{}|^`\\ \n\t')


def iri_ref(iri: URIRef | str) -> str:
    """``<iri>`` for use in SPARQL text; refuses characters that could break out of it."""
    text = str(iri)
    if not text or any(c in _IRI_FORBIDDEN for c in text):
        raise LoadError(f"{text!r}: not a valid IRI for SPARQL")
    return f"<{text}>"


def insert_data_block(iri: URIRef | str, ntriples: str) -> str:
    """``INSERT DATA { GRAPH <iri> { … } }`` around N-Triples text (valid SPARQL triples)."""
    body = ntriples if ntriples.endswith("\n") or not ntriples else ntriples + "\n"
    return f"INSERT DATA {{ GRAPH {iri_ref(iri)} {{\n{body}}} }}"

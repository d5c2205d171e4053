"""Pure functions from records to RDF named graphs."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef


@dataclass(frozen=True)
class NamedGraph:
    """One named graph produced by a transform, with where its content came from."""

    iri: URIRef
    graph: Graph
    source: str
    kind: str  # "profile" | "snapshot" | "arxiv"
    source_sha256: str | None = None

    def __len__(self) -> int:
        return len(self.graph)

"""Pure functions from records to RDF named graphs."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef

Triple = tuple[str, str, str]


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


@dataclass(frozen=True)
class EmittedGraph:
    """A named graph as N-Triples term triples (what the gate and the loaders take)."""

    iri: str
    kind: str  # "profile" | "snapshot" | "arxiv" | "person"
    triples: tuple[Triple, ...]
    source: str | None = None
    source_sha256: str | None = None

    def to_graph(self) -> Graph:
        """The same triples as an rdflib graph (for tests and small tools)."""
        text = "".join(f"{s} {p} {o} .\n" for s, p, o in self.triples)
        return Graph().parse(data=text, format="nt")

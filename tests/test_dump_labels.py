"""Blank-node labels of the side graphs in the dump: canonical (RDFC-1.0) where each blank node
is told apart by its own statements, as the ontology's are; left as the store gave them where
blank nodes look alike, for which RDFC-1.0 takes exponential time (a 7-node clique 0.6 s, each
node more about ten times that: a graph written around scholarkg would hold up every
publication)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from scholarkg.dump_labels import label_blank_nodes
from scholarkg.load.contents import Contents, GraphStats, bucket_of, nquads

GRAPH = "https://w3id.org/scholarkg/id/graph/ontology"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKG = "https://w3id.org/scholarkg/ontology#"
UNION = "".join(  # the ontology's one union, as a store labels it
    f"{s} {p} {o} .\n"
    for s, p, o in (
        (f"<{SKG}subjectCode>", "<http://www.w3.org/2000/01/rdf-schema#domain>", "_:u"),
        ("_:u", f"<{RDF}type>", "<http://www.w3.org/2002/07/owl#Class>"),
        ("_:u", "<http://www.w3.org/2002/07/owl#unionOf>", "_:l1"),
        ("_:l1", f"<{RDF}first>", f"<{SKG}Paper>"),
        ("_:l1", f"<{RDF}rest>", "_:l2"),
        ("_:l2", f"<{RDF}first>", f"<{SKG}ProfileSnapshot>"),
        ("_:l2", f"<{RDF}rest>", f"<{RDF}nil>"),
    )
).encode()


def clique(n: int) -> bytes:
    return b"".join(
        f"_:n{i} <http://example.org/knows> _:n{j} .\n".encode()
        for i in range(n)
        for j in range(n)
        if i != j
    )


@pytest.fixture
def canonicalised(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many datasets were canonicalised."""
    made: list[int] = []
    real = ox.Dataset

    def counted(quads: Iterable[ox.Quad]) -> ox.Dataset:
        taken = list(quads)
        made.append(len(taken))
        return real(taken)

    monkeypatch.setattr(ox, "Dataset", counted)
    return made


def noted(tmp_path: Path, ntriples: bytes) -> tuple[Contents, bytes]:
    contents = Contents(sqlite3.connect(tmp_path / "manifest.sqlite"))
    data = nquads(GRAPH, ntriples)
    contents.put(GRAPH, data, GraphStats.of_quads(ox.parse(data, format=ox.RdfFormat.N_QUADS)))
    return contents, data


def test_the_ontologys_blank_nodes_are_labelled_canonically_once(
    tmp_path: Path, canonicalised: list[int]
) -> None:
    contents, _ = noted(tmp_path, UNION)
    assert label_blank_nodes(contents, [GRAPH]) == {bucket_of(GRAPH)}
    row = contents.nquads_of([GRAPH])[GRAPH].decode()
    assert sorted(set(row.split()) - set(UNION.decode().split())) == [
        "<https://w3id.org/scholarkg/id/graph/ontology>",
        "_:c14n0",
        "_:c14n1",
        "_:c14n2",
    ]
    assert label_blank_nodes(contents, [GRAPH]) == set()  # labelled already: nothing changes
    assert canonicalised == [7, 7]


def test_blank_nodes_that_look_alike_keep_the_stores_labels(
    tmp_path: Path, canonicalised: list[int]
) -> None:
    contents, data = noted(tmp_path, clique(12))  # RDFC-1.0: hours
    assert label_blank_nodes(contents, [GRAPH]) == set()
    assert contents.nquads_of([GRAPH])[GRAPH] == data
    assert canonicalised == []  # before the check: canonicalised, and the publication hung

"""Every export format gives the same bytes for stores of equal content: blank nodes, which
each store labels at random, come out labelled by RDFC-1.0 (before: TriG, Turtle, JSON-LD and
an N-Quads export outside a publication carried the store's own random labels)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from scholarkg.export import FORMATS, export_dump
from scholarkg.store.embedded import EmbeddedStore

ONTOLOGY = "https://w3id.org/scholarkg/id/graph/ontology"
PEOPLE = "https://w3id.org/scholarkg/id/graph/people"
VOID = "https://w3id.org/scholarkg/id/graph/void"
# an owl:unionOf list (blank nodes in a chain), a blank node shared by two graphs, and a
# blank node in the excluded graph
UPDATE = f"""
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
INSERT DATA {{
  GRAPH <{ONTOLOGY}> {{
    <https://w3id.org/scholarkg/ontology#author> rdfs:domain [
      owl:unionOf ( foaf:Person foaf:Organization ) ] .
    _:shared rdfs:label "shared" .
  }}
  GRAPH <{PEOPLE}> {{
    <https://w3id.org/scholarkg/id/person/ada> foaf:name "Ada" ;
      foaf:knows <https://w3id.org/scholarkg/id/person/bob> , _:shared .
    <https://w3id.org/scholarkg/id/person/bob> foaf:name "Bob" .
  }}
  GRAPH <{VOID}> {{ <https://w3id.org/scholarkg/id/dataset> rdfs:seeAlso [ rdfs:label "v" ] }}
}}
"""
LABEL = re.compile(rb"_:([A-Za-z0-9_]+)")


def made(path: Path, update: str = UPDATE) -> EmbeddedStore:
    store = EmbeddedStore(path)
    store.native.update(update)
    return store


@pytest.mark.parametrize("graph", [None, ONTOLOGY])
@pytest.mark.parametrize("exclude", [(), (VOID,)])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_equal_stores_export_the_same_bytes(
    tmp_path: Path, fmt: str, graph: str | None, exclude: tuple[str, ...]
) -> None:
    dumps = []
    for name in ("a", "b"):
        with made(tmp_path / name) as store:
            target = tmp_path / f"{name}{FORMATS[fmt].extension}"
            export_dump(store, target, fmt, graph, exclude=exclude)
            dumps.append(target.read_bytes())
    first, second = dumps
    assert first == second
    labels = set(LABEL.findall(first))
    assert labels and all(label.startswith(b"c14n") for label in labels), labels


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_a_blank_node_shared_by_two_graphs_stays_one(tmp_path: Path, fmt: str) -> None:
    with made(tmp_path / "store") as store:
        export_dump(store, tmp_path / f"dump.{fmt}", fmt)
    dataset = ox.Dataset(ox.parse(path=tmp_path / f"dump.{fmt}"))
    shared = {q.object for q in dataset if q.predicate.value.endswith("knows")} - {
        ox.NamedNode("https://w3id.org/scholarkg/id/person/bob")
    }
    [node] = shared
    assert [q.graph_name.value for q in dataset.quads_for_subject(node)] == [ONTOLOGY]
    assert len(dataset) == 13


def test_blank_nodes_that_look_alike_keep_the_stores_labels(tmp_path: Path) -> None:
    """A ring of blank nodes alike is not canonicalised (RDFC-1.0 would take exponential
    time): the dump still holds every statement."""
    ring = " ".join(f"_:n{i} <http://example.org/next> _:n{(i + 1) % 40} ." for i in range(40))
    with made(tmp_path / "store", f"INSERT DATA {{ GRAPH <{PEOPLE}> {{ {ring} }} }}") as store:
        done = export_dump(store, tmp_path / "dump.nq", "nq")
    assert done.triples_or_quads == 40
    assert len(list(ox.parse(path=tmp_path / "dump.nq"))) == 40

"""The re-read after ``serve --allow-updates`` (:func:`scholarkg.load.written_around.reread`)
compares graphs blank node labels aside: the ontology graph (an ``owl:unionOf`` list) was
always noted again and its dump part rewritten, since loading the noted N-Quads to compare
them renamed its blank nodes; a real change, blank nodes included, is still found."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from scholarkg.load.blank_nodes import same_graph
from scholarkg.load.contents import Contents, bucket_of, take_from_store
from scholarkg.load.written_around import reread
from scholarkg.resources import ontology_dir
from scholarkg.store.embedded import EmbeddedStore

ONTOLOGY = "https://example.org/graph/ontology"
OTHER = "https://example.org/graph/other"
SKG = "https://w3id.org/scholarkg/ontology#"
P, Q = "<http://x/p>", "<http://x/q>"
FIRST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>"
UNION = f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
DELETE {{ GRAPH <{ONTOLOGY}> {{ ?item rdf:first <{SKG}ProfileSnapshot> }} }}
INSERT {{ GRAPH <{ONTOLOGY}> {{ ?item rdf:first <{SKG}Person> }} }}
WHERE {{ GRAPH <{ONTOLOGY}> {{ ?union owl:unionOf ?list . ?list rdf:rest* ?item .
  ?item rdf:first <{SKG}ProfileSnapshot> }} }}"""


def ontology() -> Graph:
    return Graph().parse(ontology_dir() / "scholarkg.ttl", format="turtle")


@pytest.fixture
def noted(tmp_path: Path) -> Iterator[tuple[EmbeddedStore, Contents]]:
    """A store holding the ontology and a graph without blank nodes, both noted as held."""
    with EmbeddedStore(tmp_path / "store") as store:
        store.replace_graph(ONTOLOGY, ontology())
        store.replace_graph_ntriples(OTHER, f"<{SKG}a> <{SKG}b> <{SKG}c> .\n")
        contents = Contents(sqlite3.connect(":memory:"))
        for iri in (ONTOLOGY, OTHER):
            take_from_store(contents, store, iri, counted=False)
        yield store, contents


def test_the_ontology_graph_as_noted_is_not_read_again(
    noted: tuple[EmbeddedStore, Contents],
) -> None:
    store, contents = noted
    blank = [t for t in store.triples_in(ONTOLOGY) if "_:" in t[0] + t[2]]
    assert len(blank) == 7  # the owl:unionOf class and its list
    assert reread(contents, store, excluded=set(), side={ONTOLOGY}) == set()


def test_the_ontology_written_again_with_new_blank_nodes_is_not_read_again(
    noted: tuple[EmbeddedStore, Contents],
) -> None:
    store, contents = noted
    before = store.triples_in(ONTOLOGY)
    store.replace_graph(ONTOLOGY, ontology())  # the same triples, blank nodes made anew
    assert store.triples_in(ONTOLOGY) != before
    assert reread(contents, store, excluded=set(), side={ONTOLOGY}) == set()


def test_a_change_inside_the_blank_nodes_is_read_again(
    noted: tuple[EmbeddedStore, Contents],
) -> None:
    store, contents = noted
    store.update(UNION)
    assert reread(contents, store, excluded=set(), side={ONTOLOGY}) == {bucket_of(ONTOLOGY)}
    held = contents.nquads_of([ONTOLOGY])[ONTOLOGY].decode()
    assert f"{FIRST} <{SKG}Person> <{ONTOLOGY}> ." in held
    assert f"{FIRST} <{SKG}ProfileSnapshot> <{ONTOLOGY}> ." not in held
    assert reread(contents, store, excluded=set(), side={ONTOLOGY}) == set()  # noted now


def test_a_change_without_blank_nodes_is_still_read_again(
    noted: tuple[EmbeddedStore, Contents],
) -> None:
    store, contents = noted
    store.update(f"INSERT DATA {{ GRAPH <{OTHER}> {{ <{SKG}a> <{SKG}b> <{SKG}d> }} }}")
    assert reread(contents, store, excluded=set(), side=set()) == {bucket_of(OTHER)}


def test_values_swapped_between_blank_nodes_are_a_change() -> None:
    a = {("_:a", P, '"1"'), ("_:a", Q, '"2"'), ("_:b", P, '"3"'), ("_:b", Q, '"4"')}
    relabelled = {("_:y", P, '"1"'), ("_:y", Q, '"2"'), ("_:x", P, '"3"'), ("_:x", Q, '"4"')}
    swapped = {("_:a", P, '"1"'), ("_:a", Q, '"4"'), ("_:b", P, '"3"'), ("_:b", Q, '"2"')}
    assert same_graph(a, relabelled)
    assert not same_graph(a, swapped)


def test_a_list_reordered_is_a_change() -> None:
    first, rest = FIRST, P
    nil = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"

    def listed(items: list[str], labels: list[str]) -> set[tuple[str, str, str]]:
        nodes = [*labels, nil]
        out = {("<http://x/s>", Q, labels[0])}
        for n, item in enumerate(items):
            out |= {(nodes[n], first, item), (nodes[n], rest, nodes[n + 1])}
        return out

    items = ["<http://x/1>", "<http://x/2>", "<http://x/3>"]
    assert same_graph(listed(items, ["_:a", "_:b", "_:c"]), listed(items, ["_:k", "_:j", "_:i"]))
    reordered = [items[1], items[0], items[2]]
    assert not same_graph(
        listed(items, ["_:a", "_:b", "_:c"]), listed(reordered, ["_:a", "_:b", "_:c"])
    )


def test_blank_nodes_alike_in_shape_are_never_called_the_same_unless_labelled_alike() -> None:
    """A ring of blank nodes: colour refinement cannot tell them apart, so the graph is taken as
    changed (noted again and republished) rather than compared at an exponential cost."""
    ring = {(f"_:n{i}", P, f"_:n{(i + 1) % 6}") for i in range(6)}
    relabelled = {(f"_:m{i}", P, f"_:m{(i + 1) % 6}") for i in range(6)}
    assert same_graph(ring, set(ring))
    assert not same_graph(ring, relabelled)

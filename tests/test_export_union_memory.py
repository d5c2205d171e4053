"""The union of an embedded store's graphs (Turtle, JSON-LD, whole or with graphs left out) is
read with a ``SELECT`` whose rows are streamed, each triple given the first time it comes, a
16-byte digest of it kept: Oxigraph's ``SELECT DISTINCT`` kept every triple it gave, 501 MB
for the 10k bench store where the digests take 156 MB (measured, bench/HISTORY.md). The bytes
and counts are those of the ``CONSTRUCT`` over ``SELECT DISTINCT``: the same triple in several
graphs and in the default graph, blank nodes, quoted triples, in Oxigraph's order."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from scholarkg.dump_labels import labelled
from scholarkg.export import default_prefixes, export_dump
from scholarkg.export_read import _not_in
from scholarkg.jsonld import write_compact
from scholarkg.store.embedded import EmbeddedStore

BASE = "https://w3id.org/scholarkg/id/"
LEFT_OUT = [f"{BASE}graph/3", f"{BASE}graph/7"]


def _quads() -> list[ox.Quad]:
    pick = random.Random(7)
    quads = []
    for _ in range(4000):
        subject: ox.NamedNode | ox.BlankNode = ox.NamedNode(f"{BASE}s/{pick.randrange(150)}")
        if pick.random() < 0.05:
            subject = ox.BlankNode(f"b{pick.randrange(10)}")
        objects: list[ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple] = [
            ox.NamedNode(f"{BASE}o/{pick.randrange(40)}"),
            ox.Literal(f'text {pick.randrange(40)} " \\ \n é', language="en"),
            ox.BlankNode(f"b{pick.randrange(10)}"),
            ox.Triple(ox.NamedNode(f"{BASE}q"), ox.NamedNode(f"{BASE}p/0"), ox.Literal("q")),
        ]
        graph = pick.choice([ox.NamedNode(f"{BASE}graph/{pick.randrange(12)}"), ox.DefaultGraph()])
        predicate = ox.NamedNode(f"{BASE}p/{pick.randrange(4)}")
        quads.append(ox.Quad(subject, predicate, pick.choice(objects), graph))
    return quads


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    path = tmp_path_factory.mktemp("union") / "store"
    native = ox.Store(str(path))
    native.extend(_quads())
    native.flush()
    del native
    with EmbeddedStore(path, read_only=True) as opened:
        yield opened


def _distinct(store: EmbeddedStore, exclude: list[str]) -> tuple[list[ox.Triple], int]:
    """The union as it was read before: a CONSTRUCT over SELECT DISTINCT."""
    where = f"GRAPH ?g {{ ?s ?p ?o }} {_not_in(exclude)}" if exclude else "?s ?p ?o"
    sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }} }}"
    triples = list(store.native.query(sparql, use_default_graph_as_union=not exclude))
    plain = store.native.query(
        f"SELECT ?s WHERE {{ {where} }}", use_default_graph_as_union=not exclude
    )
    return triples, sum(1 for _ in plain)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
@pytest.mark.parametrize("exclude", [[], LEFT_OUT])
def test_the_union_without_select_distinct_same_bytes(
    store: EmbeddedStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    exclude: list[str],
) -> None:
    triples, rows = _distinct(store, exclude)
    assert rows > len(triples) > 1000  # triples in several graphs: duplicates removed
    expected = io.BytesIO()
    if fmt == "ttl":
        ox.serialize(labelled(triples), expected, ox.RdfFormat.TURTLE, prefixes=default_prefixes())
    else:
        write_compact(labelled(triples), expected, BASE)
    asked: list[str] = []
    query = store.query
    monkeypatch.setattr(
        store, "query", lambda sparql, **kw: asked.append(sparql) or query(sparql, **kw)
    )
    done = export_dump(store, tmp_path / f"u.{fmt}", fmt, exclude=exclude)
    assert [q.split("WHERE")[0] for q in asked] == ["SELECT ?s ?p ?o "]  # before: DISTINCT
    assert done.triples_or_quads == len(triples)
    assert (tmp_path / f"u.{fmt}").read_bytes() == expected.getvalue()

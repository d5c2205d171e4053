"""A whole embedded store exported as N-Quads is written by Oxigraph's own dump, only its lines
with a blank node set aside and labelled (before: every quad went through Python, +22 % CPU
at 10k): the bytes and the count are those of the quad-by-quad path, with blank nodes in two
graphs, in the default graph, in no graph, or looking alike (the store's labels kept)."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from scholarkg import export_nquads
from scholarkg.dump_labels import labelled
from scholarkg.export import export_dump
from scholarkg.store.embedded import EmbeddedStore

BASE = "https://w3id.org/scholarkg/id/"
P = ox.NamedNode("http://purl.org/dc/terms/title")
N = 30_000  # many writes of Oxigraph's dump: lines with a blank node cut across two of them


def _plain(i: int) -> ox.Quad:
    graph = ox.NamedNode(f"{BASE}graph/{i % 97}")
    text = f"title {i}" + (" _:not a blank node" if i % 1000 == 7 else "")
    subject = ox.NamedNode(f"{BASE}paper/{i}" + ("/_:x" if i % 1000 == 9 else ""))
    return ox.Quad(subject, P, ox.Literal(text), graph)


def _blanks(i: int, graph: ox.NamedNode | ox.DefaultGraph) -> list[ox.Quad]:
    node = ox.BlankNode()
    thing = ox.NamedNode(f"{BASE}thing/{i}")
    return [
        ox.Quad(thing, P, node, graph),
        ox.Quad(node, P, ox.Literal(f"blank {i}"), graph),
    ]


def _store(path: Path, blank_graphs: list[ox.NamedNode | ox.DefaultGraph], alike: bool) -> Path:
    native = ox.Store(str(path))
    quads = [_plain(i) for i in range(N)]
    for k, graph in enumerate(blank_graphs):
        for i in range(0, 400, 7):
            quads += _blanks(0 if alike else i * 10 + k, graph)
    native.bulk_extend(quads)
    native.flush()
    del native
    return path


def _quad_by_quad(store: EmbeddedStore) -> tuple[bytes, int]:
    """The path every N-Quads export took before (and a graph or a left-out one still takes)."""
    out = io.BytesIO()
    quads = list(store.native.quads_for_pattern(None, None, None, None))
    ox.serialize(labelled(quads), out, ox.RdfFormat.N_QUADS)
    return out.getvalue(), len(quads)


ONTOLOGY = ox.NamedNode(f"{BASE}graph/ontology")
CATEGORIES = ox.NamedNode(f"{BASE}graph/categories")


@pytest.mark.parametrize(
    ("blank_graphs", "alike"),
    [
        ([ONTOLOGY, CATEGORIES], False),
        ([ONTOLOGY, ox.DefaultGraph()], False),
        ([], False),
        ([ONTOLOGY, CATEGORIES], True),
    ],
    ids=["two graphs", "a graph and the default graph", "none", "alike"],
)
def test_the_native_dump_gives_the_bytes_of_the_quad_by_quad_path(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    blank_graphs: list[ox.NamedNode | ox.DefaultGraph],
    alike: bool,
) -> None:
    calls: list[int] = []
    native_dump = export_nquads.write_native_nquads

    def counted(native: ox.Store, out: io.BufferedWriter, graph: str | None = None) -> int:
        calls.append(1)
        return native_dump(native, out, graph)

    monkeypatch.setattr("scholarkg.export.write_native_nquads", counted)
    path = _store(tmp_path / "store", blank_graphs, alike)
    with EmbeddedStore(path, read_only=True) as store:
        expected, count = _quad_by_quad(store)
        done = export_dump(store, tmp_path / "dump.nq", "nq")
    assert calls == [1]
    written = (tmp_path / "dump.nq").read_bytes()
    assert done.triples_or_quads == count == N + len(blank_graphs) * 2 * len(range(0, 400, 7))
    assert written == expected
    if blank_graphs and not alike:
        assert b"_:c14n0 " in written


@pytest.mark.parametrize(
    ("graph", "alike"),
    [(ONTOLOGY, False), (ONTOLOGY, True), (ox.NamedNode(f"{BASE}graph/7"), False)],
    ids=["blank nodes", "alike", "none"],
)
def test_one_graph_is_oxigraphs_dump_of_it_in_the_bytes_of_the_quad_by_quad_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, graph: ox.NamedNode, alike: bool
) -> None:
    """Before: one graph went quad by quad through Python (its N-Triples dump, each line given
    the graph's name, costs less); a literal holding `` .\\n`` or ``_:`` is written as it was."""
    calls: list[str | None] = []
    native_dump = export_nquads.write_native_nquads

    def counted(native: ox.Store, out: io.BufferedWriter, name: str | None = None) -> int:
        calls.append(name)
        return native_dump(native, out, name)

    monkeypatch.setattr("scholarkg.export.write_native_nquads", counted)
    path = _store(tmp_path / "store", [ONTOLOGY, CATEGORIES], alike)
    native = ox.Store(str(path))
    native.add(ox.Quad(ox.NamedNode(f"{BASE}x"), P, ox.Literal("a .\n_:b ."), graph))
    native.flush()
    del native
    with EmbeddedStore(path, read_only=True) as store:
        out = io.BytesIO()
        quads = list(store.native.quads_for_pattern(None, None, None, graph))
        ox.serialize(labelled(quads), out, ox.RdfFormat.N_QUADS)
        done = export_dump(store, tmp_path / "graph.nq", "nq", graph.value)
    assert calls == [graph.value]
    assert done.triples_or_quads == len(quads) > 1
    assert (tmp_path / "graph.nq").read_bytes() == out.getvalue()

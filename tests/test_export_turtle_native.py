"""One graph of an embedded store exported as Turtle is written by Oxigraph's own dump when it
holds no blank node (before: every triple went through Python, a third more CPU): the bytes,
the count and the parsed graph are those of the quad-by-quad path, literals holding quotes,
backslashes, line breaks, ``;``, ``,``, ``}`` and ``_:`` included. A graph with a blank node
(or a literal holding ``_:``) is given up at the first ``_:`` Oxigraph writes and goes quad by
quad, so equal stores still give equal bytes (Oxigraph's dump wrote the store's random
labels)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from scholarkg import export, export_turtle
from scholarkg.export import default_prefixes, export_dump, write_dump
from scholarkg.store.embedded import EmbeddedStore

BASE = "https://w3id.org/scholarkg/id/"
GRAPH = f"{BASE}graph/papers"
P = ox.NamedNode("http://purl.org/dc/terms/title")
N = 8_000  # many writes of Oxigraph's dump (pieces of a few KiB)


def _plain(i: int, tricky: str) -> list[ox.Quad]:
    graph, subject = ox.NamedNode(GRAPH), ox.NamedNode(f"{BASE}paper/{i}")
    text = f'title {i} "q" \\ ; , }} {{ .\n\tnext' if i % 997 == 3 else f"title {i}"
    return [
        ox.Quad(subject, P, ox.Literal(text + (tricky if i == N // 2 else "")), graph),
        ox.Quad(subject, P, ox.Literal(f"été {i}", language="fr"), graph),
        ox.Quad(subject, P, ox.NamedNode(f"{BASE}person/{i % 101}"), ox.NamedNode(f"{BASE}g/x")),
    ]


def _store(path: Path, *, blank: bool = False, tricky: str = "") -> EmbeddedStore:
    native = ox.Store(str(path))
    quads = [q for i in range(N) for q in _plain(i, tricky)]
    if blank:  # near the end of the graph: much of it is written before `_:` comes
        node, graph = ox.BlankNode(), ox.NamedNode(GRAPH)
        subject = ox.NamedNode(f"{BASE}paper/zz")
        quads += [ox.Quad(subject, P, node, graph), ox.Quad(node, P, ox.Literal("b"), graph)]
    native.bulk_extend(quads)
    native.flush()
    del native
    return EmbeddedStore(path, read_only=True)


def _spied(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """What each call of the native route returned (``None``: given up)."""
    returned: list[int | None] = []
    native = export_turtle.write_native_turtle

    def spy(*args: object) -> int | None:
        returned.append(native(*args))  # type: ignore[arg-type]
        return returned[-1]

    monkeypatch.setattr(export, "write_native_turtle", spy)
    return returned


def _quad_by_quad(monkeypatch: pytest.MonkeyPatch, write: Callable[[], object]) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(export, "write_native_turtle", lambda *_: None)
        write()


@pytest.mark.parametrize(
    ("blank", "tricky", "native"),
    [(False, "", True), (True, "", False), (False, " _:not a blank node", False)],
    ids=["no blank node", "a blank node", "a literal holding _:"],
)
def test_one_graph_as_turtle_is_the_quad_by_quad_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank: bool, tricky: str, native: bool
) -> None:
    store = _store(tmp_path / "store", blank=blank, tricky=tricky)
    returned = _spied(monkeypatch)
    with store:
        done = export_dump(store, tmp_path / "native.ttl", "ttl", GRAPH)
        _quad_by_quad(monkeypatch, lambda: export_dump(store, tmp_path / "q.ttl", "ttl", GRAPH))
    assert returned == ([2 * N] if native else [None])
    ours, theirs = (tmp_path / "native.ttl").read_bytes(), (tmp_path / "q.ttl").read_bytes()
    assert ours == theirs
    assert done.triples_or_quads == 2 * N + (2 if blank else 0)
    assert (tmp_path / "native.ttl.sha256").read_text().startswith(done.sha256)
    assert isomorphic(Graph().parse(data=ours, format="turtle"), _graph_of(tmp_path / "store"))
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "native.ttl", "native.ttl.sha256", "q.ttl", "q.ttl.sha256"
    ]  # fmt: skip


def _graph_of(path: Path) -> Graph:
    """The graph as the store holds it, through rdflib (N-Triples of its quads)."""
    native = ox.Store.read_only(str(path))
    triples = (
        ox.Triple(q.subject, q.predicate, q.object)
        for q in native.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH))
    )
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def test_equal_stores_with_a_blank_node_give_equal_bytes(tmp_path: Path) -> None:
    """Two stores of the same statements (blank nodes drawn anew): the same Turtle."""
    dumps = []
    for name in ("one", "two"):
        with _store(tmp_path / name, blank=True) as store:
            dumps.append(export_dump(store, tmp_path / f"{name}.ttl", "ttl", GRAPH).sha256)
    assert dumps[0] == dumps[1]
    assert b"_:c14n0" in (tmp_path / "one.ttl").read_bytes()


def test_a_stream_that_cannot_be_taken_back_goes_quad_by_quad(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--output -`` into a pipe: never a native dump to give up halfway."""

    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    returned = _spied(monkeypatch)
    with _store(tmp_path / "store") as store:
        piped, kept = Pipe(), io.BytesIO()
        assert write_dump(store, piped, "ttl", GRAPH) == 2 * N
        assert write_dump(store, kept, "ttl", GRAPH) == 2 * N
    assert returned == [None, 2 * N]
    assert piped.getvalue() == kept.getvalue()


def test_a_blank_node_label_cut_across_two_writes_is_seen() -> None:
    out = io.BytesIO()
    watched = export_turtle._Watched(out)
    watched.write(b"<a> <p> _")
    with pytest.raises(export_turtle._BlankSeen):
        watched.write(b":b0 .\n")
    with pytest.raises(export_turtle._BlankSeen):  # and at every write after it
        watched.write(b"<a> <p> <b> .\n")
    assert out.getvalue() == b"<a> <p> _"


def test_the_prefixes_are_the_projects(tmp_path: Path) -> None:
    with _store(tmp_path / "store") as store:
        out = io.BytesIO()
        write_dump(store, out, "ttl", GRAPH)
    head = out.getvalue().split(b"\n", len(default_prefixes()))[: len(default_prefixes())]
    assert {line.split()[1].rstrip(b":").decode() for line in head} == set(default_prefixes())

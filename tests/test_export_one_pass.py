"""Every quad-by-quad export (TriG, Turtle, JSON-LD, one graph, graphs left out) reads the store
in one pass (:class:`~scholarkg.dump_labels.Labelled`: counting, looking for a stop and setting
blank nodes aside in one generator, IRIs and literals told apart by type): the bytes and the
count are those of the two-generator path it replaced, with blank nodes as subject, object and
graph name, quoted triples, literals holding every escape, several graphs and the default one."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from scholarkg.dump_labels import Labelled, _relabelled, has_blank
from scholarkg.export import FORMATS, default_prefixes, export_dump
from scholarkg.export_read import store_quads, store_triples
from scholarkg.jsonld import write_compact
from scholarkg.store.embedded import EmbeddedStore

BASE = "https://w3id.org/scholarkg/id/"
P = ox.NamedNode("http://purl.org/dc/terms/title")
ESCAPES = 'quote " backslash \\ newline \n return \r tab \t bell \x07 nul \x00 é 𝄞 \u2028 _:x'


def _literals(i: int) -> list[ox.Literal]:
    return [
        ox.Literal(f"{i} {ESCAPES}"),
        ox.Literal(f"{i} {ESCAPES}", language="en-GB"),
        ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal(f"{i}", datatype=ox.NamedNode(f"{BASE}type/odd-é-{i}")),
    ]


def _quads() -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    graphs: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    graphs += [ox.NamedNode(f"{BASE}graph/{k}") for k in range(5)]
    for i in range(600):
        graph = graphs[i % len(graphs)]
        subject = ox.NamedNode(f"{BASE}paper/{i % 40}")
        quads += [ox.Quad(subject, P, literal, graph) for literal in _literals(i)]
        quads.append(ox.Quad(subject, P, ox.NamedNode(f"{BASE}person/{i}"), graph))
        if i % 50 == 3:  # blank nodes as object and subject, in one graph and another
            node = ox.BlankNode()
            quads += [ox.Quad(subject, P, node, graph), ox.Quad(node, P, _literals(i)[0], graph)]
        if i % 100 == 5:  # quoted triples (RDF-star), with a blank node inside and without
            quoted = ox.Triple(subject, P, _literals(i)[1])
            quads.append(ox.Quad(subject, P, quoted, graph))
            inside = ox.Triple(ox.BlankNode(), P, _literals(i)[0])
            quads.append(ox.Quad(subject, P, inside, graph))
    quads.append(
        ox.Quad(ox.NamedNode(f"{BASE}a"), P, ox.Literal("in a blank graph"), ox.BlankNode())
    )
    return quads


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    path = tmp_path_factory.mktemp("one-pass") / "store"
    native = ox.Store(str(path))
    native.bulk_extend(_quads())
    native.flush()
    del native
    with EmbeddedStore(path, read_only=True) as opened:
        yield opened


def _two_generators(statements: Iterable[ox.Quad] | Iterable[ox.Triple]) -> Iterator[object]:
    """The labelling of the path before: every statement's terms looked at by has_blank."""
    held = []
    for statement in statements:
        if has_blank(statement):
            held.append(statement)
        else:
            yield statement
    yield from _relabelled(held)


def _expected(
    store: EmbeddedStore, fmt: str, graph: str | None, exclude: list[str]
) -> tuple[bytes, int]:
    spec, prefixes, out = FORMATS[fmt], default_prefixes(), io.BytesIO()
    if spec.dataset:
        read = list(store_quads(store, graph, exclude))
    else:
        read = list(store_triples(store, graph, exclude))
    if fmt == "jsonld":
        write_compact(_two_generators(read), out, BASE)  # type: ignore[arg-type]
    else:
        ox.serialize(_two_generators(read), out, spec.rdf_format, prefixes=prefixes)  # type: ignore[arg-type]
    return out.getvalue(), len(read)


CASES = [
    (fmt, graph, exclude)
    for fmt in ("trig", "ttl", "jsonld", "nq")
    for graph, exclude in [
        (None, []),
        (f"{BASE}graph/2", []),
        (None, [f"{BASE}graph/1", f"{BASE}graph/4"]),
    ]
    if not (fmt == "nq" and graph is None and not exclude)  # Oxigraph's own dump: its own test
]


@pytest.mark.parametrize(("fmt", "graph", "exclude"), CASES)
def test_same_bytes_and_count_as_the_two_generators(
    store: EmbeddedStore, tmp_path: Path, fmt: str, graph: str | None, exclude: list[str]
) -> None:
    expected, count = _expected(store, fmt, graph, exclude)
    assert b"c14n" in expected or graph is not None  # blank nodes relabelled, set at the end
    result = export_dump(store, tmp_path / f"dump.{fmt}", fmt, graph, exclude=exclude)
    assert result.path.read_bytes() == expected
    assert result.triples_or_quads == count


def test_the_count_is_every_statement_read_and_blank_ones_come_last() -> None:
    quads = _quads()
    labelled = Labelled(quads)
    written = list(labelled)
    assert labelled.count == len(quads) == len(written)
    blanks = sum(1 for q in quads if has_blank(q))
    assert blanks == 31
    assert not any(has_blank(q) for q in written[:-blanks])
    assert all(str(q).count("_:c14n") for q in written[-blanks:])

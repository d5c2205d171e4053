"""Dumps of the store: every format round-trips, checksums match, failures leave nothing behind."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.errors import ConfigError, ExportError, QueryError
from scholarkg.export import FORMATS, export_dump
from scholarkg.iris import Minter
from scholarkg.runs.build import build as build_job
from scholarkg.store.embedded import EmbeddedStore

MINTER = Minter()
EXTRA_GRAPH = "https://example.org/graph/extra"
PROFILE_GRAPH = ""  # set by the store fixture (the profile's slug comes from the registry)
ALL = sorted(FORMATS)
DATASET_FORMATS = ["nq", "trig"]
GRAPH_FORMATS = ["ttl", "jsonld"]


def build(store: EmbeddedStore) -> None:
    """Next to the built graphs: a graph repeating one person triple (a triple in two graphs)."""
    global PROFILE_GRAPH
    PROFILE_GRAPH = next(
        g for g in sorted(store.graph_names()) if "/graph/profile/" in g and "/snapshot/" not in g
    )
    person = next(g for g in sorted(store.graph_names()) if "/graph/person/leonard-hussenot" in g)
    person_iri = URIRef(person.replace("/graph/person/", "/person/"))
    extra = Graph()
    extra.add((person_iri, FOAF.name, Literal("Léonard Hussenot")))  # also in the person graph
    extra.add((person_iri, FOAF.nick, Literal("leo")))
    store.replace_graph(EXTRA_GRAPH, extra)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    directory = tmp_path_factory.mktemp("export")
    config = load_config(write_config(directory, [SAMPLE_PROFILE]))
    build_job(config)
    with EmbeddedStore(config.store.path) as s:
        build(s)
        yield s


def select_quads(store: EmbeddedStore, graph: str | None = None) -> list[ox.Quad]:
    """The store's quads read with SPARQL (independently of the dump code)."""
    where = "GRAPH ?g { ?s ?p ?o }"
    if graph:
        where += f" FILTER (?g = <{graph}>)"
    rows = store.query(f"SELECT ?s ?p ?o ?g WHERE {{ {where} }}", union=False)
    assert isinstance(rows, ox.QuerySolutions)
    return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]


def as_triples(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads moved to the default graph (duplicates collapse in a Dataset)."""
    return [ox.Quad(q.subject, q.predicate, q.object) for q in quads]


def canonical(quads: Iterable[ox.Quad]) -> ox.Dataset:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def parsed(path: Path, fmt: str) -> list[ox.Quad]:
    return list(ox.parse(path=path, format=FORMATS[fmt].rdf_format))


def test_fixture_has_a_triple_in_two_graphs(store: EmbeddedStore) -> None:
    quads = select_quads(store)
    assert len(ox.Dataset(as_triples(quads))) == len(quads) - 1


@pytest.mark.parametrize("fmt", DATASET_FORMATS)
def test_dataset_formats_round_trip_every_named_graph(
    store: EmbeddedStore, tmp_path: Path, fmt: str
) -> None:
    result = export_dump(store, tmp_path / f"kg.{fmt}", fmt)
    expected = select_quads(store)
    back = parsed(result.path, fmt)
    assert {str(q.graph_name) for q in back} == {f"<{g}>" for g in store.graph_names()}
    assert canonical(back) == canonical(expected)
    assert result.triples_or_quads == len(expected) == len(back)


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_graph_formats_round_trip_the_union(store: EmbeddedStore, tmp_path: Path, fmt: str) -> None:
    result = export_dump(store, tmp_path / f"kg.{fmt}", fmt)
    expected = canonical(as_triples(select_quads(store)))
    back = parsed(result.path, fmt)
    assert all(isinstance(q.graph_name, ox.DefaultGraph) for q in back)
    assert canonical(back) == expected
    assert result.triples_or_quads == len(back) == len(expected)


def test_jsonld_dump_reads_back_with_rdflib(store: EmbeddedStore, tmp_path: Path) -> None:
    result = export_dump(store, tmp_path / "kg.jsonld", "jsonld")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in select_quads(store)]
    expected = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert isomorphic(Graph().parse(result.path, format="json-ld"), expected)


@pytest.mark.parametrize("fmt", ALL)
def test_graph_option_restricts_the_dump(store: EmbeddedStore, tmp_path: Path, fmt: str) -> None:
    result = export_dump(store, tmp_path / f"one.{fmt}", fmt, graph=PROFILE_GRAPH)
    expected = select_quads(store, PROFILE_GRAPH)
    back = parsed(result.path, fmt)
    if FORMATS[fmt].dataset:
        assert {str(q.graph_name) for q in back} == {f"<{PROFILE_GRAPH}>"}
        assert canonical(back) == canonical(expected)
    else:
        assert canonical(back) == canonical(as_triples(expected))
    assert result.triples_or_quads == len(expected) < store.quad_count()
    assert result.graph == PROFILE_GRAPH


@pytest.mark.parametrize("fmt", ALL)
def test_checksum_file_is_in_sha256sum_format(
    store: EmbeddedStore, tmp_path: Path, fmt: str
) -> None:
    result = export_dump(store, tmp_path / "dumps" / f"kg.{fmt}", fmt)
    data = result.path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert result.sha256 == digest and result.byte_size == len(data)
    assert result.sha256_path == result.path.with_name(result.path.name + ".sha256")
    text = result.sha256_path.read_text(encoding="ascii")
    assert text == f"{digest}  kg.{fmt}\n"
    assert re.fullmatch(r"[0-9a-f]{64}  \S+\n", text)
    if shutil.which("sha256sum"):
        check = subprocess.run(
            ["sha256sum", "--check", "--strict", result.sha256_path.name],
            cwd=result.path.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_unknown_format_is_a_config_error(store: EmbeddedStore, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown export format 'xml'"):
        export_dump(store, tmp_path / "kg.xml", "xml")
    assert list(tmp_path.iterdir()) == []


def test_unknown_graph_is_a_clear_error(store: EmbeddedStore, tmp_path: Path) -> None:
    missing = "https://example.org/graph/missing"
    with pytest.raises(ConfigError, match=re.escape(f"<{missing}> is not in the store")):
        export_dump(store, tmp_path / "kg.ttl", "ttl", graph=missing)
    assert list(tmp_path.iterdir()) == []


class QueryOnly:
    """A GraphStore seen only through SPARQL (like a remote store)."""

    def __init__(self, inner: EmbeddedStore, fail_after: int | None = None) -> None:
        self.inner = inner
        self.fail_after = fail_after

    def graph_names(self) -> set[str]:
        return self.inner.graph_names()

    def query(
        self, sparql: str, *, union: bool = True
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        result = self.inner.query(sparql, union=union)
        if self.fail_after is None:
            return result
        assert isinstance(result, ox.QueryTriples)
        return self._failing(result)  # type: ignore[return-value]

    def _failing(self, result: ox.QueryTriples) -> Iterator[ox.Triple]:
        for index, item in enumerate(result):
            if index == self.fail_after:
                raise QueryError("connection lost mid-way")
            yield item


@pytest.mark.parametrize("fmt", ALL)
def test_store_read_through_sparql_dumps_the_same(
    store: EmbeddedStore, tmp_path: Path, fmt: str
) -> None:
    expected = select_quads(store)
    if not FORMATS[fmt].dataset:
        expected = as_triples(expected)
    result = export_dump(QueryOnly(store), tmp_path / f"kg.{fmt}", fmt)
    assert canonical(parsed(result.path, fmt)) == canonical(expected)


def test_failed_export_leaves_the_old_file_and_no_temp_file(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    target = tmp_path / "kg.ttl"
    target.write_text("old dump\n", encoding="utf-8")
    failing = QueryOnly(store, fail_after=100)
    with pytest.raises(QueryError, match="mid-way"):
        export_dump(failing, target, "ttl")
    assert target.read_text(encoding="utf-8") == "old dump\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.ttl"]


def test_unwritable_target_is_an_export_error(store: EmbeddedStore, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match="export as N-Quads failed"):
        export_dump(store, blocker / "kg.nq", "nq")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-directory"]


def test_new_dump_replaces_the_old_one(store: EmbeddedStore, tmp_path: Path) -> None:
    target = tmp_path / "kg.nq"
    target.write_text("old dump\n", encoding="utf-8")
    result = export_dump(store, target, "nq", graph=EXTRA_GRAPH)
    assert result.triples_or_quads == 2
    assert {q.predicate for q in parsed(target, "nq")} == {
        ox.NamedNode(str(FOAF.name)),
        ox.NamedNode(str(FOAF.nick)),
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nq", "kg.nq.sha256"]

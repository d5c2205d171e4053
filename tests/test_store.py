"""The embedded Oxigraph store: atomic graph replacement, escaping, locking."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from scholarkg.errors import LoadError
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.sparql_text import iri_ref

G = URIRef("https://example.org/graph/1")
S = URIRef("https://example.org/s")
P = URIRef("https://example.org/p")


def graph_of(*values: str) -> Graph:
    g = Graph()
    for v in values:
        g.add((S, P, Literal(v)))
    return g


def test_replace_graph_swaps_content(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store:
        store.replace_graph(G, graph_of("old", "kept"))
        store.replace_graph(G, graph_of("new", "kept"))
        values = {o for _, _, o in store.triples_in(G)}
        assert values == {'"new"', '"kept"'}
        assert store.graph_names() == {str(G)}


def test_hostile_literals_round_trip(tmp_path: Path) -> None:
    hostile = 'x" } ; DROP ALL ; INSERT DATA { <a> <b> "c'
    tricky = ["line\nbreak", 'quote " and \\ backslash', "Zoë Ångström 😀", hostile]
    with EmbeddedStore(tmp_path / "store") as store:
        store.replace_graph(G, graph_of(*tricky))
        result = store.query(
            f"SELECT ?o WHERE {{ GRAPH {iri_ref(G)} {{ ?s ?p ?o }} }}", union=False
        )
        assert sorted(s["o"].value for s in result) == sorted(tricky)  # type: ignore[index,union-attr]


def test_graph_iri_injection_is_refused(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store, pytest.raises(LoadError):
        store.replace_graph("https://example.org/g> } ; DROP ALL ; #", graph_of("x"))


def test_failed_replacement_leaves_old_graph(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store:
        store.replace_graph(G, graph_of("old"))
        with pytest.raises(LoadError):
            store.replace_graph_ntriples(G, "<https://example.org/s> <broken")
        assert {o for _, _, o in store.triples_in(G)} == {'"old"'}


def test_second_writer_gets_a_clear_load_error(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store"), pytest.raises(LoadError, match="another process"):
        EmbeddedStore(tmp_path / "store")


def test_read_only_open_of_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no store here yet"):
        EmbeddedStore(tmp_path / "missing", read_only=True)


def test_graph_sizes_count_each_graph_and_leave_out_missing_ones(tmp_path: Path) -> None:
    graphs = [f"https://example.org/graph/{n}" for n in range(1, 1203)]  # over two batches
    with EmbeddedStore(tmp_path / "store") as store:
        store.replace_graphs(
            [
                (g, "".join(f'<{S}> <{P}> "{k}" .\n' for k in range(n % 7 + 1)))
                for n, g in enumerate(graphs)
            ]
        )
        store.replace_graph(G, graph_of("a", "b"))  # https://example.org/graph/1 again: 2 quads
        asked = [*graphs, str(G), "https://example.org/graph/missing"]
        sizes = store.graph_sizes(asked)
        expected = {g: n % 7 + 1 for n, g in enumerate(graphs)} | {str(G): 2}
        assert sizes == expected
        assert store.graph_sizes([]) == {}


def test_a_damaged_store_is_a_clear_load_error(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store:
        store.replace_graph(G, graph_of("a", "b"))
    for table in (tmp_path / "store").glob("*.sst"):  # RocksDB's tables gone: the engine panics
        table.unlink()
    with pytest.raises(LoadError, match=r"cannot open the Oxigraph store .*Corruption"):
        EmbeddedStore(tmp_path / "store", read_only=True)


@pytest.mark.parametrize("read_only", [False, True])
def test_a_file_where_the_store_belongs_is_said_to_be_one(tmp_path: Path, read_only: bool) -> None:
    """RocksDB's 'File exists' came out as 'is another process using it?' (a lock hint)."""
    from scholarkg.store.file_sink import FileSink

    path = tmp_path / "store.nq"
    path.write_text("not a store\n")
    for kind in (EmbeddedStore, FileSink):
        with pytest.raises(LoadError) as refused:
            kind(path, read_only=read_only)
        assert str(refused.value) == f"{path}: is a file, not a store directory"
    if not read_only:
        with pytest.raises(LoadError) as refused:
            EmbeddedStore(path / "store")
        said = str(refused.value)
        assert said.startswith(f"{path / 'store'}: cannot create the store directory")
        assert "another process" not in said


def test_the_store_path_check_leaves_nothing_behind(tmp_path: Path) -> None:
    """The check writes a probe directory and file where the store goes and removes them."""
    from scholarkg.store.location import check_store_path

    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "kept").write_text("x")
    check_store_path(tmp_path / "store")
    check_store_path(tmp_path / "new" / "store")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "store",
        "store/kept",
    ]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_store_opened_read_only_need_not_be_writable() -> None:
    """A read-only file sink in a directory no one can write is asked for its index, not
    refused as unwritable (a store on read-only media can still be read)."""
    from scholarkg.store.file_sink import FileSink

    with pytest.raises(LoadError) as refused:
        FileSink(Path("/proc/self"), read_only=True)
    assert str(refused.value) == "/proc/self: no file sink here yet"
    with pytest.raises(LoadError) as refused:
        FileSink(Path("/proc/self"))
    assert str(refused.value).startswith("/proc/self: cannot write in the store directory: ")

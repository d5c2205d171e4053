"""A changed graph is written as its difference from what the store holds: one SPARQL Update
removing the triples it lost and adding those it gained, not the whole graph dropped and
inserted again (an update of a snapshot in which every record changed in one field rewrote
every quad). Whatever the store held in another written form, or with blank nodes, the graph
ends as the new content says.

Real stores: the embedded Oxigraph store, and ``oxigraph serve`` on loopback behind a proxy
that records the update requests; the records are the real snapshot sample's, one retitled
(CONSTRUCTED)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from building import sparql_store
from conftest import write_config
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.store.base import GraphStore
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.patch import GraphPatch, patch_update
from snapshot_sample import LINES, SNAPSHOT, write_lines
from store_proxy import running_proxy

pytest_plugins = ("oxigraph_server",)

G = "urn:x:g"
A = '<urn:x:s> <urn:x:p> "a" .\n'
B = '<urn:x:s> <urn:x:p> "b" .\n'
C = '<urn:x:s> <urn:x:q> "c" .\n'


def held(store: EmbeddedStore, iri: str = G) -> set[tuple[str, str, str]]:
    return store.triples_in(iri)


def test_the_difference_is_what_one_side_has_and_the_other_lacks() -> None:
    patch = GraphPatch.between(G, {A, C}, B + C)
    assert patch.delta == (A, B) and patch.ntriples == B + C
    assert GraphPatch.between(G, {A}, A).delta == ("", "")  # nothing to write
    assert GraphPatch.between(G, None, A).delta is None  # not known: replaced whole
    assert patch_update([GraphPatch.between(G, {A}, A)]) == ""


def test_a_graph_with_blank_nodes_in_its_difference_is_replaced_whole(tmp_path: Path) -> None:
    bnode = '<urn:x:s> <urn:x:r> _:b1 .\n_:b1 <urn:x:p> "x" .\n'
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graphs([(G, A + bnode)])
        lines = {A, *bnode.splitlines(keepends=True)}
        untouched = GraphPatch.between(G, lines, B + bnode)  # its blank node lines are the same
        assert untouched.delta == (A, B)
        store.patch_graphs([untouched])
        assert len(held(store)) == 3 and ("<urn:x:s>", "<urn:x:p>", '"b"') in held(store)
        lines = {B, *bnode.splitlines(keepends=True)}
        changed = GraphPatch.between(G, lines, B + bnode.replace('"x"', '"y"'))
        assert changed.delta is None  # DELETE DATA cannot name the stored blank node
        store.patch_graphs([changed])
        objects = {o for _, _, o in held(store)}
        assert len(held(store)) == 3 and '"y"' in objects and '"x"' not in objects


def test_a_triple_held_in_another_written_form_is_rewritten_not_lost(tmp_path: Path) -> None:
    typed = '<urn:x:s> <urn:x:p> "a"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graphs([(G, A + C)])
        store.patch_graphs([GraphPatch.between(G, {A, C}, typed + B)])  # "a" written typed
        assert held(store) == {
            ("<urn:x:s>", "<urn:x:p>", '"a"'),
            ("<urn:x:s>", "<urn:x:p>", '"b"'),
        }


def test_patches_of_several_graphs_are_one_transaction(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graphs([(G, A), ("urn:x:h", A)])
        good = GraphPatch.between(G, {A}, B)
        bad = GraphPatch("urn:x:h", "not N-Triples", ("", "not N-Triples"))
        with pytest.raises(Exception, match="N-Triples"):
            store.patch_graphs([good, bad])
        assert held(store) == {("<urn:x:s>", "<urn:x:p>", '"a"')}  # neither was written


def retitled(number: int, title: str) -> str:
    data = json.loads(LINES[number])
    data["title"] = title
    return json.dumps(data)


@pytest.mark.server
@pytest.mark.parametrize("bulk", [True, False])
def test_a_changed_record_writes_only_what_changed(
    tmp_path: Path, oxigraph_url: str, bulk: bool
) -> None:
    with running_proxy(oxigraph_url) as proxy:
        store = sparql_store(proxy.url, replace_via="update")
        config = load_config(write_config(tmp_path, [], store=store))
        load_snapshot(config, SNAPSHOT, workers=0, bulk=bulk)
        old_title = json.loads(LINES[42])["title"]
        changed = [*LINES[:42], retitled(42, "A new title"), *LINES[43:]]
        proxy.updates.clear()
        path = write_lines(tmp_path / "changed.jsonl", changed)
        report = load_snapshot(config, path, workers=0, bulk=bulk).report
        assert report.graphs_written == 1 and report.outcome == "ok"
        graph = f"<https://w3id.org/scholarkg/id/graph/arxiv/{json.loads(LINES[42])['id']}>"
        [update] = [u for u in proxy.updates if graph in u]
        assert f"DROP SILENT GRAPH {graph}" not in update  # not the whole graph again
        deleted, inserted = update.split("INSERT DATA", 1)
        assert "DELETE DATA" in deleted and json.dumps(old_title)[1:-1][:40] in deleted
        assert "A new title" in inserted
        assert len(inserted.splitlines()) < 10  # the title and the graph's provenance

        (tmp_path / "fresh").mkdir()
        fresh = load_config(write_config(tmp_path / "fresh", []))
        load_snapshot(fresh, path, workers=0, bulk=bulk)  # the same record loaded new
        with config.store.open(read_only=True) as patched, fresh.store.open() as new:
            assert body(patched, graph) == body(new, graph)
            assert len(patched.triples_in(graph[1:-1])) == len(new.triples_in(graph[1:-1]))


def body(store: GraphStore, graph: str) -> set[tuple[str, str, str]]:
    """The graph's triples but its own provenance (which names the run that wrote it)."""
    return {t for t in store.triples_in(graph[1:-1]) if t[0] != graph}


def test_oxigraph_reads_what_the_patch_writes() -> None:
    """The update text parses (Oxigraph's own SPARQL parser) for deletes and inserts alike."""
    store = ox.Store()
    store.update(patch_update([GraphPatch(G, A)]))
    store.update(patch_update([GraphPatch.between(G, {A}, B + C)]))
    assert {str(q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(G))} == {
        '"b"',
        '"c"',
    }

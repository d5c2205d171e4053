"""The run summary counts the graphs a run writes itself (ontology, arXiv categories, its run
record, the VoID description) besides the data graphs: a run with no sources used to say
"0 graphs written" while the store gained four graphs."""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.iris import Minter
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.void_statistics import description_graph_iri

MINTER = Minter()
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def graph_sizes(path: Path) -> dict[str, int]:
    with EmbeddedStore(path, read_only=True) as store:
        return {str(r["g"].value): int(r["n"].value) for r in store.native.query(GRAPH_SIZES)}


def own_graphs(sizes: dict[str, int]) -> dict[str, int]:
    """The run's own graphs as the store holds them, by the names the summary gives them."""
    names = {
        str(MINTER.ontology_graph()): "ontology",
        str(MINTER.category_graph()): "arXiv categories",
        str(description_graph_iri(MINTER.base)): "VoID description",
    }
    runs = str(MINTER.base) + "graph/run/"
    return {
        ("run record" if g.startswith(runs) else names[g]): n
        for g, n in sizes.items()
        if g in names or g.startswith(runs)
    }


def test_a_run_without_sources_says_which_graphs_it_wrote(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    report = build(config).report
    sizes = graph_sizes(config.store.path)
    assert len(sizes) == 4 and report.run_graphs == own_graphs(sizes)
    assert sum(report.run_graphs.values()) == report.store_quads == sum(sizes.values())
    own = ", ".join(f"{name} ({n} triples)" for name, n in report.run_graphs.items())
    assert report.change_line() == (
        "changes: 0 data graphs written (+0 / -0 triples), 0 unchanged; "
        f"4 graphs of the run's own written: {own}"
    )
    assert list(report.run_graphs) == [
        "ontology",
        "arXiv categories",
        "run record",
        "VoID description",
    ]
    again = build(config).report  # nothing new: nothing written, and it says so
    assert again.run_graphs == {}
    assert again.change_line() == (
        "changes: nothing new: 0 sources and 0 graphs unchanged, nothing written"
    )
    assert graph_sizes(config.store.path) == sizes


def test_a_run_counts_its_own_graphs_beside_the_data_graphs(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    report = build(config).report
    sizes = graph_sizes(config.store.path)
    own = own_graphs(sizes)
    assert report.run_graphs == own and len(own) == 4
    assert len(sizes) == report.graphs_written + len(own)
    line = report.change_line()
    assert line.startswith(
        f"changes: {report.graphs_written} data graphs written (+{report.triples_added} / -0 "
        f"triples; {report.provenance_triples} triples of provenance), 0 unchanged; 4 graphs of "
        "the run's own written: ontology ("
    )
    assert f"VoID description ({own['VoID description']} triples)" in line
    assert report.store_quads == sum(sizes.values())

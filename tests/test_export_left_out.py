"""A published dump leaves out the VoID graph that describes it, and says so: `scholarkg export`
prints the graph and its quads, and the counts printed are those of the files written, which
with the graph left out add up to the store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from rdf_sets import canonical
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.iris import Minter
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.void_statistics import description_graph_iri

VOID_GRAPH = str(description_graph_iri(Minter().base))


def store_quads(path: Path) -> tuple[set[str], int]:
    """The store's quads but the VoID graph's, and the VoID graph's count."""
    with EmbeddedStore(path, read_only=True) as store:
        void = ox.NamedNode(VOID_GRAPH)
        rest = canonical(q for q in store.native if q.graph_name != void)
        return rest, sum(1 for q in store.native if q.graph_name == void)


def parsed(path: Path, fmt: ox.RdfFormat) -> list[str]:
    """The file's quads, blank nodes labelled canonically (the store and the N-Quads dump label
    the ontology's differently)."""
    quads = list(ox.parse(path=path, format=fmt))
    labelled = canonical(quads)
    assert len(labelled) == len(quads)  # no quad written twice
    return sorted(labelled)


def test_export_of_the_published_dump_says_what_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "trig"]})
    config = load_config(config_path)
    build(config)
    capsys.readouterr()
    for fmt, rdf in (("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)):
        assert main(["export", "--format", fmt, "--config", str(config_path)]) == 0
        lines = capsys.readouterr().out.splitlines()
        dump = config.exports_dir / f"scholarkg.{fmt}"
        written = parsed(dump, rdf)
        rest, void = store_quads(config.store.path)
        assert void > 0 and set(written) == rest and len(written) == len(rest)
        assert lines[1].startswith(f"wrote {dump} ({len(written)} quads, ")
        assert lines[2] == (
            f"left out: graph <{VOID_GRAPH}> ({void} quads), the VoID description of this dump "
            f"(it gives the dump's checksum), in {config.data_dir / 'void.ttl'}; "
            "--output PATH writes every graph"
        )
        assert lines[3].startswith("sha256 ")
    with EmbeddedStore(config.store.path, read_only=True) as store:
        assert len(rest) + void == len(store.native)


def test_a_published_dump_never_holds_an_earlier_description(tmp_path: Path) -> None:
    """A TriG or Turtle dump in [publish] dumps was written from the store while it still held
    the previous publication's VoID graph: stale checksums inside the dump they describe."""
    config_path = write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "trig", "ttl"]})
    config = load_config(config_path)
    build(config)
    assert main(["export", "--format", "trig", "--config", str(config_path)]) == 0  # publishes
    rest, _ = store_quads(config.store.path)
    trig = parsed(config.exports_dir / "scholarkg.trig", ox.RdfFormat.TRIG)
    assert set(trig) == rest and len(trig) == len(rest)
    ttl = list(ox.parse(path=config.exports_dir / "scholarkg.ttl", format=ox.RdfFormat.TURTLE))
    with EmbeddedStore(config.store.path, read_only=True) as store:
        void = ox.NamedNode(VOID_GRAPH)
        others = canonical(
            ox.Quad(q.subject, q.predicate, q.object) for q in store.native if q.graph_name != void
        )
    # blank nodes compared canonically (the dump labels them from content, the store at random)
    assert canonical(ttl) == others and len(ttl) == len(others)

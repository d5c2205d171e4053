"""Run provenance, per-graph provenance, change sets and skipping unchanged graphs."""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.iris import Minter
from scholarkg.pipeline import (
    LoadOutcome,
    changes_dir_for,
    fetch_profile_source,
    load_ontology,
    load_staged,
    record_run,
    stage_profile,
)
from scholarkg.provenance import RunInfo, config_hash
from scholarkg.query import run_select
from scholarkg.store.embedded import EmbeddedStore

PROFILE_GRAPH = "https://w3id.org/scholarkg/id/graph/profile/leonard-hussenot"
PREFIXES = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX sh: <http://www.w3.org/ns/shacl#> "
)


def run_once(config: Config, page: Path = SAMPLE_PROFILE) -> tuple[RunInfo, LoadOutcome]:
    run = RunInfo.start(config)
    staged = stage_profile(fetch_profile_source(str(page), config), config).staged
    with EmbeddedStore(config.store.path) as store:
        load_ontology(store, Minter(config.iri_base))
        outcome = load_staged(list(staged), store, run, changes_dir=changes_dir_for(config, run))
        if outcome.changes:
            record_run(store, run, outcome="ok", counts={"graphs_changed": len(outcome.changes)})
    return run, outcome


def test_first_run_writes_graphs_with_provenance_and_a_change_set(config_file: Path) -> None:
    config = load_config(config_file)
    run, outcome = run_once(config)
    assert {c.graph for c in outcome.changes} == {
        PROFILE_GRAPH,
        PROFILE_GRAPH + "/snapshot/89331bcba7cef96a",
    }
    assert all(c.removed == 0 and c.added > 0 for c in outcome.changes)
    added = (changes_dir_for(config, run) / "profile_leonard-hussenot.added.nq").read_text()
    assert len(added.splitlines()) == next(
        c.added for c in outcome.changes if c.graph == PROFILE_GRAPH
    )
    assert all(line.endswith(f"<{PROFILE_GRAPH}> .") for line in added.splitlines())
    with EmbeddedStore(config.store.path, read_only=True) as store:
        meta = run_select(
            store,
            PREFIXES
            + f"SELECT ?run ?source ?hash ?report ?conforms WHERE {{ GRAPH <{PROFILE_GRAPH}> "
            f"{{ <{PROFILE_GRAPH}> prov:wasGeneratedBy ?run ; dcterms:source ?source ; "
            "skg:sourceContentHash ?hash ; skg:shaclReport ?report ; prov:generatedAtTime ?t } "
            "GRAPH ?report { ?r sh:conforms ?conforms } }",
        ).rows
        assert meta == [
            (
                run.iri,
                SAMPLE_PROFILE.resolve().as_uri(),
                "sha256:89331bcba7cef96aa0754a05b2d82e7577b1739e2c422b9ac38a8f3b47904368",
                PROFILE_GRAPH + "/shacl-report",
                "true",
            )
        ]
        activity = run_select(
            store,
            PREFIXES
            + f"SELECT ?hash ?changed WHERE {{ <{run.iri}> a skg:PipelineRun, prov:Activity ; "
            "skg:configHash ?hash ; skg:graphsChanged ?changed ; prov:startedAtTime ?s ; "
            "prov:endedAtTime ?e ; skg:softwareVersion ?v }",
        ).rows
        assert activity == [(config_hash(config), "2")]


def test_second_run_on_same_input_writes_nothing(config_file: Path) -> None:
    config = load_config(config_file)
    run_once(config)
    with EmbeddedStore(config.store.path, read_only=True) as store:
        before = {g: store.triples_in(g) for g in store.graph_names()}
    run, outcome = run_once(config)
    assert outcome.changes == () and outcome.unchanged == 2
    assert not changes_dir_for(config, run).exists()
    with EmbeddedStore(config.store.path, read_only=True) as store:
        assert {g: store.triples_in(g) for g in store.graph_names()} == before


def test_changed_page_changes_only_what_changed(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config = load_config(write_config(tmp_path, [page]))
    run_once(config, page)
    listing = "Gemma Team, Aishwarya Kamath, Johan Ferret et al. · deepmind".encode()
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(listing + b", mit", listing))
    run, outcome = run_once(config, page)
    by_graph = {c.graph: c for c in outcome.changes}
    # The profile graph loses one organisation link (the org node stays: deepmind lists it).
    profile = by_graph[PROFILE_GRAPH]
    assert (profile.added, profile.removed) == (0, 3)
    removed = (changes_dir_for(config, run) / "profile_leonard-hussenot.removed.nq").read_text()
    assert "organization/mit" in removed
    # New bytes → a new snapshot graph; the old snapshot stays as history.
    assert any("/snapshot/" in g and c.removed == 0 for g, c in by_graph.items())
    with EmbeddedStore(config.store.path, read_only=True) as store:
        snapshots = [g for g in store.graph_names() if "/snapshot/" in g and "shacl" not in g]
        assert len(snapshots) == 2

"""Run provenance, per-graph provenance, change sets and skipping unchanged graphs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from building import build_store, graphs, rebuild, rows
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.provenance import RunInfo, config_hash
from scholarkg.runs.build import build

PREFIXES = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX sh: <http://www.w3.org/ns/shacl#> "
)


def profile_graph(names: set[str]) -> str:
    [graph] = [
        g for g in names if "/graph/profile/" in g and "/snapshot/" not in g and "shacl" not in g
    ]
    return graph


def test_first_run_writes_graphs_with_provenance_and_a_change_set(tmp_path: Path) -> None:
    config, report = build_store(tmp_path, [SAMPLE_PROFILE])
    names = set(graphs(config))
    graph = profile_graph(names)
    kinds = sorted({g.split("/graph/", 1)[1].split("/")[0] for g in names})
    assert kinds == ["categories", "ontology", "person", "profile", "run", "void"]
    assert report.changes_dir is not None
    changes = Path(report.changes_dir)
    added = (changes / "added.nq").read_text(encoding="utf-8").splitlines()
    assert sum(1 for line in added if line.endswith(f"<{graph}> .")) > 100
    listed = dict(line.split("\t", 1) for line in (changes / "graphs.tsv").read_text().splitlines())
    assert listed[graph].startswith("+") and listed[graph].endswith("\t-0")
    meta = rows(
        config,
        PREFIXES + f"SELECT ?run ?source ?hash ?digest WHERE {{ GRAPH <{graph}> "
        f"{{ <{graph}> prov:wasGeneratedBy ?run ; dcterms:source ?source ; "
        "skg:sourceContentHash ?hash ; skg:contentDigest ?digest ; prov:generatedAtTime ?t } }",
    )
    assert meta == [
        {
            "run": report.run_iri,
            "source": SAMPLE_PROFILE.resolve().as_uri(),
            "hash": "sha256:89331bcba7cef96aa0754a05b2d82e7577b1739e2c422b9ac38a8f3b47904368",
            "digest": meta[0]["digest"],
        }
    ]
    assert meta[0]["digest"].startswith("blake2b:")
    activity = rows(
        config,
        PREFIXES + f"SELECT ?hash ?changed ?outcome WHERE {{ <{report.run_iri}> a skg:PipelineRun, "
        "prov:Activity ; skg:configHash ?hash ; skg:graphsChanged ?changed ; "
        "skg:outcome ?outcome ; "
        "prov:startedAtTime ?s ; prov:endedAtTime ?e ; skg:softwareVersion ?v }",
    )
    assert activity == [
        {"hash": config_hash(config), "changed": str(report.graphs_written), "outcome": "ok"}
    ]


def test_a_graph_with_warnings_links_its_shacl_report(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"25 Papers", b"26 Papers"))
    config, _ = build_store(tmp_path, [page])
    found = rows(
        config,
        PREFIXES + "SELECT ?g ?severity WHERE { GRAPH ?g { ?g skg:shaclReport ?report } "
        "GRAPH ?report { ?r sh:conforms true ; sh:result/sh:resultSeverity ?severity } }",
    )
    assert found and {r["severity"] for r in found} == {"http://www.w3.org/ns/shacl#Warning"}
    assert all("/snapshot/" in r["g"] for r in found)


def test_second_run_on_same_input_writes_nothing(tmp_path: Path) -> None:
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    before = graphs(config)
    report = rebuild(config)
    assert report.graphs_written == 0 and report.changes_dir is None
    assert graphs(config) == before  # not even a run record: nothing changed


def test_changed_page_changes_only_what_changed(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config = load_config(write_config(tmp_path, [page]))
    build(config)
    listing = "Gemma Team, Aishwarya Kamath, Johan Ferret et al. · deepmind".encode()
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(listing + b", mit", listing))
    report = build(config).report
    assert report.changes_dir is not None
    changes = Path(report.changes_dir)
    by_graph = {
        g: tuple(int(x) for x in counts.split("\t"))
        for g, counts in (
            line.split("\t", 1) for line in (changes / "graphs.tsv").read_text().splitlines()
        )
    }
    graph = profile_graph(set(by_graph))
    # The profile graph loses the paper's link to mit and the mit node (type and two labels).
    assert by_graph[graph] == (0, -4)
    removed = (changes / "removed.nq").read_text(encoding="utf-8")
    assert "organization/mit" in removed
    # New bytes → a new snapshot graph; the old snapshot stays as history.
    assert any("/snapshot/" in g and removed_ == 0 for g, (_, removed_) in by_graph.items())
    snapshots = [g for g in graphs(config) if "/snapshot/" in g and "shacl" not in g]
    assert len(snapshots) == 2


def test_the_run_record_graph_is_minted_under_the_base_even_one_with_run_in_it(
    tmp_path: Path,
) -> None:
    """Before: ``/run/`` was replaced where it first occurred, in the base itself, so with
    ``https://example.org/run/`` as the base the record went to
    ``https://example.org/graph/run/run/…``, outside the base."""
    for base in ("https://w3id.org/scholarkg/id/", "https://example.org/run/", "urn:x:/run/a/"):
        info = RunInfo(f"{base}run/20261204T120000Z-0a1b2c3d", dt.datetime.now(dt.UTC), "")
        assert info.graph_iri == f"{base}graph/run/20261204T120000Z-0a1b2c3d"

"""Profiles enriched from arXiv end to end, against the loopback replay server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from conftest import write_config
from samples import ROOT
from scholarkg.config import Config, load_config
from scholarkg.iris import Minter
from scholarkg.pipeline import (
    enrich_profile_source,
    fetch_profile_source,
    load_ontology,
    load_staged,
    stage_profile,
)
from scholarkg.provenance import RunInfo
from scholarkg.query import run_select
from scholarkg.store.embedded import EmbeddedStore

PROFILE = ROOT / "tests" / "fixtures" / "profiles" / "arnaud-gotlieb.txt"
PREFIXES = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
)


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    server = ReplayServer(assemble=True).start()
    try:
        yield server
    finally:
        server.stop()


def arxiv_config(tmp_path: Path, api_url: str, **arxiv: object) -> Config:
    settings = {"enabled": True, "api_url": api_url, "min_interval": 0.2} | arxiv
    http = {"min_interval": 0.0, "max_retries": 1, "backoff_base": 0.05, "read_timeout": 5.0}
    return load_config(write_config(tmp_path, [PROFILE], arxiv=settings, http=http))


def build(config: Config) -> tuple[EmbeddedStore, object]:
    sha = fetch_profile_source(str(PROFILE), config)
    enrichment = enrich_profile_source(sha, config)
    result = stage_profile(sha, config, enrichment)
    store = EmbeddedStore(config.store.path)
    load_ontology(store, Minter(config.iri_base))
    load_staged(list(result.staged), store, RunInfo.start(config))
    return store, result


def test_profile_comes_out_fully_enriched(tmp_path: Path, replay: ReplayServer) -> None:
    config = arxiv_config(tmp_path, replay.api_url)
    store, result = build(config)
    with store:
        assert result.resolved == 3 and result.degraded is None  # type: ignore[attr-defined]
        # The near miss: arXiv's phrase search finds nothing for it, so it stays unresolved.
        [(title, candidates)] = result.unresolved  # type: ignore[attr-defined]
        assert title.startswith("Testing Deep Learning Models: A Second")
        assert candidates == ()
        paper = "<https://w3id.org/scholarkg/id/paper/arxiv/2202.12139>"
        authors = run_select(
            store,
            PREFIXES + f"SELECT DISTINCT ?pos ?name WHERE {{ {paper} skg:hasAuthorship ?a . "
            "?a skg:position ?pos ; skg:nameAsListed ?name } ORDER BY ?pos",
        ).rows
        assert authors == [
            ("1", "Mohit Kumar Ahuja"),
            ("2", "Arnaud Gotlieb"),
            ("3", "Helge Spieker"),
        ]
        facts = dict(
            run_select(
                store,
                PREFIXES + "SELECT ?k ?v WHERE { VALUES (?k ?p) { ('doi' skg:doi) "
                "('arxivDoi' skg:arxivDoi) ('issued' dcterms:issued) } "
                f"{paper} ?p ?v }}",
            ).rows
        )
        assert facts == {
            "doi": "10.1109/ICSTW55395.2022.00035",
            "arxivDoi": "10.48550/arXiv.2202.12139",
            "issued": "2022-02-24",
        }
        categories = run_select(
            store, PREFIXES + f"SELECT DISTINCT ?c WHERE {{ {paper} skg:category ?c }} ORDER BY ?c"
        ).rows
        assert [c for (c,) in categories] == [
            "https://w3id.org/scholarkg/category/cs.LG",
            "https://w3id.org/scholarkg/category/cs.SE",
        ]
        # The researcher's own authorship carries arXiv's position, on the same person node.
        positions = run_select(
            store,
            PREFIXES + "SELECT ?paper ?pos WHERE { ?paper skg:hasAuthorship ?a . "
            "?a skg:author <https://w3id.org/scholarkg/id/person/arnaud-gotlieb> ; "
            "skg:position ?pos }",
        ).rows
        assert ("https://w3id.org/scholarkg/id/paper/arxiv/2202.12139", "2") in positions
        # Versions: 2204.08348 went to v3; v1 and v3 dates known from the Atom entry.
        versions = run_select(
            store,
            PREFIXES + "SELECT ?n WHERE { <https://w3id.org/scholarkg/id/paper/arxiv/2204.08348> "
            "dcterms:hasVersion/skg:versionNumber ?n } ORDER BY ?n",
        ).rows
        assert versions == [("1",), ("3",)]
        # The resolved paper is one node: the profile's listing uses the arXiv IRI.
        evidence = run_select(
            store,
            PREFIXES + "SELECT ?method ?score WHERE { ?r skg:resolvedPaper "
            f"{paper} ; skg:resolutionMethod ?method ; skg:score ?score }}",
        ).rows
        assert evidence and evidence[0][0] == "score" and float(evidence[0][1] or 0) > 0.9
        titles = run_select(
            store, PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a skg:Paper }"
        ).rows
        assert titles == [("4",)]


def test_requests_are_spaced_by_the_servers_clock(tmp_path: Path, replay: ReplayServer) -> None:
    config = arxiv_config(tmp_path, replay.api_url, min_interval=0.5)
    enrich_profile_source(fetch_profile_source(str(PROFILE), config), config)
    starts = [r.started for r in replay.requests_to("/api/query")]
    assert len(starts) == 4  # one title search per listed paper
    # Arrival times on the server's clock. Loopback delivery jitters under CPU load, so allow
    # 10%: a skipped wait would show gaps of a few milliseconds, not ~0.5 s.
    assert all(b - a >= 0.45 for a, b in itertools.pairwise(starts))


def test_override_wins_and_known_ids_go_in_one_batch(tmp_path: Path, replay: ReplayServer) -> None:
    title = "Testing Deep Learning Models: A Second Comparative Study of Testing Techniques"
    path = write_config(
        tmp_path,
        [PROFILE],
        arxiv={"enabled": True, "api_url": replay.api_url, "min_interval": 0.05},
        **{"arxiv.overrides": {title: "2405.13786v1"}},
    )
    config = load_config(path)
    enrichment = enrich_profile_source(fetch_profile_source(str(PROFILE), config), config)
    verdict = next(r for r in enrichment.resolutions if r.paper.title == title)
    assert (verdict.method, verdict.arxiv_id) == ("override", "2405.13786")
    id_requests = [r for r in replay.requests_to("/api/query") if r.param("id_list")]
    assert [r.param("id_list") for r in id_requests] == ["2405.13786"]


def test_arxiv_unreachable_degrades_and_keeps_the_profile(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/api/query"
    config = arxiv_config(tmp_path, dead)
    store, result = build(config)
    with store:
        degraded = result.degraded  # type: ignore[attr-defined]
        assert degraded == (
            f"arXiv unreachable at {dead} (connection refused); profiles loaded without enrichment"
        )
        assert result.resolved == 0 and result.papers == 4  # type: ignore[attr-defined]
        papers = run_select(
            store, PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a skg:Paper }"
        ).rows
        assert papers == [("4",)]

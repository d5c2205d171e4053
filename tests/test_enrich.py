"""Profiles enriched from arXiv end to end, against the loopback replay server."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer
from conftest import write_config
from samples import ROOT
from scholarkg.config import Config, load_config
from scholarkg.quarantine_graphs import read_rejected
from scholarkg.query_results import run_select
from scholarkg.runs.build import build as build_job
from scholarkg.runs.report import RunReport
from scholarkg.store.embedded import EmbeddedStore

pytest_plugins = ("arxiv_fixtures",)

PROFILE = ROOT / "tests" / "fixtures" / "profiles" / "arnaud-gotlieb.txt"
PREFIXES = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
)


def arxiv_config(tmp_path: Path, api_url: str, **arxiv: object) -> Config:
    settings = {"enabled": True, "api_url": api_url, "min_interval": 0.2} | arxiv
    http = {"min_interval": 0.0, "max_retries": 1, "backoff_base": 0.05, "read_timeout": 5.0}
    return load_config(write_config(tmp_path, [PROFILE], arxiv=settings, http=http))


def build(config: Config) -> tuple[EmbeddedStore, RunReport]:
    report = build_job(config).report
    return EmbeddedStore(config.store.path, read_only=True), report


def test_profile_comes_out_fully_enriched(tmp_path: Path, replay: ReplayServer) -> None:
    config = arxiv_config(tmp_path, replay.api_url)
    store, result = build(config)
    with store:
        assert result.paper_states.get("resolved") == 3 and result.degraded == []
        # The near miss: no phrase match, and the word searches find only the other study.
        [(_, title, why)] = result.unresolved
        assert title.startswith("Testing Deep Learning Models: A Second")
        assert "unresolved" in why
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
        # The researcher's own authorship carries arXiv's position, on one person node.
        positions = run_select(
            store,
            PREFIXES + "SELECT DISTINCT ?paper ?pos ?rule WHERE { ?paper skg:hasAuthorship ?a . "
            "?a skg:author ?me ; skg:position ?pos ; skg:identityRule ?rule . "
            '?me foaf:name "Arnaud Gotlieb" }',
        ).rows
        assert (
            "https://w3id.org/scholarkg/id/paper/arxiv/2202.12139",
            "2",
            "profile-researcher",
        ) in positions
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
            PREFIXES + "SELECT ?state ?from ?score WHERE { ?r skg:resolvedPaper "
            f"{paper} ; skg:resolutionState ?state ; skg:resolvedFrom ?from ; skg:score ?score }}",
        ).rows
        assert evidence and evidence[0][:2] == ("resolved", "api")
        assert float(evidence[0][2] or 0) > 0.9
        titles = run_select(
            store, PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a skg:Paper }"
        ).rows
        assert titles == [("4",)]


def test_requests_are_spaced_by_the_servers_clock(tmp_path: Path, replay: ReplayServer) -> None:
    config = arxiv_config(tmp_path, replay.api_url, min_interval=0.5)
    build(config)[0].close()
    starts = [r.started for r in replay.requests_to("/api/query")]
    assert len(starts) >= 2
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
    store, report = build(load_config(path))
    with store:
        rows = run_select(
            store,
            PREFIXES + "SELECT ?state ?id WHERE { ?r skg:titleAsListed ?t ; skg:resolutionState "
            f'?state ; skg:resolvedPaper/skg:arxivId ?id FILTER(STR(?t) = "{title}") }}',
        ).rows
    assert rows == [("overridden", "2405.13786")]
    id_requests = [r for r in replay.requests_to("/api/query") if r.param("id_list")]
    assert [r.param("id_list") for r in id_requests] == ["2405.13786"]
    assert report.paper_states.get("overridden") == 1


def test_arxiv_unreachable_degrades_and_keeps_the_profile(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/api/query"
    config = arxiv_config(tmp_path, dead)
    store, result = build(config)
    with store:
        assert result.degraded == [
            f"arXiv unusable at {dead} (connection refused); the rest of the profile loaded "
            "without it"
        ]
        assert result.outcome == "degraded" and result.papers == 4
        assert result.paper_states == {"unresolved": 4}
        papers = run_select(
            store, PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a skg:Paper }"
        ).rows
        assert papers == [("4",)]
        assert resolution_notes(store) == {
            "arXiv could not be searched to the end (see the run's report)": 4
        }
    assert {why for _, _, why in result.unresolved} == {
        "arXiv could not be searched to the end (see the run's report)"
    }


def resolution_notes(store: object) -> dict[str, int]:
    """The notes of the unresolved skg:Resolution nodes, counted."""
    rows = run_select(
        store,  # type: ignore[arg-type]
        PREFIXES + 'SELECT ?note (COUNT(?r) AS ?n) WHERE { ?r skg:resolutionState "unresolved" '
        "OPTIONAL { ?r <http://www.w3.org/2000/01/rdf-schema#comment> ?c } "
        'BIND (COALESCE(?c, "") AS ?note) } GROUP BY ?note',
    ).rows
    return {str(note): int(str(n)) for note, n in rows}


def test_with_arxiv_off_an_unresolved_paper_says_arxiv_was_not_searched(tmp_path: Path) -> None:
    store, result = build(load_config(write_config(tmp_path, [PROFILE])))
    note = "not among the store's records; arXiv was not searched (enrichment is off)"
    with store:
        assert result.paper_states == {"unresolved": 4} and result.requests == {}
        assert resolution_notes(store) == {note: 4}
    assert {why for _, _, why in result.unresolved} == {note}


@pytest.mark.parametrize(
    "body",
    [b"<html><body>Service unavailable</body></html>", b'<?xml version="1.0"?><feed xmlns="'],
)
def test_a_page_that_is_no_feed_degrades_instead_of_failing(
    tmp_path: Path, replay: ReplayServer, body: bytes
) -> None:
    replay.add_fault(Fault("status", status=200, body=body), times=-1)
    store, result = build(arxiv_config(tmp_path, replay.api_url))
    with store:
        assert result.outcome == "degraded" and result.degraded, result.summary_lines()
        papers = run_select(
            store, PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a skg:Paper }"
        ).rows
        assert papers == [("4",)]


def test_an_arxiv_record_the_gate_rejects_is_kept_under_quarantine(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """CONSTRUCTED: the arXiv answer for the overridden paper with a category the shapes refuse
    (the real answer otherwise). The record is rejected, named in the report, and its graph is
    kept under quarantine/graphs with its findings, as a snapshot or harvest keeps one; before,
    enrichment counted it rejected and kept nothing."""
    import urllib.request

    title = "Testing Deep Learning Models: A Second Comparative Study of Testing Techniques"
    overrides = {"arxiv.overrides": {title: "2405.13786v1"}}
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.05}
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    build(load_config(write_config(first, [PROFILE], arxiv=arxiv, **overrides)))
    [asked] = [r for r in replay.requests_to("/api/query") if r.param("id_list")]
    with urllib.request.urlopen(f"{replay.api_url}?{asked.raw_query}", timeout=30) as answer:
        body = answer.read()
    assert b'term="cs.SE"' in body
    bad = body.replace(b'term="cs.SE"', b'term="zz.XX!"')
    replay.add_fault(Fault("status", status=200, body=bad), times=-1, id_list="2405.13786")
    config = load_config(write_config(second, [PROFILE], arxiv=arxiv, **overrides))
    store, report = build(config)
    store.close()
    graph = "https://w3id.org/scholarkg/id/graph/arxiv/2405.13786"
    assert graph in report.rejected
    kept = read_rejected(config.quarantine_dir)
    assert [k.graph for k in kept.graphs] == [graph] and kept.notes == []
    assert kept.graphs[0].findings and kept.graphs[0].source

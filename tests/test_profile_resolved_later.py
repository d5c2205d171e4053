"""A profile built before the arXiv record of one of its papers was held (arXiv off: the paper
stays listed-only) is built again once a snapshot brings the record: the listing joins the arXiv
paper as a first build after the snapshot would, and the run after writes nothing. Inputs are
CONSTRUCTED (tests/constructed.py): a real snapshot line with a new id and the profile's authors,
a profile page in the sample page's layout."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from building import content, rows
from constructed import snapshot_line
from scholarkg.config import Config
from scholarkg.iris import Minter
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from serve_helpers import local, running_server
from spieker_listing import AUTHORS, TITLE, inputs

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "


def _papers(config: Config) -> list[str]:
    found = rows(config, P + "SELECT DISTINCT ?p WHERE { ?p a skg:Paper } ORDER BY ?p")
    return [r["p"] for r in found]


def test_a_profile_built_before_the_snapshot_joins_its_paper_once_the_record_is_held(
    tmp_path: Path,
) -> None:
    config, snapshot = inputs(tmp_path / "later")
    first = build(config).report
    assert first.paper_states == {"unresolved": 1}, first.summary_lines()
    listed = str(Minter().paper_listed(TITLE, AUTHORS[0]))
    who = P + "SELECT ?a ?who WHERE {{ <{}/authorship/2> skg:author ?who }}"
    [gotlieb] = rows(config, who.format(listed))
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    again = build(config).report
    assert again.outcome == "ok", again.summary_lines()
    assert again.sources_unchanged == []
    assert again.paper_states == {"resolved": 1}, again.unresolved
    assert _papers(config) == [str(Minter().paper_by_arxiv("9004.00003"))]
    authors = rows(
        config,
        P + "SELECT ?a ?rule WHERE { ?a skg:author ?who ; skg:identityRule ?rule } ORDER BY ?a",
    )
    # the second author is the person he was on the listing, the same authorship (before:
    # shared-coauthor, its evidence the listing, a paper the store no longer held)
    assert [(r["a"].rsplit("/", 1)[1], r["rule"]) for r in authors] == [
        ("1", "profile-researcher"),
        ("2", "same-paper"),
    ]
    arxiv = str(Minter().paper_by_arxiv("9004.00003"))
    assert rows(config, who.format(arxiv)) == [gotlieb]
    stating = "SELECT ?g WHERE {{ GRAPH ?g {{ <{}> <http://purl.org/dc/terms/isReplacedBy> ?x }} }}"
    [profile_graph_iri] = [r["g"] for r in rows(config, stating.format(listed))]
    evidence = P + f"SELECT ?e WHERE {{ <{arxiv}/authorship/2> skg:identityEvidence ?e }}"
    assert rows(config, evidence) == [{"e": profile_graph_iri}]
    # no IRI names the listing but its replacement: no evidence, no authorship of it (the
    # same-paper basis tells, in words, where it was listed)
    naming = rows(
        config,
        "SELECT ?s ?p WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?s), '/paper/listed/')"
        " || (isIRI(?o) && CONTAINS(STR(?o), '/paper/listed/'))) } ORDER BY ?s ?p",
    )
    assert [(r["s"].removeprefix(listed), r["p"].rsplit("/", 1)[1]) for r in naming] == [
        (part, p)
        for part in ("", "/authorship/1", "/authorship/2")
        for p in ("isReplacedBy", "owl#sameAs")
    ]
    # the IRIs the paper and its authorships had while listed only stay resolvable: replaced
    # by the arXiv paper and its authorships
    replaced = rows(
        config,
        P
        + "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX owl: <http://www.w3.org/2002/07/owl#>"
        f" SELECT ?by ?same WHERE {{ <{listed}> dcterms:isReplacedBy ?by ; owl:sameAs ?same }}",
    )
    assert replaced == [{"by": arxiv, "same": arxiv}]
    with running_server(config.store.path, build=False) as (server, _):
        for old, new in ((listed, arxiv), (f"{listed}/authorship/2", f"{arxiv}/authorship/2")):
            moved = requests.get(server.url + local(old)[1:], allow_redirects=False, timeout=60)
            assert moved.status_code == 301 and moved.headers["Location"] == local(new)
    # as a first build after the snapshot: the same profile and record graphs (persons are
    # minted from the evidence seen first, and the page's metrics carry the time seen), but
    # for the listed-only IRI, which that build never published
    other, other_snapshot = inputs(tmp_path / "first")
    assert load_snapshot(other, other_snapshot, workers=0).report.outcome == "ok"
    assert build(other).report.paper_states == {"resolved": 1}
    later = _records(config)
    [profile_graph] = [g for g in later if "/graph/profile/" in g]
    assert {t for t in later[profile_graph] if t[0].startswith(f"<{listed}")} == {
        (f"<{listed}{part}>", f"<{predicate}>", f"<{arxiv}{part}>")
        for part in ("", "/authorship/1", "/authorship/2")
        for predicate in (
            "http://purl.org/dc/terms/isReplacedBy",
            "http://www.w3.org/2002/07/owl#sameAs",
        )
    }
    later[profile_graph] = {t for t in later[profile_graph] if not t[0].startswith(f"<{listed}")}
    assert later == _records(other) != {}
    after = build(config).report
    assert len(after.sources_unchanged) == 1 and after.graphs_written == 0


def _records(config: Config) -> dict[str, set[tuple[str, str, str]]]:
    """The profile's and the arXiv record's graphs (persons and the page's metrics left out)."""
    return {
        g: t for g, t in content(config).items() if "/person/" not in g and "/snapshot/" not in g
    }


def test_a_profile_left_unresolved_is_not_built_again_while_the_title_index_stays_as_it_was(
    tmp_path: Path,
) -> None:
    config, snapshot = inputs(tmp_path)
    assert build(config).report.paper_states == {"unresolved": 1}
    assert len(build(config).report.sources_unchanged) == 1  # no index yet
    other = snapshot.with_name("other.jsonl")  # a record that resolves nothing of the page
    other.write_text(snapshot_line("0704.0002", new_id="9004.00004") + "\n", encoding="utf-8")
    assert load_snapshot(config, other, workers=0).report.outcome == "ok"
    again = build(config).report  # the index grew: looked up again, still unresolved
    assert (again.sources_unchanged, again.paper_states) == ([], {"unresolved": 1})
    assert load_snapshot(config, other, workers=0).report.outcome == "ok"  # the same record
    assert len(build(config).report.sources_unchanged) == 1


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_the_flow_builds_the_profile_again_once_the_snapshot_holds_its_paper(
    tmp_path: Path,
) -> None:
    """The same through the build_kg flow under a real (temporary) Prefect API."""
    from scholarkg_flows.build_kg import build_kg

    config, snapshot = inputs(tmp_path)
    assert build_kg(config_path=str(config.source)).paper_states == {"unresolved": 1}
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    again = build_kg(config_path=str(config.source))
    assert (again.sources_unchanged, again.paper_states) == ([], {"resolved": 1})
    assert _papers(config) == [str(Minter().paper_by_arxiv("9004.00003"))]
    after = build_kg(config_path=str(config.source))
    assert len(after.sources_unchanged) == 1 and after.graphs_written == 0

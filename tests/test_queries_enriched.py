"""The saved queries that need arXiv data, provenance and history, on a store built end to end."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from conftest import write_config
from samples import ROOT, SAMPLE_PROFILE, SECOND_PROFILE
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
from scholarkg.query import bind_parameters, resolve_query, run_select
from scholarkg.store.embedded import EmbeddedStore

GOTLIEB = ROOT / "tests" / "fixtures" / "profiles" / "arnaud-gotlieb.txt"
ID = "https://w3id.org/scholarkg/id/"


def load(config: Config, page: Path) -> None:
    sha = fetch_profile_source(str(page), config)
    staged = stage_profile(sha, config, enrich_profile_source(sha, config)).staged
    with EmbeddedStore(config.store.path) as store:
        load_ontology(store, Minter(config.iri_base))
        load_staged(list(staged), store, RunInfo.start(config))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    directory = tmp_path_factory.mktemp("enriched")
    replay = ReplayServer(assemble=True).start()
    try:
        offline = load_config(write_config(directory, []))
        online = load_config(
            write_config(
                directory,
                [],
                arxiv={"enabled": True, "api_url": replay.api_url, "min_interval": 0.01},
            )
        )
        load(offline, SAMPLE_PROFILE)
        load(offline, SECOND_PROFILE)
        load(online, GOTLIEB)
        later = directory / "hussenot-later.txt"
        later.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118"))
        load(offline, later)
    finally:
        replay.stop()
    with EmbeddedStore(offline.store.path, read_only=True) as opened:
        yield opened


def rows(store: EmbeddedStore, name: str, **params: str) -> list[tuple[str | None, ...]]:
    return run_select(store, bind_parameters(resolve_query(name).text, params)).rows


def test_organisations_collaborating(store: EmbeddedStore) -> None:
    assert rows(store, "organisations-collaborating") == [
        ("amazon-science", "baidu", "1"),
        ("deepmind", "inria", "1"),
        ("deepmind", "mit", "1"),
        ("georgia tech", "ibm", "1"),
    ]


def test_categories_over_time(store: EmbeddedStore) -> None:
    table = {(c, y): n for c, y, n in rows(store, "categories-over-time")}
    assert table[("cs.LG", "2024")] == "6"
    assert table[("cs.LG", "2020")] == "5"  # 4 listed by the sample + 2005.14124 (cross-list)
    assert table[("cs.SE", "2022")] == "2"
    assert table[("cs.CR", "2020")] == "1"
    assert table[("cs.RO", "2023")] == "1"


def test_fact_provenance(store: EmbeddedStore) -> None:
    result = rows(
        store,
        "fact-provenance",
        subject=f"<{ID}paper/arxiv/2202.12139>",
        property="<http://purl.org/dc/terms/title>",
    )
    by_graph = {
        graph: (source, digest, run, report)
        for _, _, graph, source, digest, _, run, report in result
    }
    profile_graph, arxiv_graph = f"{ID}graph/profile/arnaud-gotlieb", f"{ID}graph/arxiv/2202.12139"
    assert set(by_graph) == {profile_graph, arxiv_graph}
    source, digest, run, report = by_graph[profile_graph]
    assert source == GOTLIEB.resolve().as_uri()
    assert digest == "sha256:" + hashlib.sha256(GOTLIEB.read_bytes()).hexdigest()
    assert run and run.startswith(f"{ID}run/") and report == profile_graph + "/shacl-report"
    arxiv_source = by_graph[arxiv_graph][0]
    assert arxiv_source and "/api/query?" in arxiv_source and "search_query=ti" in arxiv_source


def test_arxiv_papers(store: EmbeddedStore) -> None:
    result = {r[0]: r[1:] for r in rows(store, "arxiv-papers")}
    assert set(result) == {"2005.14124", "2202.12139", "2204.08348"}
    title, arxiv_doi, dois, primary, versions, issued = result["2204.08348"]
    assert title == "Automated Test Generation for REST APIs: No Time to Rest Yet"
    assert (arxiv_doi, dois, primary, versions, issued) == (
        "10.48550/arXiv.2204.08348",
        "10.1145/3533767.3534401",
        "cs.SE",
        "2",
        "2022-04-18",
    )
    assert result["2202.12139"][4] == "1"

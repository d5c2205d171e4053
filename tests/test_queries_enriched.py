"""The saved queries that need arXiv data, provenance and history, on a store built end to end."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from conftest import write_config
from samples import ROOT, SAMPLE_PROFILE, SECOND_PROFILE
from saved_rows import rows
from scholarkg.config import Config, load_config
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore

GOTLIEB = ROOT / "tests" / "fixtures" / "profiles" / "arnaud-gotlieb.txt"
ID = "https://w3id.org/scholarkg/id/"


def load(config: Config, page: Path) -> None:
    report = build(config, [str(page)]).report
    assert report.outcome == "ok", report.summary_lines()


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


def test_coauthorship_network(store: EmbeddedStore) -> None:
    result = rows(store, "coauthorship-network", minPapers="1")
    assert (
        frozenset(result[0][:2]) == {"Léonard Hussenot", "Robert Dadashi"} and result[0][2] == "7"
    )
    pairs = {frozenset((a, b)): n for a, b, n, *_ in result}
    assert pairs[frozenset(("Arnaud Gotlieb", "Helge Spieker"))] == "2"
    assert pairs[frozenset(("Robert Dadashi", "Zoë Ångström"))] == "1"
    assert len(pairs) == len(result)  # each pair once


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


def test_metric_history(store: EmbeddedStore) -> None:
    history = rows(store, "metric-history", researcher="Léonard Hussenot", metric="hIndex")
    assert [(m, v) for _, m, _, v, _ in history] == [("hIndex", "117"), ("hIndex", "118")]
    assert str(history[0][2]) < str(history[1][2])


def test_unresolved_papers(store: EmbeddedStore) -> None:
    found = rows(store, "unresolved-papers")
    assert {r[0] for r in found} == {"Arnaud Gotlieb", "Léonard Hussenot", "Robert Dadashi"}
    assert len(found) == 1 + 25 + 3  # arXiv was off for the two others: nothing resolved
    [(researcher, title, state, candidates, note)] = [r for r in found if r[0] == "Arnaud Gotlieb"]
    assert researcher == "Arnaud Gotlieb" and state == "unresolved" and note is None
    off = "not among the store's records; arXiv was not searched (enrichment is off)"
    assert {r[4] for r in found if r[0] != "Arnaud Gotlieb"} == {off}
    assert title == "Testing Deep Learning Models: A Second Comparative Study of Testing Techniques"
    # the word searches found the first study and others, none accepted: the best three listed
    assert candidates is not None and "2202.12139" in candidates.split()
    assert len(candidates.split()) == 3


def test_fact_provenance(store: EmbeddedStore) -> None:
    node = f"{ID}paper/arxiv/2202.12139/authorship/2"
    result = rows(
        store,
        "fact-provenance",
        subject=f"<{node}>",
        property="<https://w3id.org/scholarkg/ontology#nameAsListed>",
    )
    by_graph = {
        graph.split("/graph/", 1)[1].split("/")[0]: (value, source, digest, run)
        for _, value, graph, source, digest, _, run, _ in result
    }
    assert set(by_graph) == {"profile", "arxiv"}  # each source states the name it lists
    value, source, digest, run = by_graph["profile"]
    assert value == "Arnaud Gotlieb" and source == GOTLIEB.resolve().as_uri()
    assert digest == "sha256:" + hashlib.sha256(GOTLIEB.read_bytes()).hexdigest()
    assert run and run.startswith(f"{ID}run/")
    arxiv_value, arxiv_source = by_graph["arxiv"][:2]
    assert arxiv_value == "Arnaud Gotlieb"
    assert arxiv_source and "/api/query?" in arxiv_source


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
